#include "mainwindow.h"

#include "error.h"
#include "project.h"
#include "projectsession.h"
#include "reportpanel.h"
#include "samplegridmodel.h"
#include "samplegridview.h"
#include "sampletable.h"
#include "thumbnailcache.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe {

namespace {
constexpr int kMaxRecentProjects = 10;
constexpr int kMaxRelabelShortcuts = 10;
const QString kRecentKey = QStringLiteral("recentProjects");
} // namespace

/** What the worker thread hands back: an open project and its samples, or why not. */
struct MainWindow::LoadedProject
{
    std::unique_ptr<Project> project;
    SampleTable table;
    QString error;
};

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_session(new ProjectSession(this)), m_thumbnails(new ThumbnailCache(this)),
      m_gridModel(new SampleGridModel(*m_session, *m_thumbnails, this)),
      m_grid(new SampleGridView(*m_thumbnails, this)), m_report(new ReportPanel(*m_session, this)),
      m_order(new QComboBox(this)), m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    m_grid->setModel(m_gridModel);
    setCentralWidget(m_grid);
    statusBar()->addWidget(m_status, 1);

    createActions();
    createDocks();
    createMenus();

    connect(m_session, &ProjectSession::opened, this, [this] {
        const Project *project = m_session->project();
        const SampleTable *table = &m_session->table();
        m_thumbnails->reset(
            [project, table](qint64 sample) { return project->absoluteImagePath(table->images.at(sample)); });
        rebuildRelabelActions();
        updateStatus();
        updateTitle();
        if (m_gridModel->rowCount() > 0)
            m_grid->setCurrentIndex(m_gridModel->index(0));
    });
    connect(m_session, &ProjectSession::closed, this, [this] {
        m_thumbnails->reset({});
        rebuildRelabelActions();
        updateStatus();
        updateTitle();
    });
    connect(m_session, &ProjectSession::labelsChanged, this, &MainWindow::updateStatus);
    connect(m_session, &ProjectSession::editFailed, this,
            [this](const QString &message) { QMessageBox::warning(this, tr("Label not changed"), message); });
    connect(&m_openWatcher, &QFutureWatcher<std::shared_ptr<LoadedProject>>::finished, this,
            &MainWindow::onOpenFinished);

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
    m_openWatcher.waitForFinished();
    m_thumbnails->waitForDone();
}

void MainWindow::createActions()
{
    auto *toolbar = addToolBar(tr("Grid"));
    toolbar->setObjectName(QStringLiteral("gridToolBar"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr(" Sort by: "), this));
    m_order->addItem(tr("Loss (most suspicious first)"), int(SampleGridModel::Order::Loss));
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
    resizeDocks({dock}, {420}, Qt::Horizontal);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::chooseProject);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_closeAction =
        file->addAction(tr("&Close Project"), QKeySequence::Close, m_session, &ProjectSession::close);
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
    edit->addAction(tr("Select &All"), QKeySequence::SelectAll, m_grid, &QAbstractItemView::selectAll);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
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
            loaded->project = Project::open(path);
            loaded->table = SampleTable::load(*loaded->project);
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
    m_session->adopt(std::move(loaded->project), std::move(loaded->table));
    addRecentProject(m_openingPath);
    Q_EMIT projectOpened();
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
        return;
    }
    const SampleTable &table = m_session->table();
    qint64 errors = 0;
    qint64 edited = 0;
    for (qint64 i = 0; i < table.size(); ++i) {
        const auto s = size_t(i);
        errors += table.labels[s] >= 0 && table.predicted[s] >= 0 && table.labels[s] != table.predicted[s];
        edited += table.isEdited(i);
    }
    const QLocale locale;
    QString text = tr("%1 samples · %2 classes · %3 disagree with the model · %4 edited")
                       .arg(locale.toString(table.size()))
                       .arg(table.classNames.size())
                       .arg(locale.toString(errors))
                       .arg(locale.toString(edited));
    if (m_session->isReadOnly())
        text += tr(" · read-only: %1").arg(m_session->project()->readOnlyReason());
    m_status->setText(text);
}

void MainWindow::updateTitle()
{
    const Project *project = m_session->project();
    setWindowTitle(project ? tr("%1 — Loupe").arg(project->fileName()) : tr("Loupe"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
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
    if (urls.size() == 1 && urls.first().isLocalFile()) {
        openProject(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

} // namespace loupe
