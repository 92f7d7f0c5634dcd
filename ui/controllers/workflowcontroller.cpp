#include "controllers/workflowcontroller.h"

#include "analysis/pipeline/analysisresults.h"
#include "common/error.h"
#include "common/progress.h"
#include "controllers/projectopener.h"
#include "controllers/taskrunner.h"
#include "import/importworkflow.h"
#include "newprojectdialog.h"
#include "projectsession.h"
#include "storage/project.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QWidget>

#include <memory>

namespace loupe {

namespace {

/** An analysis that did not finish after a committed import is an error the user must see. */
void throwUnlessAnalysed(const AnalysisOutcome &analysis, const QString &imported)
{
    if (analysis.state == AnalysisOutcome::State::Failed)
        throw Error(
            WorkflowController::tr("%1 is in the project, but its analysis failed (File > Analyse Project "
                                   "retries):\n%2")
                .arg(imported, analysis.error));
    if (analysis.state == AnalysisOutcome::State::Cancelled)
        throw Error(WorkflowController::tr("Cancelled during the analysis: %1 is in the project without its "
                                           "analysis (File > Analyse Project finishes it).")
                        .arg(imported.toLower()));
}

QString analysisHold()
{
    return WorkflowController::tr(
        "The analysis is writing its results; edits are possible when it has finished.");
}

} // namespace

WorkflowController::WorkflowController(ProjectSession &session, TaskRunner &tasks, ProjectOpener &opener,
                                       QWidget *window)
    : QObject(window), m_session(session), m_tasks(tasks), m_opener(opener), m_window(window),
      m_newProject(new QAction(tr("&New Project from Folder…"), this)),
      m_analyse(new QAction(tr("&Analyse Project"), this)), m_importRun(new QAction(tr("Import &Run…"), this))
{
    m_newProject->setShortcut(QKeySequence::New);
    m_newProject->setToolTip(tr("Import a dataset folder (labels, predictions, embeddings) into a project"));
    m_analyse->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_analyse->setToolTip(tr("Run the analysis engine again: label issues, map, clusters, slices (Ctrl+R)"));
    m_importRun->setToolTip(tr("Add the predictions of another model (e.g. retrained) for the same samples, "
                               "to compare runs"));
    connect(m_newProject, &QAction::triggered, this, [this] { newProject(); });
    connect(m_analyse, &QAction::triggered, this, &WorkflowController::analyseProject);
    connect(m_importRun, &QAction::triggered, this, &WorkflowController::chooseRunToImport);
    connect(&tasks, &TaskRunner::busyChanged, this, &WorkflowController::updateActions);
    connect(&session, &ProjectSession::opened, this, &WorkflowController::updateActions);
    connect(&session, &ProjectSession::closed, this, &WorkflowController::updateActions);
    updateActions();
}

void WorkflowController::updateActions()
{
    const bool idle = !m_tasks.isRunning();
    const bool writable = m_session.isOpen() && !m_session.isReadOnly();
    m_newProject->setEnabled(idle);
    // A detection project is analysed by its panels as it opens (AnalysisContext refuses it).
    const bool detection = m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection;
    m_analyse->setEnabled(idle && writable && !detection && m_session.table().hasPredictions());
    m_importRun->setEnabled(idle && writable);
}

void WorkflowController::newProject(const QString &folder)
{
    if (m_tasks.refuseWhileBusy())
        return;
    NewProjectDialog dialog(m_window);
    if (!folder.isEmpty())
        dialog.setDatasetFolder(folder);
    if (dialog.exec() == QDialog::Accepted)
        importDataset(dialog.datasetFolder(), dialog.projectPath(), dialog.runName(),
                      dialog.analyzeAfterImport(), dialog.replaceExisting());
}

bool WorkflowController::importDataset(const QString &folder, const QString &projectPath,
                                       const QString &runName, bool analyse, bool replace)
{
    ImportOptions options;
    options.runName = runName;
    options.overwrite = replace;
    return m_tasks.start(
        tr("Importing %1").arg(QFileInfo(folder).fileName()),
        [folder, projectPath, options, analyse](Progress &progress) {
            const DatasetImportResult result =
                importAndAnalyseDataset(folder, projectPath, options, analyse, progress);
            throwUnlessAnalysed(result.analysis, tr("The dataset"));
        },
        [this, projectPath] { m_opener.open(projectPath); });
}

bool WorkflowController::analyseProject()
{
    if (!m_session.isOpen() || m_session.isReadOnly() || !m_session.table().hasPredictions())
        return false;
    const QString path = m_session.project()->path();
    const int runId = m_session.table().runId;
    const qint64 samples = m_session.table().size();
    auto results = std::make_shared<AnalysisResults>();
    // The worker has its own connection: SQLite connections are not shared across threads.
    const bool started = m_tasks.start(
        tr("Analysing %1").arg(m_session.project()->fileName()),
        [path, runId, samples, results](Progress &progress) {
            auto project = Project::open(path);
            AnalysisOptions options;
            options.runId = runId;
            AnalysisPipeline(*project).run(options, progress);
            *results = AnalysisResults::load(*project, runId, samples);
        },
        [this, path, runId, results] {
            // The user may have opened another project meanwhile: those results are not its.
            if (m_session.isOpen() && m_session.project()->path() == path && m_session.table().runId == runId)
                m_session.reloadAnalysis(std::move(*results));
        });
    if (started)
        holdEditsUntilDone();
    return started;
}

void WorkflowController::holdEditsUntilDone()
{
    m_session.holdEdits(analysisHold());
    connect(
        &m_tasks, &TaskRunner::finished, this, [this] { m_session.releaseEdits(analysisHold()); },
        Qt::SingleShotConnection);
}

void WorkflowController::chooseRunToImport()
{
    if (!m_session.isOpen())
        return;
    const QString folder = QFileDialog::getExistingDirectory(
        m_window, tr("Import Run: the folder with predictions.npy (and samples.csv ids)"),
        QFileInfo(m_session.project()->path()).absolutePath());
    if (folder.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(m_window, tr("Import Run"), tr("Name of the run:"),
                                               QLineEdit::Normal, QFileInfo(folder).fileName(), &ok);
    if (ok && !name.trimmed().isEmpty())
        importRun(folder, name.trimmed());
}

bool WorkflowController::importRun(const QString &folder, const QString &name)
{
    if (!m_session.isOpen() || m_session.isReadOnly())
        return false;
    const QString path = m_session.project()->path();
    const bool started = m_tasks.start(
        tr("Importing run %1").arg(name),
        [path, folder, name](Progress &progress) {
            auto project = Project::open(path);
            const RunImportResult result = importAndAnalyseRun(*project, folder, name, true, progress);
            throwUnlessAnalysed(result.analysis, tr("The run \"%1\"").arg(name));
        },
        // The new run is the project's latest, the one the panels show: open it afresh.
        [this, path] { m_opener.open(path); });
    if (started)
        holdEditsUntilDone();
    return started;
}

} // namespace loupe
