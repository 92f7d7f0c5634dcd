#include "analysis/pipeline/analysisresults.h"

#include "analysis/pipeline/analysisregistry.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/traininghistory.h"

namespace loupe {

AnalysisResults AnalysisResults::load(Project &project, int runId, qint64 samples)
{
    AnalysisResults results;
    results.runId = runId;
    if (runId < 0)
        return results;
    // The steps' per-sample columns in one pass over sample_analysis, not one pass each.
    std::map<QString, std::vector<float>> columns =
        AnalysisStore(project.database()).readSampleColumns(runId, samples);
    const RunScope run{project, runId, samples, &columns};
    for (const AnalysisStep *step : analysisSteps())
        step->loadResults(run, results);
    results.history = readTrainingHistory(project, runId);
    return results;
}

void AnalysisResults::refresh(Project &project, const std::vector<qint64> &samples)
{
    if (runId < 0)
        return;
    const RunScope run{project, runId, project.sampleCount()};
    for (const AnalysisStep *step : analysisSteps())
        step->refreshResults(run, samples, *this);
}

} // namespace loupe
