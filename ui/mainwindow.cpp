#include "mainwindow.h"

#include "appearance.h"
#include "backgroundtask.h"
#include "confusionmatrixview.h"
#include "controllers/editcontroller.h"
#include "controllers/exportcontroller.h"
#include "controllers/filtercontroller.h"
#include "controllers/gridcontroller.h"
#include "controllers/projectopener.h"
#include "controllers/statuscontroller.h"
#include "controllers/taskrunner.h"
#include "controllers/workflowcontroller.h"
#include "embeddingmapview.h"
#include "learningcurveview.h"
#include "metrics/classificationreport.h"
#include "panels/clusterspanel.h"
#include "panels/comparepanel.h"
#include "panels/annotationerrorspanel.h"
#include "panels/boxgridpanel.h"
#include "panels/detailpanel.h"
#include "panels/mappanel.h"
#include "panels/objectclusterspanel.h"
#include "panels/objectmappanel.h"
#include "panels/similarpanel.h"
#include "panels/slicespanel.h"
#include "projectsession.h"
#include "reportpanel.h"
#include "samplegridmodel.h"
#include "samplegridview.h"
#include "storage/project.h"
#include "taskprogresswidget.h"
#include "thumbnailcache.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QUndoStack>

namespace loupe {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_session(new ProjectSession(this)), m_thumbnails(new ThumbnailCache(this)),
      m_gridModel(new SampleGridModel(*m_session, *m_thumbnails, this)),
      m_grid(new SampleGridView(*m_thumbnails, this)), m_boxGrid(new BoxGridPanel(*m_session, this)),
      m_gridTabs(new QTabWidget(this)), m_report(new ReportPanel(*m_session, this)),
      m_confusion(new ConfusionMatrixView(this)), m_map(new MapPanel(*m_session, this)),
      m_clusters(new ClustersPanel(*m_session, *m_thumbnails, this)),
      m_slices(new SlicesPanel(*m_session, this)), m_similar(new SimilarPanel(*m_session, this)),
      m_learningCurve(new LearningCurveView(this)), m_details(new DetailPanel(*m_session, this)),
      m_annotationErrors(new AnnotationErrorsPanel(*m_session, this)),
      m_objectClusters(new ObjectClustersPanel(*m_session, this)),
      m_objectMap(new ObjectMapPanel(*m_session, this)), m_compare(new ComparePanel(*m_session, this)),
      m_task(new BackgroundTask(this)), m_taskProgress(new TaskProgressWidget(*m_task, this)),
      m_recentMenu(new QMenu(tr("Open &Recent"), this)), m_filterMenu(new QMenu(tr("&Filter By"), this)),
      m_status(new StatusController(*m_session, this)), m_tasks(new TaskRunner(*m_task, this, statusBar())),
      m_opener(new ProjectOpener(*m_session, this, m_recentMenu)),
      m_workflows(new WorkflowController(*m_session, *m_tasks, *m_opener, this)),
      m_exports(new ExportController(*m_session, *m_gridModel, *m_tasks, this, statusBar())),
      m_edits(new EditController(*m_session, *m_grid, this, statusBar())),
      m_filters(new FilterController(*m_session, *m_map, m_filterMenu, this)), m_gridControl(nullptr)
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    m_grid->setModel(m_gridModel);
    m_gridTabs->setDocumentMode(true);
    m_gridTabs->setTabBarAutoHide(true); // a classification project has the image grid alone
    m_gridTabs->addTab(m_grid, tr("&Images"));
    m_boxGrid->hide();
    setCentralWidget(m_gridTabs);
    statusBar()->addPermanentWidget(m_taskProgress);
    auto *toolbar = addToolBar(tr("Grid"));
    toolbar->setObjectName(QStringLiteral("gridToolBar"));
    toolbar->setMovable(false);
    m_gridControl = new GridController(*m_session, *m_gridModel, *m_grid, toolbar);

    createDocks();
    createMenus();
    connectPanels();

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    if (!settings.contains(QStringLiteral("mainWindow/geometry")))
        resize(1280, 800);
}

MainWindow::~MainWindow()
{
    m_task->cancel();
    m_task->waitForFinished();
    m_thumbnails->waitForDone();
}

void MainWindow::openProject(const QString &path)
{
    m_opener->open(path);
}

bool MainWindow::waitForOpen()
{
    return m_opener->waitForOpen();
}

