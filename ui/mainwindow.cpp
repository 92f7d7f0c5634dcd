#include "mainwindow.h"

#include "analysis/pipeline/analysispipeline.h"
#include "appearance.h"
#include "backgroundtask.h"
#include "classpickerdialog.h"
#include "common/error.h"
#include "common/progress.h"
#include "confusionmatrixview.h"
#include "dataset/sampletable.h"
#include "embeddingmapview.h"
#include "export/classfolderexport.h"
#include "export/exports.h"
#include "import/datasetimport.h"
#include "import/runimporter.h"
#include "learningcurveview.h"
#include "metrics/classificationreport.h"
#include "newprojectdialog.h"
#include "panels/clusterspanel.h"
#include "panels/comparepanel.h"
#include "panels/detailpanel.h"
#include "panels/mappanel.h"
#include "panels/similarpanel.h"
#include "panels/slicespanel.h"
#include "projectsession.h"
#include "reportpanel.h"
#include "samplegridmodel.h"
#include "samplegridview.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "taskprogresswidget.h"
#include "thumbnailcache.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <functional>
#include <map>

namespace loupe {

namespace {
constexpr int kMaxRecentProjects = 10;
constexpr int kMaxRelabelShortcuts = 10;
constexpr qsizetype kMaxGridSelection = 20000;
const QString kRecentKey = QStringLiteral("recentProjects");
} // namespace

/** What the worker thread hands back: an open project and its samples, or why not. */
struct MainWindow::LoadedProject
{
    std::unique_ptr<Project> project;
    SampleTable table;
    AnalysisResults analysis;
    QString error;
};

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_session(new ProjectSession(this)), m_thumbnails(new ThumbnailCache(this)),
      m_gridModel(new SampleGridModel(*m_session, *m_thumbnails, this)),
      m_grid(new SampleGridView(*m_thumbnails, this)), m_report(new ReportPanel(*m_session, this)),
      m_confusion(new ConfusionMatrixView(this)), m_map(new MapPanel(*m_session, this)),
      m_clusters(new ClustersPanel(*m_session, this)), m_slices(new SlicesPanel(*m_session, this)),
      m_similar(new SimilarPanel(*m_session, this)), m_learningCurve(new LearningCurveView(this)),
      m_details(new DetailPanel(*m_session, this)), m_compare(new ComparePanel(*m_session, this)),
      m_order(new QComboBox(this)), m_status(new QLabel(this)), m_filterStatus(new QLabel(this)),
      m_task(new BackgroundTask(this)), m_taskProgress(new TaskProgressWidget(*m_task, this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    m_grid->setModel(m_gridModel);
    setCentralWidget(m_grid);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_filterStatus);
    statusBar()->addPermanentWidget(m_taskProgress);

    createActions();
    createDocks();
    createMenus();

    connect(m_session, &ProjectSession::opened, this, [this] {
        const Project *project = m_session->project();
        const SampleTable *table = &m_session->table();
        m_thumbnails->reset(
            [project, table](qint64 sample) { return project->absoluteImagePath(table->images.at(sample)); },
            project->path());
        rebuildRelabelActions();
        rebuildFilterMenu();
        updateStatus();
        updateTitle();
        if (m_gridModel->rowCount() > 0)
            m_grid->setCurrentIndex(m_gridModel->index(0));
    });
    connect(m_session, &ProjectSession::closed, this, [this] {
        m_thumbnails->reset({});
        rebuildRelabelActions();
        rebuildFilterMenu();
        updateStatus();
        updateTitle();
    });
    connect(m_session, &ProjectSession::labelsChanged, this, &MainWindow::updateStatus);
    connect(m_session, &ProjectSession::reviewsChanged, this, &MainWindow::updateStatus);
    connect(m_session, &ProjectSession::filterChanged, this, &MainWindow::updateStatus);
    connect(m_session, &ProjectSession::selectionChanged, this, &MainWindow::showSessionSelection);
    connect(m_grid->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_session->setSelection(m_grid->selectedSamples(), m_grid); });
    connect(m_map->view(), &EmbeddingMapView::selectionChanged, this, &MainWindow::filterToMapSelection);
    connect(m_clusters, &ClustersPanel::clusterActivated, this, [this](const QString &, int cluster) {
        m_map->outline(m_session->filteredSamples(), tr("cluster %1").arg(cluster));
    });
    connect(m_session, &ProjectSession::filterChanged, this, [this] {
        if (!m_session->filterDescription().contains(tr("cluster")))
            m_map->outline({}, {});
    });
    connect(m_session, &ProjectSession::editFailed, this, [this](const QString &message) {
        // Held while the damage check runs: a passing moment, not worth a dialog.
        if (m_session->isVerifying())
            statusBar()->showMessage(message, 4000);
        else
            QMessageBox::warning(this, tr("Label not changed"), message);
    });
    connect(&m_openWatcher, &QFutureWatcher<std::shared_ptr<LoadedProject>>::finished, this,
            &MainWindow::onOpenFinished);
    connect(&m_verifyWatcher, &QFutureWatcher<QString>::finished, this, &MainWindow::onVerifyFinished);
    connect(m_task, &BackgroundTask::started, this, &MainWindow::updateTaskActions);
    connect(m_task, &BackgroundTask::finished, this, &MainWindow::onTaskFinished);

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    if (!settings.contains(QStringLiteral("mainWindow/geometry")))
        resize(1280, 800);
    updateStatus();
    updateTitle();
}

