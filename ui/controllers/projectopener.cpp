#include "controllers/projectopener.h"

#include "backgroundpool.h"

#include "analysis/pipeline/analysisresults.h"
#include "common/error.h"
#include "projectsession.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <future>

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe {

namespace {
constexpr int kMaxRecentProjects = 10;
const QString kRecentKey = QStringLiteral("recentProjects");

QString damageCheckHold()
{
    return ProjectOpener::tr(
        "The project file is still being checked for damage; edits are possible in a moment.");
}
} // namespace

/** What the worker thread hands back: an open project and its samples, or why not. */
struct ProjectOpener::Loaded
{
    std::unique_ptr<Project> project;
    SampleTable table;
    AnalysisResults analysis;
    QString error;
};

ProjectOpener::ProjectOpener(ProjectSession &session, QWidget *window, QMenu *recentMenu)
    : QObject(window), m_session(session), m_window(window), m_recentMenu(recentMenu)
{
    connect(&m_loader, &QFutureWatcher<std::shared_ptr<Loaded>>::finished, this, &ProjectOpener::onLoaded);
    connect(&m_verifier, &QFutureWatcher<QString>::finished, this, &ProjectOpener::onVerified);
    rebuildRecentMenu();
}

ProjectOpener::~ProjectOpener()
{
    m_loader.waitForFinished();
    m_verifier.waitForFinished();
}

void ProjectOpener::choose()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"), QString(),
                                                      tr("Loupe projects (*.loupe);;All files (*)"));
    if (!path.isEmpty())
        open(path);
}

void ProjectOpener::open(const QString &path)
{
    if (m_loader.isRunning())
        return;
    m_openingPath = QFileInfo(path).absoluteFilePath();
    Q_EMIT opening(QFileInfo(path).fileName());
    QApplication::setOverrideCursor(Qt::BusyCursor);
    m_loader.setFuture(QtConcurrent::run(backgroundPool(), [path]() {
        auto loaded = std::make_shared<Loaded>();
        try {
            loaded->project =
                Project::open(path, Project::Access::ReadWrite, Project::IntegrityCheck::Deferred);
            // A second connection reads the analysis's results while this one reads the samples
            // and works out the run's scores for their labels: at a million samples the halves
            // take about as long.
            const int runId = loaded->project->latestRunId();
            const qint64 samples = loaded->project->sampleCount();
            auto second = std::async(std::launch::async, [path, runId, samples] {
                const auto reader = Project::open(path, Project::Access::ReadOnly);
                return AnalysisResults::load(*reader, runId, samples);
            });
            loaded->table = loadSampleRows(*loaded->project, runId);
            applyRunScores(loaded->table, loadRunScores(*loaded->project, runId, loaded->table.labels));
            loaded->analysis = second.get();
        } catch (const Error &error) {
            loaded->project.reset();
            loaded->error = error.message();
        }
        return loaded;
    }));
}

bool ProjectOpener::waitForOpen()
{
    m_loader.waitForFinished();
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    m_verifier.waitForFinished();
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    return m_session.isOpen();
}

void ProjectOpener::onLoaded()
{
    QApplication::restoreOverrideCursor();
    const std::shared_ptr<Loaded> loaded = m_loader.result();
    if (!loaded->project) {
        QMessageBox::warning(m_window, tr("Cannot open project"), loaded->error);
        Q_EMIT openFailed(loaded->error);
        return;
    }
    m_session.adopt(std::move(loaded->project), std::move(loaded->table), std::move(loaded->analysis));
    if (!m_session.isReadOnly()) {
        m_session.holdEdits(damageCheckHold());
        const QString path = m_session.project()->path();
        m_verifier.setFuture(QtConcurrent::run(backgroundPool(), [path] {
            try {
                Project::verifyIntegrity(path);
                return QString();
            } catch (const Error &error) {
                return error.message();
            }
        }));
    }
    addRecent(m_openingPath);
    Q_EMIT opened();
}

void ProjectOpener::onVerified()
{
    const QString problem = m_verifier.result();
    if (!m_session.isOpen())
        return; // closed meanwhile
    if (problem.isEmpty()) {
        m_session.releaseEdits(damageCheckHold());
        return;
    }
    // Nothing was written: edits were held. Close it before anything can be.
    m_session.close();
    QMessageBox::warning(m_window, tr("The project file is damaged"), problem);
    Q_EMIT openFailed(problem);
}

void ProjectOpener::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(kRecentKey, recent.mid(0, kMaxRecentProjects));
    rebuildRecentMenu();
}

void ProjectOpener::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName() + QStringLiteral("  —  ") + path, this,
                                [this, path] { open(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

} // namespace loupe
