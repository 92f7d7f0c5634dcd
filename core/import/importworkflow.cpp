#include "import/importworkflow.h"

#include "common/error.h"
#include "common/progress.h"
#include "import/datasetimport.h"
#include "storage/project.h"

namespace loupe {

AnalysisOutcome analyseImported(Project &project, int runId, Progress &progress)
{
    AnalysisOutcome outcome;
    try {
        AnalysisOptions options;
        options.runId = runId;
        outcome.summary = AnalysisPipeline(project).run(options, progress);
        outcome.state = AnalysisOutcome::State::Done;
    } catch (const Cancelled &) {
        outcome.state = AnalysisOutcome::State::Cancelled;
    } catch (const Error &error) {
        outcome.state = AnalysisOutcome::State::Failed;
        outcome.error = error.message();
    }
    return outcome;
}

DatasetImportResult importAndAnalyseDataset(const QString &folder, const QString &projectPath,
                                            const ImportOptions &options, bool analyseAfter,
                                            Progress &progress,
                                            const std::function<void(const ImportSummary &)> &imported)
{
    DatasetImportResult result;
    result.imported = importDataset(folder, projectPath, options, progress);
    if (imported)
        imported(result.imported);
    if (analyseAfter && result.imported.hasPredictions &&
        result.imported.task == ProjectTask::Classification) {
        // The analysis steps are classification's; a detection project's metrics are computed by
        // `report` from its boxes.
        auto project = Project::open(projectPath);
        result.analysis = analyseImported(*project, -1, progress);
    }
    return result;
}

RunImportResult importAndAnalyseRun(Project &project, const QString &folder, const QString &runName,
                                    bool analyseAfter, Progress &progress,
                                    const std::function<void(const RunImportSummary &)> &imported)
{
    RunImportResult result;
    result.imported = importRun(project, folder, runName, progress);
    if (imported)
        imported(result.imported);
    if (analyseAfter)
        result.analysis = analyseImported(project, result.imported.runId, progress);
    return result;
}

} // namespace loupe