MainWindow::~MainWindow()
{
    m_task->cancel();
    m_task->waitForFinished();
    m_openWatcher.waitForFinished();
    m_verifyWatcher.waitForFinished();
    m_thumbnails->waitForDone();
}

void MainWindow::createActions()
{
    auto *toolbar = addToolBar(tr("Grid"));
    toolbar->setObjectName(QStringLiteral("gridToolBar"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr(" Sort by: "), this));
    m_order->addItem(tr("Issue score (likely label errors first)"), int(SampleGridModel::Order::IssueScore));
    m_order->addItem(tr("Loss"), int(SampleGridModel::Order::Loss));
    m_order->addItem(tr("Confidence"), int(SampleGridModel::Order::Confidence));
    m_order->addItem(tr("Id"), int(SampleGridModel::Order::Id));
    toolbar->addWidget(m_order);
    connect(m_order, &QComboBox::currentIndexChanged, this,
            [this] { m_gridModel->setOrder(SampleGridModel::Order(m_order->currentData().toInt())); });
}

void MainWindow::createDocks()
{
    auto *dock = new QDockWidget(tr("Classification report"), this);
    dock->setObjectName(QStringLiteral("reportDock"));
    dock->setWidget(m_report);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    auto *confusionDock = new QDockWidget(tr("Confusion matrix"), this);
    confusionDock->setObjectName(QStringLiteral("confusionDock"));
    confusionDock->setWidget(m_confusion);
    addDockWidget(Qt::LeftDockWidgetArea, confusionDock);
    connect(m_report, &ReportPanel::reportChanged, this, [this](const ClassificationReport &report) {
        m_confusion->setMatrix(m_session->table().classNames, report.confusion);
    });
    connect(m_confusion, &ConfusionMatrixView::cellActivated, this, &MainWindow::filterToConfusionCell);

    auto *curveDock = new QDockWidget(tr("Learning curve"), this);
    curveDock->setObjectName(QStringLiteral("learningCurveDock"));
    curveDock->setWidget(m_learningCurve);
    tabifyDockWidget(confusionDock, curveDock);
    confusionDock->raise();
    auto *compareDock = new QDockWidget(tr("Compare runs"), this);
    compareDock->setObjectName(QStringLiteral("compareDock"));
    compareDock->setWidget(m_compare);
    tabifyDockWidget(curveDock, compareDock);
    confusionDock->raise();
    const auto showHistory = [this] {
        m_learningCurve->setHistory(m_session->analysis().history);
    };
    connect(m_session, &ProjectSession::opened, this, showHistory);
    connect(m_session, &ProjectSession::analysisReloaded, this, showHistory);
    connect(m_session, &ProjectSession::closed, this, showHistory);

    auto *mapDock = new QDockWidget(tr("Embedding map"), this);
    mapDock->setObjectName(QStringLiteral("mapDock"));
    mapDock->setWidget(m_map);
    addDockWidget(Qt::RightDockWidgetArea, mapDock);

    auto *clustersDock = new QDockWidget(tr("Failure clusters"), this);
    clustersDock->setObjectName(QStringLiteral("clustersDock"));
    clustersDock->setWidget(m_clusters);
    addDockWidget(Qt::RightDockWidgetArea, clustersDock);

    auto *slicesDock = new QDockWidget(tr("Slices and SQL filter"), this);
    slicesDock->setObjectName(QStringLiteral("slicesDock"));
    slicesDock->setWidget(m_slices);
    tabifyDockWidget(clustersDock, slicesDock);

    auto *similarDock = new QDockWidget(tr("Similar samples"), this);
    similarDock->setObjectName(QStringLiteral("similarDock"));
    similarDock->setWidget(m_similar);
    tabifyDockWidget(slicesDock, similarDock);
    clustersDock->raise();

    auto *detailsDock = new QDockWidget(tr("Sample details"), this);
    detailsDock->setObjectName(QStringLiteral("detailsDock"));
    detailsDock->setWidget(m_details);
    tabifyDockWidget(similarDock, detailsDock);
    // Enter (or a double click) on a tile opens its details.
    connect(m_grid, &QAbstractItemView::activated, this, [this] { showDock(m_details); });

    resizeDocks({dock, mapDock}, {420, 560}, Qt::Horizontal);
    resizeDocks({dock, confusionDock}, {360, 440}, Qt::Vertical);
    resizeDocks({mapDock, clustersDock}, {480, 320}, Qt::Vertical);
}

void MainWindow::filterToConfusionCell(int given, int predicted)
{
    const SampleTable &table = m_session->table();
    const int split = m_report->splitIndex();
    std::vector<qint64> samples;
    for (qint64 i = 0; i < table.size(); ++i) {
        const auto s = size_t(i);
        if (table.labels[s] == given && table.predicted[s] == predicted &&
            (split < 0 || table.splitIndex[s] == split))
            samples.push_back(i);
    }
    QString description =
        tr("given %1, predicted %2").arg(table.classNames.value(given), table.classNames.value(predicted));
    if (split >= 0)
        description += tr(" in %1").arg(table.splitNames.value(split));
    // Most confidently wrong first: those are the likeliest label errors of the cell.
    m_order->setCurrentIndex(m_order->findData(int(SampleGridModel::Order::Confidence)));
    m_session->setFilter(description, std::move(samples));
}

