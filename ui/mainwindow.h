#pragma once

#include "edits/reviewrepository.h"

#include <QFutureWatcher>
#include <QMainWindow>

#include <functional>
#include <memory>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QMenu;

namespace loupe {

class BackgroundTask;
class ClustersPanel;
class ComparePanel;
class ConfusionMatrixView;
class DetailPanel;
class LearningCurveView;
class MapPanel;
class Project;
class ProjectSession;
class SimilarPanel;
class SlicesPanel;
class ReportPanel;
class TaskProgressWidget;
class SampleGridModel;
class SampleGridView;
class ThumbnailCache;
struct SampleTable;

/**
 * Loupe's main window: the thumbnail grid in the centre, the classification report
 * in a dock, File/Edit/View/Help menus. It wires panels to the shared
 * ProjectSession; it owns no data and runs no SQL.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Opens a project in the background; the window stays responsive. */
    void openProject(const QString &path);
    /** Blocks until a background open has finished (tests, --self-test). */
    bool waitForOpen();

    /** Asks for a dataset folder (prefilled with folder) and imports it into a new project. */
    void newProject(const QString &folder = {});
    /**
     * Imports folder into a new project at projectPath in the background, analyses it
     * when analyze is set, then opens it. False when other long work is running.
     */
    bool importDataset(const QString &folder, const QString &projectPath, const QString &runName,
                       bool analyze, bool replace = false);
    /** Runs the analysis engine on the open project in the background, then shows the new results. */
    bool analyzeProject();
    /**
     * Adds another model run from folder to the open project in the background, analyses
     * it, and reopens the project on it (the newest run is the one shown).
     */
    bool importRun(const QString &folder, const QString &name);
    /** Writes the current labels as a class-folder tree into folder (new or empty) in the background. */
    bool exportClassFolderTree(const QString &folder, bool symlink);
    /** The long work of the window (import, analysis): one at a time, with progress and cancel. */
    BackgroundTask *task() const { return m_task; }
    TaskProgressWidget *taskProgress() const { return m_taskProgress; }

    ProjectSession &session() const { return *m_session; }
    SampleGridView *grid() const { return m_grid; }
    SampleGridModel *gridModel() const { return m_gridModel; }
    ReportPanel *reportPanel() const { return m_report; }
    ConfusionMatrixView *confusionMatrix() const { return m_confusion; }
    MapPanel *mapPanel() const { return m_map; }
    ClustersPanel *clustersPanel() const { return m_clusters; }
    SlicesPanel *slicesPanel() const { return m_slices; }
    SimilarPanel *similarPanel() const { return m_similar; }
    LearningCurveView *learningCurve() const { return m_learningCurve; }
    DetailPanel *detailPanel() const { return m_details; }
    ComparePanel *comparePanel() const { return m_compare; }

Q_SIGNALS:
    void projectOpened();
    void openFailed(const QString &message);
    /** Long work ended; error is empty on success or when cancelled. */
    void taskFinished(bool cancelled, const QString &error);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct LoadedProject;

    void createActions();
    void createMenus();
    void createDocks();
    void chooseProject();
    void onOpenFinished();
    void onVerifyFinished();
    void onTaskFinished(bool cancelled, const QString &error);
    void updateTaskActions();
    void relabelSelection(int classIndex);
    void pickClassForSelection();
    void markSelection(ReviewStatus status);
    void moveToNextTile();
    void acceptSuggestedLabels();
    void filterToConfusionCell(int given, int predicted);
    void filterToMapSelection(const std::vector<qint64> &points);
    void showSessionSelection(const QObject *origin);
    void showDock(QWidget *panel);
    void rebuildRelabelActions();
    void rebuildFilterMenu();
    QString chooseCsvPath(const QString &title, const QString &suggestedName);
    void exportLabelsCsv();
    void exportSuspectsCsv();
    void chooseClassFolderExport();
    void chooseRunToImport();
    void exportShownSamples();
    void exportEditLogCsv();
    void filterWhere(const QString &description, const std::function<bool(size_t)> &keep);
    void addRecentProject(const QString &path);
    void rebuildRecentMenu();
    void updateStatus();
    void updateTitle();

    ProjectSession *m_session;
    ThumbnailCache *m_thumbnails;
    SampleGridModel *m_gridModel;
    SampleGridView *m_grid;
    ReportPanel *m_report;
    ConfusionMatrixView *m_confusion;
    MapPanel *m_map;
    ClustersPanel *m_clusters;
    SlicesPanel *m_slices;
    SimilarPanel *m_similar;
    LearningCurveView *m_learningCurve;
    DetailPanel *m_details;
    ComparePanel *m_compare;
    QComboBox *m_order;
    QLabel *m_status;
    QLabel *m_filterStatus;
    BackgroundTask *m_task;
    TaskProgressWidget *m_taskProgress;
    /** What to do when m_task succeeds (open the imported project, show new results). */
    std::function<void()> m_onTaskSuccess;
    bool m_closeWhenTaskEnds = false;
    QAction *m_acceptSuggestion = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_relabelMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_filterMenu = nullptr;
    QAction *m_closeAction = nullptr;
    QAction *m_newProjectAction = nullptr;
    QAction *m_analyzeAction = nullptr;
    QAction *m_importRunAction = nullptr;
    QAction *m_exportLabelsAction = nullptr;
    QAction *m_exportSuspectsAction = nullptr;
    QAction *m_exportFoldersAction = nullptr;
    QList<QAction *> m_relabelActions;
    QFutureWatcher<std::shared_ptr<LoadedProject>> m_openWatcher;
    QFutureWatcher<QString> m_verifyWatcher; // the damage check of the project just opened
    QString m_openingPath;
};

} // namespace loupe
