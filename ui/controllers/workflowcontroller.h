#pragma once

#include <QObject>
#include <QString>

class QAction;
class QWidget;

namespace loupe {

class ProjectOpener;
class ProjectSession;
class TaskRunner;

/**
 * The window's long workflows, each in the background through the TaskRunner and defined
 * once in core (importworkflow.h, shared with loupe-cli): New Project (import a dataset
 * folder, analyse it, open it), Analyse Project (again, keeping labels, filter and undo),
 * and Import Run (another model's run, analysed, then shown). Edits are held while the
 * app's own analysis writes, so none is lost under results computed without it.
 */
class WorkflowController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkflowController)

public:
    WorkflowController(ProjectSession &session, TaskRunner &tasks, ProjectOpener &opener, QWidget *window);

    QAction *newProjectAction() const { return m_newProject; }
    QAction *analyseAction() const { return m_analyse; }
    QAction *importRunAction() const { return m_importRun; }

    /** Asks for a dataset folder (prefilled with folder) and imports it into a new project. */
    void newProject(const QString &folder = {});
    /** Imports folder into a new project at projectPath, analyses it when analyse is set, then opens it. */
    bool importDataset(const QString &folder, const QString &projectPath, const QString &runName,
                       bool analyse, bool replace = false);
    /** Runs the analysis on the open project; the new results replace the old ones. */
    bool analyseProject();
    /** Asks for a run folder and its name, then imports it. */
    void chooseRunToImport();
    /** Adds another run from folder, analyses it, and reopens the project on it (the newest run is shown). */
    bool importRun(const QString &folder, const QString &name);

private:
    void updateActions();
    /** Holds the session's edits until the running task ends: its analysis writes from the labels it read. */
    void holdEditsUntilDone();

    ProjectSession &m_session;
    TaskRunner &m_tasks;
    ProjectOpener &m_opener;
    QWidget *m_window;
    QAction *m_newProject;
    QAction *m_analyse;
    QAction *m_importRun;
};

} // namespace loupe