void MainWindow::filterToMapSelection(const std::vector<qint64> &points)
{
    // The grid shows what was lassoed; clearing the map's selection lifts that filter again.
    if (!points.empty())
        m_session->setFilter(tr("map selection"), points);
    else if (m_session->filterDescription() == tr("map selection"))
        m_session->clearFilter();
}

void MainWindow::showSessionSelection(const QObject *origin)
{
    // A lasso of half the map is not a grid selection anyone works through (and would cost
    // seconds of scattered ranges); such selections reach the grid as the filter instead.
    if (origin == m_grid || m_session->selection().size() > kMaxGridSelection)
        return;
    // Rows of the selected samples, merged into contiguous ranges: one range per run of
    // rows keeps selecting tens of thousands of samples fast.
    std::vector<int> rows;
    for (const qint64 sample : m_session->selection()) {
        const int row = m_gridModel->rowOf(sample);
        if (row >= 0)
            rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    QItemSelection selection;
    for (size_t i = 0; i < rows.size();) {
        size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        selection.select(m_gridModel->index(rows[i]), m_gridModel->index(rows[j]));
        i = j + 1;
    }
    const QSignalBlocker blocker(m_grid->selectionModel());
    m_grid->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!rows.empty())
        m_grid->scrollTo(m_gridModel->index(rows.front()));
    m_grid->viewport()->update();
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

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newProjectAction =
        file->addAction(tr("&New Project from Folder…"), QKeySequence::New, this, [this] { newProject(); });
    m_newProjectAction->setToolTip(
        tr("Import a dataset folder (labels, predictions, embeddings) into a project"));
    file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::chooseProject);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_closeAction =
        file->addAction(tr("&Close Project"), QKeySequence::Close, m_session, &ProjectSession::close);
    file->addSeparator();
    m_analyzeAction = file->addAction(tr("&Analyse Project"), QKeySequence(Qt::CTRL | Qt::Key_R), this,
                                      &MainWindow::analyzeProject);
    m_analyzeAction->setToolTip(
        tr("Run the analysis engine again: label issues, map, clusters, slices (Ctrl+R)"));
    m_analyzeAction->setEnabled(false);
    m_importRunAction = file->addAction(tr("Import &Run…"), this, &MainWindow::chooseRunToImport);
    m_importRunAction->setToolTip(
        tr("Add the predictions of another model (e.g. retrained) for the same samples, "
           "to compare runs"));
    m_importRunAction->setEnabled(false);
    file->addSeparator();
    m_exportLabelsAction = file->addAction(tr("Export &Labels…"), this, &MainWindow::exportLabelsCsv);
    m_exportLabelsAction->setToolTip(
        tr("id, image, label, original label and edited flag of every sample (CSV)"));
    m_exportSuspectsAction =
        file->addAction(tr("Export Label &Issues…"), this, &MainWindow::exportSuspectsCsv);
    m_exportSuspectsAction->setToolTip(
        tr("Every sample, likeliest label errors first, with the suggested label (CSV)"));
    m_exportFoldersAction =
        file->addAction(tr("Export Class &Folders…"), this, &MainWindow::chooseClassFolderExport);
    m_exportFoldersAction->setToolTip(tr(
        "The corrected labels as <split>/<class>/<image> folders for a training pipeline (copies or links)"));
    QAction *exportShown =
        file->addAction(tr("Export S&hown Samples…"), this, &MainWindow::exportShownSamples);
    exportShown->setToolTip(
        tr("The samples of the active filter (a cluster, a slice, a lasso, similar samples), "
           "with image paths, for labelling tools and targeted collection (CSV)"));
    QAction *exportEdits = file->addAction(tr("Export &Edit Log…"), this, &MainWindow::exportEditLogCsv);
    exportEdits->setToolTip(tr("Every label change and review mark: when, who, old, new, note (CSV)"));
    for (QAction *action : {exportShown, exportEdits}) {
        action->setEnabled(false);
        connect(m_session, &ProjectSession::opened, action, [action] { action->setEnabled(true); });
        connect(m_session, &ProjectSession::closed, action, [action] { action->setEnabled(false); });
    }
    m_exportLabelsAction->setEnabled(false);
    m_exportSuspectsAction->setEnabled(false);
    m_exportFoldersAction->setEnabled(false);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    rebuildRecentMenu();

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_session->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_session->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    m_relabelMenu = edit->addMenu(tr("Re&label Selection As"));
    edit->addAction(tr("Relabel As (Find Class)…"), QKeySequence(Qt::Key_L), this,
                    &MainWindow::pickClassForSelection)
        ->setToolTip(tr("Pick the new class by typing part of its name (L)"));
    edit->addSeparator();
    edit->addAction(tr("Mark &Reviewed"), QKeySequence(Qt::Key_R), this,
                    [this] { markSelection(ReviewStatus::Reviewed); })
        ->setToolTip(tr("The label is checked and right; moves to the next tile (R toggles)"));
    edit->addAction(tr("Mark Am&biguous"), QKeySequence(Qt::Key_U), this,
                    [this] { markSelection(ReviewStatus::Ambiguous); })
        ->setToolTip(tr("No single class fits this image (U toggles)"));
    edit->addAction(tr("E&xclude"), QKeySequence(Qt::Key_X), this,
                    [this] { markSelection(ReviewStatus::Excluded); })
        ->setToolTip(tr("Leave this sample out: corrupt or out of scope; it leaves the metrics (X toggles)"));
    edit->addAction(tr("Clear &Mark"), QKeySequence(Qt::SHIFT | Qt::Key_R), this,
                    [this] { markSelection(ReviewStatus::None); });
    edit->addSeparator();
    edit->addAction(tr("Select &All"), QKeySequence::SelectAll, m_grid, &QAbstractItemView::selectAll);
    m_acceptSuggestion = edit->addAction(tr("&Accept Suggested Label"), QKeySequence(Qt::Key_A), this,
                                         &MainWindow::acceptSuggestedLabels);
    edit->addAction(tr("Find &Similar Samples"), QKeySequence::Find, this, [this] {
        showDock(m_similar);
        m_similar->findSimilar();
    });
    m_acceptSuggestion->setToolTip(tr("Relabel the selected samples as the analysis suggests (A)"));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addAction(tr("Sample &Details"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                          [this] { showDock(m_details); });
    m_viewMenu->addSeparator();
    m_filterMenu = m_viewMenu->addMenu(tr("&Filter By"));
    m_filterMenu->setEnabled(false);
    m_viewMenu->addAction(tr("Show &All Samples (Clear Filter)"),
                          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), m_session,
                          &ProjectSession::clearFilter);
    m_viewMenu->addAction(tr("&Filter SQL…"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        showDock(m_slices);
        m_slices->conditionEdit()->setFocus();
        m_slices->conditionEdit()->selectAll();
    });
    m_viewMenu->addSeparator();
    QMenu *appearance = m_viewMenu->addMenu(tr("A&ppearance"));
    auto *schemes = new QActionGroup(this);
    const std::pair<Appearance, QString> choices[] = {{Appearance::System, tr("Follow &System")},
                                                      {Appearance::Light, tr("&Light")},
                                                      {Appearance::Dark, tr("&Dark")}};
    for (const auto &[scheme, name] : choices) {
        QAction *action = appearance->addAction(name, this, [scheme] {
            applyAppearance(scheme);
            saveAppearance(scheme);
        });
        action->setCheckable(true);
        action->setChecked(scheme == savedAppearance());
        schemes->addAction(action);
    }
    m_viewMenu->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, this,
                          [this] { m_grid->setTileSize(m_grid->tileSize() + 16); });
    m_viewMenu->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, this,
                          [this] { m_grid->setTileSize(m_grid->tileSize() - 16); });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Loupe"), this, [this] {
        QMessageBox::about(this, tr("About Loupe"),
                           tr("<h3>Loupe %1</h3><p>Find what is wrong with a vision model's data.</p>"
                              "<p>Select samples in the grid and press a number key to relabel them; "
                              "Ctrl+Z undoes.</p>")
                               .arg(QStringLiteral(LOUPE_VERSION_STRING)));
    });
}