void MainWindow::connectPanels()
{
    connect(m_session, &ProjectSession::opened, this, [this] {
        const Project *project = m_session->project();
        const SampleTable *table = &m_session->table();
        m_thumbnails->reset(
            [project, table](qint64 sample) { return project->absoluteImagePath(table->images.at(sample)); },
            project->path());
    });
    connect(m_session, &ProjectSession::closed, this, [this] { m_thumbnails->reset({}); });
    connect(m_session, &ProjectSession::opened, this, &MainWindow::showGridTabs);
    connect(m_session, &ProjectSession::closed, this, &MainWindow::showGridTabs);
    // Enter (or a double click) on a box opens its image's details.
    connect(m_boxGrid->view(), &QAbstractItemView::activated, this, [this] { showDock(m_details); });
    connect(m_session, &ProjectSession::editFailed, this, [this](const QString &message) {
        // Held edits (a damage check, the app's own analysis) are a passing moment, not worth a dialog.
        if (m_session->areEditsHeld())
            statusBar()->showMessage(message, 4000);
        else
            QMessageBox::warning(this, tr("Not changed"), message);
    });
    const auto showHistory = [this] {
        m_learningCurve->setHistory(m_session->analysis().history);
    };
    for (const auto signal :
         {&ProjectSession::opened, &ProjectSession::analysisReloaded, &ProjectSession::closed})
        connect(m_session, signal, this, showHistory);
    connect(m_report, &ReportPanel::reportChanged, this, [this](const ClassificationReport &report) {
        m_confusion->setMatrix(m_session->table().classNames, report.confusion);
    });
    connect(m_report, &ReportPanel::detectionConfusionChanged, m_confusion, &ConfusionMatrixView::setMatrix);
    connect(m_confusion, &ConfusionMatrixView::cellActivated, this, [this](int given, int predicted) {
        // Most confidently wrong first: those are the likeliest label errors of the cell.
        m_gridControl->setOrder(SampleGridModel::Order::Confidence);
        m_filters->filterToConfusionCell(given, predicted, m_report->splitIndex());
    });
    connect(m_map->view(), &EmbeddingMapView::selectionChanged, m_filters,
            &FilterController::filterToMapSelection);
    connect(m_clusters, &ClustersPanel::clusterActivated, m_filters,
            [this](const QString &, int cluster) { m_filters->highlightCluster(cluster); });
    // Enter (or a double click) on a tile opens its details.
    connect(m_grid, &QAbstractItemView::activated, this, [this] { showDock(m_details); });
    connect(m_opener, &ProjectOpener::opening, m_status, &StatusController::showOpening);
    connect(m_opener, &ProjectOpener::opened, this, &MainWindow::projectOpened);
    connect(m_opener, &ProjectOpener::openFailed, this, [this](const QString &message) {
        m_status->update();
        Q_EMIT openFailed(message);
    });
    connect(m_tasks, &TaskRunner::finished, this, &MainWindow::taskFinished);
}

QDockWidget *MainWindow::addDock(const QString &title, const QString &name, QWidget *panel,
                                 Qt::DockWidgetArea area, QDockWidget *tabWith)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(panel);
    if (tabWith)
        tabifyDockWidget(tabWith, dock);
    else
        addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    QDockWidget *report =
        addDock(tr("Classification report"), QStringLiteral("reportDock"), m_report, Qt::LeftDockWidgetArea);
    connect(m_session, &ProjectSession::opened, report, [this, report] {
        report->setWindowTitle(m_session->project()->task() == ProjectTask::Detection
                                   ? tr("Detection report")
                                   : tr("Classification report"));
    });
    QDockWidget *confusion =
        addDock(tr("Confusion matrix"), QStringLiteral("confusionDock"), m_confusion, Qt::LeftDockWidgetArea);
    QDockWidget *curve = addDock(tr("Learning curve"), QStringLiteral("learningCurveDock"), m_learningCurve,
                                 Qt::LeftDockWidgetArea, confusion);
    addDock(tr("Compare runs"), QStringLiteral("compareDock"), m_compare, Qt::LeftDockWidgetArea, curve);
    confusion->raise();
    QDockWidget *map =
        addDock(tr("Embedding map"), QStringLiteral("mapDock"), m_map, Qt::RightDockWidgetArea);
    QDockWidget *clusters =
        addDock(tr("Failure clusters"), QStringLiteral("clustersDock"), m_clusters, Qt::RightDockWidgetArea);
    QDockWidget *slices = addDock(tr("Slices and SQL filter"), QStringLiteral("slicesDock"), m_slices,
                                  Qt::RightDockWidgetArea, clusters);
    QDockWidget *similar = addDock(tr("Similar samples"), QStringLiteral("similarDock"), m_similar,
                                   Qt::RightDockWidgetArea, slices);
    QDockWidget *details = addDock(tr("Sample details"), QStringLiteral("detailsDock"), m_details,
                                   Qt::RightDockWidgetArea, similar);
    QDockWidget *annotationErrors = addDock(tr("Annotation errors"), QStringLiteral("annotationErrorsDock"),
                                            m_annotationErrors, Qt::RightDockWidgetArea, details);
    QDockWidget *objectClusters = addDock(tr("Object clusters"), QStringLiteral("objectClustersDock"),
                                          m_objectClusters, Qt::RightDockWidgetArea, clusters);
    QDockWidget *objectMap =
        addDock(tr("Object map"), QStringLiteral("objectMapDock"), m_objectMap, Qt::RightDockWidgetArea, map);
    // A detection project's panels: shown (in front of their classification neighbours) when one
    // opens, out of the way of a classification project.
    for (QDockWidget *dock : {annotationErrors, objectClusters, objectMap}) {
        dock->hide();
        connect(m_session, &ProjectSession::opened, dock, [this, dock] {
            const bool detection = m_session->project()->task() == ProjectTask::Detection;
            dock->setVisible(detection);
            if (detection)
                dock->raise();
        });
    }
    clusters->raise();
    resizeDocks({report, map}, {420, 560}, Qt::Horizontal);
    resizeDocks({report, confusion}, {360, 440}, Qt::Vertical);
    resizeDocks({map, clusters}, {480, 320}, Qt::Vertical);
}

