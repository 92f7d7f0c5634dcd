#pragma once

#include <QMainWindow>

class QDockWidget;
class QMenu;
class QTabWidget;

namespace loupe {

class BackgroundTask;
class BoxGridPanel;
class ClustersPanel;
class ComparePanel;
class ConfusionMatrixView;
class AnnotationErrorsPanel;
class DetailPanel;
class EditController;
class ExportController;
class FilterController;
class GridController;
class LearningCurveView;
class MapPanel;
class ObjectClustersPanel;
class ObjectMapPanel;
class ProjectOpener;
class ProjectSession;
class ReportPanel;
class SampleGridModel;
class SampleGridView;
class SimilarPanel;
class SlicesPanel;
class StatusController;
class TaskProgressWidget;
class TaskRunner;
class ThumbnailCache;
class WorkflowController;

/**
 * Loupe's main window. It only wires: the thumbnail grid in the centre, the panels in
 * docks, the menus assembled from the controllers' actions (opening projects, long
 * workflows, exports, edits, filters, the status bar), all around one ProjectSession.
 * It owns no data and runs no SQL.
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

    ProjectSession &session() const { return *m_session; }
    ProjectOpener &projects() const { return *m_opener; }
    WorkflowController &workflows() const { return *m_workflows; }
    ExportController &exports() const { return *m_exports; }
    EditController &edits() const { return *m_edits; }
    /** The long work of the window (import, analysis, export): one at a time, with progress and cancel. */
    BackgroundTask *task() const { return m_task; }
    TaskProgressWidget *taskProgress() const { return m_taskProgress; }

    SampleGridView *grid() const { return m_grid; }
    SampleGridModel *gridModel() const { return m_gridModel; }
    /** A detection project's boxes, a tab beside the image grid. */
    BoxGridPanel *boxGrid() const { return m_boxGrid; }
    /** Brings the box grid's tab to the front (a detection project's). */
    void showBoxGrid();
    ReportPanel *reportPanel() const { return m_report; }
    ConfusionMatrixView *confusionMatrix() const { return m_confusion; }
    MapPanel *mapPanel() const { return m_map; }
    ClustersPanel *clustersPanel() const { return m_clusters; }
    SlicesPanel *slicesPanel() const { return m_slices; }
    SimilarPanel *similarPanel() const { return m_similar; }
    LearningCurveView *learningCurve() const { return m_learningCurve; }
    DetailPanel *detailPanel() const { return m_details; }
    AnnotationErrorsPanel *annotationErrorsPanel() const { return m_annotationErrors; }
    ObjectClustersPanel *objectClustersPanel() const { return m_objectClusters; }
    ObjectMapPanel *objectMapPanel() const { return m_objectMap; }
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
    QDockWidget *addDock(const QString &title, const QString &name, QWidget *panel, Qt::DockWidgetArea area,
                         QDockWidget *tabWith = nullptr);
    void createDocks();
    void createMenus();
    void createViewMenu();
    void connectPanels();
    void showDock(QWidget *panel);
    /** Shows the box grid's tab for a detection project, and only the image grid otherwise. */
    void showGridTabs();

    ProjectSession *m_session;
    ThumbnailCache *m_thumbnails;
    SampleGridModel *m_gridModel;
    SampleGridView *m_grid;
    BoxGridPanel *m_boxGrid;
    QTabWidget *m_gridTabs; // the image grid, and the box grid for a detection project
    ReportPanel *m_report;
    ConfusionMatrixView *m_confusion;
    MapPanel *m_map;
    ClustersPanel *m_clusters;
    SlicesPanel *m_slices;
    SimilarPanel *m_similar;
    LearningCurveView *m_learningCurve;
    DetailPanel *m_details;
    AnnotationErrorsPanel *m_annotationErrors;
    ObjectClustersPanel *m_objectClusters;
    ObjectMapPanel *m_objectMap;
    ComparePanel *m_compare;
    BackgroundTask *m_task;
    TaskProgressWidget *m_taskProgress;
    QMenu *m_recentMenu;
    QMenu *m_filterMenu;
    StatusController *m_status;
    TaskRunner *m_tasks;
    ProjectOpener *m_opener;
    WorkflowController *m_workflows;
    ExportController *m_exports;
    EditController *m_edits;
    FilterController *m_filters;
    GridController *m_gridControl;
};

} // namespace loupe