void MainWindow::rebuildRelabelActions()
{
    qDeleteAll(m_relabelActions);
    m_relabelActions.clear();
    m_relabelMenu->clear();
    const QStringList classes = m_session->table().classNames;
    for (int c = 0; c < classes.size(); ++c) {
        auto *action = new QAction(classes.at(c), this);
        if (c < kMaxRelabelShortcuts)
            action->setShortcut(QKeySequence(Qt::Key_0 + (c + 1) % 10));
        action->setShortcutContext(Qt::WindowShortcut);
        action->setEnabled(!m_session->isReadOnly());
        connect(action, &QAction::triggered, this, [this, c] { relabelSelection(c); });
        addAction(action); // shortcuts work whether or not the menu is open
        m_relabelMenu->addAction(action);
        m_relabelActions << action;
    }
    m_relabelMenu->setEnabled(!classes.isEmpty());
    m_closeAction->setEnabled(m_session->isOpen());
    m_exportLabelsAction->setEnabled(m_session->isOpen());
    m_exportSuspectsAction->setEnabled(m_session->isOpen() && m_session->table().hasPredictions());
    m_exportFoldersAction->setEnabled(m_session->isOpen());
    updateTaskActions();
}

void MainWindow::filterWhere(const QString &description, const std::function<bool(size_t)> &keep)
{
    std::vector<qint64> samples;
    for (qint64 i = 0; i < m_session->table().size(); ++i) {
        if (keep(size_t(i)))
            samples.push_back(i);
    }
    m_session->setFilter(description, std::move(samples));
}