void MainWindow::showDock(QWidget *panel)
{
    for (QDockWidget *dock : findChildren<QDockWidget *>()) {
        if (dock->widget() == panel) {
            dock->show();
            dock->raise();
        }
    }
}

void MainWindow::showGridTabs()
{
    const bool detection = m_session->isOpen() && m_session->project()->task() == ProjectTask::Detection;
    const int boxes = m_gridTabs->indexOf(m_boxGrid);
    if (detection && boxes < 0)
        m_gridTabs->addTab(m_boxGrid, tr("&Boxes"));
    else if (!detection && boxes >= 0)
        m_gridTabs->removeTab(boxes);
    if (!detection)
        m_boxGrid->hide(); // out of the tabs, it would float over the window
}

void MainWindow::showBoxGrid()
{
    if (m_gridTabs->indexOf(m_boxGrid) >= 0)
        m_gridTabs->setCurrentWidget(m_boxGrid);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_workflows->newProjectAction());
    file->addAction(tr("&Open Project…"), QKeySequence::Open, m_opener, &ProjectOpener::choose);
    file->addMenu(m_recentMenu);
    QAction *close =
        file->addAction(tr("&Close Project"), QKeySequence::Close, m_session, &ProjectSession::close);
    const auto enableClose = [this, close] {
        close->setEnabled(m_session->isOpen());
    };
    connect(m_session, &ProjectSession::opened, close, enableClose);
    connect(m_session, &ProjectSession::closed, close, enableClose);
    enableClose();
    file->addSeparator();
    file->addAction(m_workflows->analyseAction());
    file->addAction(m_workflows->importRunAction());
    file->addSeparator();
    file->addActions(m_exports->actions());
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_session->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_session->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addActions({undo, redo});
    edit->addSeparator();
    m_edits->populate(edit);
    edit->addAction(tr("Find &Similar Samples"), QKeySequence::Find, this, [this] {
        showDock(m_similar);
        m_similar->findSimilar();
    });
    createViewMenu();

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Loupe"), this, [this] {
        QMessageBox::about(this, tr("About Loupe"),
                           tr("<h3>Loupe %1</h3><p>Find what is wrong with a vision model's data.</p>"
                              "<p>Select samples in the grid and press a number key to relabel them; "
                              "Ctrl+Z undoes.</p>")
                               .arg(QStringLiteral(LOUPE_VERSION_STRING)));
    });
}

void MainWindow::createViewMenu()
{
    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    view->addAction(tr("Sample &Details"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                    [this] { showDock(m_details); });
    view->addSeparator();
    view->addMenu(m_filterMenu);
    view->addAction(tr("Show &All Samples (Clear Filter)"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                    m_session, &ProjectSession::clearFilter);
    view->addAction(tr("&Filter SQL…"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        showDock(m_slices);
        m_slices->conditionEdit()->setFocus();
        m_slices->conditionEdit()->selectAll();
    });
    view->addSeparator();
    QMenu *appearance = view->addMenu(tr("A&ppearance"));
    auto *schemes = new QActionGroup(this);
    const std::pair<Appearance, QString> choices[] = {{Appearance::System, tr("Follow &System")},
                                                      {Appearance::Light, tr("&Light")},
                                                      {Appearance::Dark, tr("&Dark")}};
    for (const auto &[scheme, name] : choices) {
        QAction *action = appearance->addAction(name, this, [scheme = scheme] {
            applyAppearance(scheme);
            saveAppearance(scheme);
        });
        action->setCheckable(true);
        action->setChecked(scheme == savedAppearance());
        schemes->addAction(action);
    }
    view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, this,
                    [this] { m_grid->setTileSize(m_grid->tileSize() + 16); });
    view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, this,
                    [this] { m_grid->setTileSize(m_grid->tileSize() - 16); });
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_tasks->mayClose()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    const QString path = urls.first().toLocalFile();
    // Deferred: a modal dialog inside a drop handler would keep the drag source waiting.
    QMetaObject::invokeMethod(
        this,
        [this, path] {
            if (QFileInfo(path).isDir())
                m_workflows->newProject(path);
            else
                m_opener->open(path);
        },
        Qt::QueuedConnection);
}

} // namespace loupe
