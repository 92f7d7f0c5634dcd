#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QAction;
class QStatusBar;
class QWidget;

namespace loupe {

class ProjectSession;
class SampleGridModel;
class TaskRunner;

/**
 * File > Export: the current labels, the label issues, the shown samples (in the grid's
 * order), the edit log as CSV, and the class-folder tree in the background; for a detection
 * project the annotation errors, the boxes as COCO JSON or a YOLO folder (in the background)
 * and the box edit log. Each writes
 * atomically (a failed export leaves no partial file) and reports through one path: the
 * file written in the status bar, or why not in a dialog.
 */
class ExportController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportController)

public:
    ExportController(ProjectSession &session, SampleGridModel &grid, TaskRunner &tasks, QWidget *window,
                     QStatusBar *statusBar);

    /** The export actions, in menu order. */
    QList<QAction *> actions() const { return m_actions; }
    /** Writes the current labels as a class-folder tree into folder (new or empty) in the background. */
    bool exportClassFolderTree(const QString &folder, bool symlink);
    /** Writes a detection project's boxes as a YOLO folder (new or empty) in the background. */
    bool exportYoloFolder(const QString &folder, bool symlink);

private:
    QAction *addAction(const QString &text, const QString &toolTip, void (ExportController::*slot)());
    void updateActions();
    /** Asks for a CSV path (suggestedName beside the project); empty when cancelled. */
    QString chooseCsvPath(const QString &title, const QString &suggestedName);
    /** Runs write (which returns the status-bar text), reporting a loupe::Error in a dialog. */
    void run(const std::function<QString()> &write);
    void exportLabels();
    void exportSuspects();
    void chooseClassFolders();
    /** Asks whether to copy the images into folder or link to them: true links; nullopt cancelled. */
    std::optional<bool> askCopyOrLink(const QString &title, const QString &folder);
    void exportShownSamples();
    void exportEditLog();
    void exportAnnotationErrors();
    void exportCocoFile();
    void chooseYoloFolder();
    void exportBoxEditLog();

    ProjectSession &m_session;
    SampleGridModel &m_grid;
    TaskRunner &m_tasks;
    QWidget *m_window;
    QStatusBar *m_statusBar;
    QList<QAction *> m_actions;
    QList<QAction *> m_classificationActions; // the rest are a detection project's
    QAction *m_suspects = nullptr;
};

} // namespace loupe