void MainWindow::rebuildFilterMenu()
{
    m_filterMenu->clear();
    m_filterMenu->setEnabled(m_session->isOpen());
    // The actions read the session's table when triggered: it lives as long as the window.
    const SampleTable *table = &m_session->table();
    m_filterMenu->addAction(tr("Model &Errors"), this, [this, table] {
        filterWhere(tr("errors"), [table](size_t i) {
            return table->labels[i] >= 0 && table->predicted[i] >= 0 &&
                   table->labels[i] != table->predicted[i];
        });
    });
    m_filterMenu->addAction(tr("Likely &Label Errors"), this, [this] {
        const std::vector<int> *flags = &m_session->analysis().isIssue;
        filterWhere(tr("likely label errors"),
                    [flags](size_t i) { return i < flags->size() && (*flags)[i] == 1; });
    });
    m_filterMenu->addAction(tr("E&dited Labels"), this, [this, table] {
        filterWhere(tr("edited"), [table](size_t i) { return table->isEdited(qint64(i)); });
    });
    QMenu *review = m_filterMenu->addMenu(tr("&Review Mark"));
    for (ReviewStatus status :
         {ReviewStatus::None, ReviewStatus::Reviewed, ReviewStatus::Ambiguous, ReviewStatus::Excluded}) {
        const QString name = status == ReviewStatus::None ? tr("not reviewed") : reviewStatusName(status);
        review->addAction(name, this, [this, table, status, name] {
            filterWhere(name, [table, status](size_t i) { return table->review[i] == status; });
        });
    }
    QMenu *given = m_filterMenu->addMenu(tr("&Given Label"));
    QMenu *predicted = m_filterMenu->addMenu(tr("&Predicted Class"));
    for (int c = 0; c < table->classNames.size(); ++c) {
        const QString name = table->classNames[c];
        given->addAction(name, this, [this, table, c, name] {
            filterWhere(tr("given %1").arg(name), [table, c](size_t i) { return table->labels[i] == c; });
        });
        predicted->addAction(name, this, [this, table, c, name] {
            filterWhere(tr("predicted %1").arg(name),
                        [table, c](size_t i) { return table->predicted[i] == c; });
        });
    }
    QMenu *split = m_filterMenu->addMenu(tr("&Split"));
    for (int s = 0; s < table->splitNames.size(); ++s) {
        const QString name = table->splitNames[s];
        split->addAction(name, this, [this, table, s, name] {
            filterWhere(tr("split %1").arg(name), [table, s](size_t i) { return table->splitIndex[i] == s; });
        });
    }
    split->setEnabled(!table->splitNames.isEmpty());
}

void MainWindow::relabelSelection(int classIndex)
{
    const QList<qint64> samples = m_grid->selectedSamples();
    if (samples.isEmpty()) {
        statusBar()->showMessage(tr("Select samples in the grid first."), 3000);
        return;
    }
    if (m_session->relabel(samples, classIndex)) {
        statusBar()->showMessage(
            tr("Relabelled %n sample(s) as %1 (Ctrl+Z to undo)", nullptr, int(samples.size()))
                .arg(m_session->table().classNames.value(classIndex)),
            4000);
    }
}

void MainWindow::pickClassForSelection()
{
    const QList<qint64> samples = m_grid->selectedSamples();
    if (samples.isEmpty() || !m_session->isOpen()) {
        statusBar()->showMessage(tr("Select samples in the grid first."), 3000);
        return;
    }
    ClassPickerDialog picker(m_session->table().classNames,
                             m_session->table().labels[size_t(samples.first())], this);
    if (picker.exec() == QDialog::Accepted && picker.chosenClass() >= 0)
        relabelSelection(picker.chosenClass());
}

void MainWindow::markSelection(ReviewStatus status)
{
    const QList<qint64> samples = m_grid->selectedSamples();
    if (samples.isEmpty() || !m_session->isOpen()) {
        statusBar()->showMessage(tr("Select samples in the grid first."), 3000);
        return;
    }
    // Pressing the key again clears the mark: one key per mark, no separate "unmark" to learn.
    const std::vector<ReviewStatus> &review = m_session->table().review;
    const bool allMarked = std::all_of(samples.begin(), samples.end(),
                                       [&](qint64 sample) { return review[size_t(sample)] == status; });
    const ReviewStatus target = allMarked ? ReviewStatus::None : status;
    if (!m_session->setReview(samples, target))
        return;
    const QString what = target == ReviewStatus::None ? tr("Cleared the mark of") : tr("Marked");
    const QString suffix = target == ReviewStatus::None ? QString() : tr(" %1").arg(reviewStatusName(target));
    statusBar()->showMessage(
        tr("%1 %n sample(s)%2 (Ctrl+Z to undo)", nullptr, int(samples.size())).arg(what, suffix), 4000);
    // Reviewing one tile at a time is a walk through the grid: step to the next one.
    if (samples.size() == 1 && target != ReviewStatus::None)
        moveToNextTile();
}

void MainWindow::moveToNextTile()
{
    const int next = m_grid->currentIndex().row() + 1;
    if (next <= 0 || next >= m_gridModel->rowCount())
        return;
    const QModelIndex index = m_gridModel->index(next);
    m_grid->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_grid->scrollTo(index);
}

void MainWindow::acceptSuggestedLabels()
{
    // One undo step per suggested class, since a command relabels to one class.
    std::map<int, QList<qint64>> bySuggestion;
    const std::vector<int> &suggested = m_session->analysis().suggestedLabel;
    for (const qint64 sample : m_grid->selectedSamples()) {
        const int suggestion = size_t(sample) < suggested.size() ? suggested[size_t(sample)] : -1;
        if (suggestion >= 0 && suggestion != m_session->table().labels[size_t(sample)])
            bySuggestion[suggestion].append(sample);
    }
    if (bySuggestion.empty()) {
        statusBar()->showMessage(tr("The analysis suggests no other label for the selection."), 3000);
        return;
    }
    int changed = 0;
    for (const auto &[label, samples] : bySuggestion)
        changed += m_session->relabel(samples, label) ? int(samples.size()) : 0;
    statusBar()->showMessage(
        tr("Accepted the suggested label for %n sample(s) (Ctrl+Z to undo)", nullptr, changed), 4000);
}

QString MainWindow::chooseCsvPath(const QString &title, const QString &suggestedName)
{
    const QString folder = QFileInfo(m_session->project()->path()).absolutePath();
    return QFileDialog::getSaveFileName(this, title, QDir(folder).filePath(suggestedName),
                                        tr("CSV files (*.csv)"));
}

void MainWindow::exportLabelsCsv()
{
    if (!m_session->isOpen())
        return;
    const QString path = chooseCsvPath(tr("Export Labels"), QStringLiteral("labels.csv"));
    if (path.isEmpty())
        return;
    try {
        exportLabels(m_session->table(), path);
        statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
    } catch (const Error &error) {
        QMessageBox::warning(this, tr("Export failed"), error.message());
    }
}

void MainWindow::exportSuspectsCsv()
{
    if (!m_session->isOpen())
        return;
    const QString path = chooseCsvPath(tr("Export Label Issues"), QStringLiteral("label-issues.csv"));
    if (path.isEmpty())
        return;
    const AnalysisResults &analysis = m_session->analysis();
    SuspectScores scores = analysis.hasIssueScores()
                               ? SuspectScores{analysis.issueScore, analysis.isIssue, analysis.suggestedLabel}
                               : lossBasedSuspects(m_session->table());
    try {
        exportSuspects(m_session->table(), scores, path);
        statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
    } catch (const Error &error) {
        QMessageBox::warning(this, tr("Export failed"), error.message());
    }
}

void MainWindow::exportShownSamples()
{
    if (!m_session->isOpen())
        return;
    const QString path = chooseCsvPath(tr("Export Shown Samples"), QStringLiteral("samples.csv"));
    if (path.isEmpty())
        return;
    // In the grid's order: most suspicious first, or as sorted.
    std::vector<qint64> samples;
    samples.reserve(size_t(m_gridModel->rowCount()));
    for (int row = 0; row < m_gridModel->rowCount(); ++row)
        samples.push_back(m_gridModel->sampleAt(row));
    try {
        exportSampleList(m_session->table(), m_session->project()->datasetRoot(), samples,
                         m_session->analysis().issueScore, path);
        statusBar()->showMessage(tr("Wrote %n sample(s) to %1", nullptr, int(samples.size())).arg(path),
                                 5000);
    } catch (const Error &error) {
        QMessageBox::warning(this, tr("Export failed"), error.message());
    }
}

void MainWindow::exportEditLogCsv()
{
    if (!m_session->isOpen())
        return;
    const QString path = chooseCsvPath(tr("Export Edit Log"), QStringLiteral("edit-log.csv"));
    if (path.isEmpty())
        return;
    try {
        exportEditLog(*m_session->project(), path);
        statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
    } catch (const Error &error) {
        QMessageBox::warning(this, tr("Export failed"), error.message());
    }
}

void MainWindow::chooseClassFolderExport()
{
    if (!m_session->isOpen())
        return;
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Export Class Folders: choose a new or empty folder"),
                                          QFileInfo(m_session->project()->path()).absolutePath());
    if (folder.isEmpty())
        return;
    QMessageBox question(
        QMessageBox::Question, tr("Export Class Folders"),
        tr("Copy the images into %1, or link to the dataset's images?\n\nLinks are instant and "
           "take no space, but follow the dataset folder.")
            .arg(QDir::toNativeSeparators(folder)),
        QMessageBox::Cancel, this);
    QPushButton *copy = question.addButton(tr("Copy Images"), QMessageBox::AcceptRole);
    QPushButton *link = question.addButton(tr("Symbolic Links"), QMessageBox::AcceptRole);
    question.setDefaultButton(copy);
    question.exec();
    if (question.clickedButton() == copy || question.clickedButton() == link)
        exportClassFolderTree(folder, question.clickedButton() == link);
}

bool MainWindow::exportClassFolderTree(const QString &folder, bool symlink)
{
    if (!m_session->isOpen())
        return false;
    // A snapshot of the labels as they are now: edits made while the export runs are not
    // half-applied to the tree.
    auto table = std::make_shared<const SampleTable>(m_session->table());
    const QString root = m_session->project()->datasetRoot();
    auto summary = std::make_shared<ClassFolderExportSummary>();
    const bool started = m_task->start(tr("Exporting class folders"), [=](Progress &progress) {
        *summary = exportClassFolders(*table, root, folder,
                                      symlink ? ClassFolderMode::Symlink : ClassFolderMode::Copy, progress);
    });
    if (started) {
        m_onTaskSuccess = [this, folder, summary] {
            QString text = tr("Wrote %n image(s) to %1", nullptr, int(summary->written))
                               .arg(QDir::toNativeSeparators(folder));
            if (summary->unlabeled + summary->excluded > 0)
                text += tr("; left out %1 unlabeled and %2 excluded")
                            .arg(summary->unlabeled)
                            .arg(summary->excluded);
            if (!summary->missing.isEmpty())
                text += tr("; %n image(s) missing, e.g. %1", nullptr, int(summary->missing.size()))
                            .arg(summary->missing.first());
            statusBar()->showMessage(text, 10000);
        };
    }
    return started;
}

void MainWindow::chooseProject()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QString(),
                                                      tr("Loupe projects (*.loupe);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::openProject(const QString &path)
{
    if (m_openWatcher.isRunning())
        return;
    m_openingPath = QFileInfo(path).absoluteFilePath();
    m_status->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    QApplication::setOverrideCursor(Qt::BusyCursor);
    m_openWatcher.setFuture(QtConcurrent::run([path]() {
        auto loaded = std::make_shared<LoadedProject>();
        try {
            // The damage check reads every page (seconds at a million samples): it runs after
            // the project is on screen, with edits held until it passes (onVerifyFinished).
            loaded->project =
                Project::open(path, Project::Access::ReadWrite, Project::IntegrityCheck::Deferred);
            loaded->table = loadSampleTable(*loaded->project);
            loaded->analysis =
                AnalysisResults::load(*loaded->project, loaded->table.runId, loaded->table.size());
        } catch (const Error &error) {
            loaded->project.reset();
            loaded->error = error.message();
        }
        return loaded;
    }));
}

bool MainWindow::waitForOpen()
{
    m_openWatcher.waitForFinished();
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    m_verifyWatcher.waitForFinished();
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    return m_session->isOpen();
}

void MainWindow::onOpenFinished()
{
    QApplication::restoreOverrideCursor();
    const std::shared_ptr<LoadedProject> loaded = m_openWatcher.result();
    if (!loaded->project) {
        updateStatus();
        QMessageBox::warning(this, tr("Cannot open project"), loaded->error);
        Q_EMIT openFailed(loaded->error);
        return;
    }
    m_session->adopt(std::move(loaded->project), std::move(loaded->table), std::move(loaded->analysis));
    if (!m_session->isReadOnly()) {
        m_session->setVerifying(true);
        const QString path = m_session->project()->path();
        m_verifyWatcher.setFuture(QtConcurrent::run([path] {
            try {
                Project::verifyIntegrity(path);
                return QString();
            } catch (const Error &error) {
                return error.message();
            }
        }));
    }
    addRecentProject(m_openingPath);
    Q_EMIT projectOpened();
}

void MainWindow::onVerifyFinished()
{
    const QString problem = m_verifyWatcher.result();
    if (!m_session->isOpen() || !m_session->isVerifying())
        return; // closed, or another project opened, meanwhile
    if (problem.isEmpty()) {
        m_session->setVerifying(false);
        return;
    }
    // Nothing was written: edits were held. Close it before anything can be.
    m_session->close();
    QMessageBox::warning(this, tr("The project file is damaged"), problem);
    Q_EMIT openFailed(problem);
}

void MainWindow::addRecentProject(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(kRecentKey, recent.mid(0, kMaxRecentProjects));
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName() + QStringLiteral("  —  ") + path, this,
                                [this, path] { openProject(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::updateStatus()
{
    if (!m_session->isOpen()) {
        m_status->setText(tr("Open a project with File > Open (Ctrl+O) or drop a .loupe file here."));
        m_filterStatus->clear();
        return;
    }
    const SampleTable &table = m_session->table();
    qint64 errors = 0;
    qint64 edited = 0;
    qint64 reviewed = 0;
    for (qint64 i = 0; i < table.size(); ++i) {
        const auto s = size_t(i);
        errors += table.labels[s] >= 0 && table.predicted[s] >= 0 && table.labels[s] != table.predicted[s];
        edited += table.isEdited(i);
        reviewed += table.review[s] != ReviewStatus::None;
    }
    const QLocale locale;
    QString text = tr("%1 samples · %2 classes · %3 disagree with the model · %4 edited · %5 reviewed")
                       .arg(locale.toString(table.size()))
                       .arg(table.classNames.size())
                       .arg(locale.toString(errors))
                       .arg(locale.toString(edited))
                       .arg(locale.toString(reviewed));
    if (m_session->isReadOnly())
        text += tr(" · read-only: %1").arg(m_session->project()->readOnlyReason());
    m_status->setText(text);
    m_filterStatus->setText(m_session->hasFilter() ? tr("Filter: %1 · %2 shown (Ctrl+Shift+A shows all)")
                                                         .arg(m_session->filterDescription())
                                                         .arg(locale.toString(m_session->filteredCount()))
                                                   : QString());
}

void MainWindow::updateTitle()
{
    const Project *project = m_session->project();
    setWindowTitle(project ? tr("%1 — Loupe").arg(project->fileName()) : tr("Loupe"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_task->isRunning()) {
        // Import and analysis write in transactions (an import into a temporary file), so
        // cancelling loses nothing confirmed; the window closes once the worker has stopped.
        m_closeWhenTaskEnds = true;
        m_task->cancel();
        m_status->setText(tr("Cancelling %1 before closing…").arg(m_task->title()));
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
                newProject(path);
            else
                openProject(path);
        },
        Qt::QueuedConnection);
}

void MainWindow::newProject(const QString &folder)
{
    if (m_task->isRunning()) {
        statusBar()->showMessage(tr("Wait for %1 to finish, or cancel it.").arg(m_task->title()), 4000);
        return;
    }
    NewProjectDialog dialog(this);
    if (!folder.isEmpty())
        dialog.setDatasetFolder(folder);
    if (dialog.exec() != QDialog::Accepted)
        return;
    importDataset(dialog.datasetFolder(), dialog.projectPath(), dialog.runName(), dialog.analyzeAfterImport(),
                  dialog.replaceExisting());
}

bool MainWindow::importDataset(const QString &folder, const QString &projectPath, const QString &runName,
                               bool analyze, bool replace)
{
    ImportOptions options;
    options.runName = runName;
    options.overwrite = replace;
    const QString title = tr("Importing %1").arg(QFileInfo(folder).fileName());
    const bool started = m_task->start(title, [folder, projectPath, options, analyze](Progress &progress) {
        const ImportSummary summary = loupe::importDataset(folder, projectPath, options, progress);
        if (analyze && summary.hasPredictions) {
            auto project = Project::open(projectPath);
            AnalysisPipeline(*project).run(AnalysisOptions(), progress);
        }
    });
    if (started)
        m_onTaskSuccess = [this, projectPath] {
            openProject(projectPath);
        };
    return started;
}

bool MainWindow::analyzeProject()
{
    if (!m_session->isOpen() || m_session->isReadOnly() || !m_session->table().hasPredictions())
        return false;
    const QString path = m_session->project()->path();
    const int runId = m_session->table().runId;
    const qint64 samples = m_session->table().size();
    auto results = std::make_shared<AnalysisResults>();
    // The worker has its own connection: SQLite connections are not shared across threads,
    // and WAL lets the window keep reading (and relabelling) while the analysis writes.
    const bool started = m_task->start(tr("Analysing %1").arg(m_session->project()->fileName()),
                                       [path, runId, samples, results](Progress &progress) {
                                           auto project = Project::open(path);
                                           AnalysisOptions options;
                                           options.runId = runId;
                                           AnalysisPipeline(*project).run(options, progress);
                                           *results = AnalysisResults::load(*project, runId, samples);
                                       });
    if (started) {
        m_onTaskSuccess = [this, path, runId, results] {
            // The user may have opened another project meanwhile: those results are not its.
            if (m_session->isOpen() && m_session->project()->path() == path &&
                m_session->table().runId == runId)
                m_session->reloadAnalysis(std::move(*results));
        };
    }
    return started;
}

void MainWindow::chooseRunToImport()
{
    if (!m_session->isOpen())
        return;
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Import Run: the folder with predictions.npy (and samples.csv ids)"),
        QFileInfo(m_session->project()->path()).absolutePath());
    if (folder.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Import Run"), tr("Name of the run:"),
                                               QLineEdit::Normal, QFileInfo(folder).fileName(), &ok);
    if (ok && !name.trimmed().isEmpty())
        importRun(folder, name.trimmed());
}

bool MainWindow::importRun(const QString &folder, const QString &name)
{
    if (!m_session->isOpen() || m_session->isReadOnly())
        return false;
    const QString path = m_session->project()->path();
    const bool started =
        m_task->start(tr("Importing run %1").arg(name), [path, folder, name](Progress &progress) {
            auto project = Project::open(path);
            const RunImportSummary summary = loupe::importRun(*project, folder, name, progress);
            AnalysisOptions options;
            options.runId = summary.runId;
            AnalysisPipeline(*project).run(options, progress);
        });
    if (started) {
        // The new run is the project's latest, the one the panels show: open it afresh.
        m_onTaskSuccess = [this, path] {
            openProject(path);
        };
    }
    return started;
}

void MainWindow::onTaskFinished(bool cancelled, const QString &error)
{
    const QString title = m_task->title();
    std::function<void()> onSuccess = std::move(m_onTaskSuccess);
    m_onTaskSuccess = nullptr;
    updateTaskActions();
    if (cancelled)
        statusBar()->showMessage(tr("%1: cancelled.").arg(title), 6000);
    else if (error.isEmpty())
        statusBar()->showMessage(tr("%1: done.").arg(title), 6000);
    Q_EMIT taskFinished(cancelled, error);
    if (m_closeWhenTaskEnds) {
        close();
        return;
    }
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("%1 failed").arg(title), error);
    else if (!cancelled && onSuccess)
        onSuccess();
    updateStatus();
}

void MainWindow::updateTaskActions()
{
    const bool busy = m_task->isRunning();
    m_newProjectAction->setEnabled(!busy);
    m_analyzeAction->setEnabled(!busy && m_session->isOpen() && !m_session->isReadOnly() &&
                                m_session->table().hasPredictions());
    m_importRunAction->setEnabled(!busy && m_session->isOpen() && !m_session->isReadOnly());
}

} // namespace loupe
