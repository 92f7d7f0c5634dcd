#include "analysis/pipeline/analysispipeline.h"

#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisregistry.h"
#include "analysis/pipeline/analysisstep.h"
#include "common/error.h"
#include "common/progress.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/sqlitetransaction.h"

#include <QElapsedTimer>

namespace loupe {

namespace {

/** The requested steps in the registry's order; throws loupe::Error naming an unknown one. */
std::vector<const AnalysisStep *> requestedSteps(const QStringList &names)
{
    for (const QString &name : names) {
        if (!findAnalysisStep(name))
            throw Error(QStringLiteral("unknown analysis step \"%1\"; the steps are: %2")
                            .arg(name, analysisStepNames().join(QStringLiteral(", "))));
    }
    std::vector<const AnalysisStep *> steps;
    for (const AnalysisStep *step : analysisSteps()) {
        if (names.isEmpty() || names.contains(step->name()))
            steps.push_back(step);
    }
    return steps;
}

} // namespace

AnalysisPipeline::AnalysisPipeline(Project &project) : m_project(project) {}

AnalysisSummary AnalysisPipeline::run(const AnalysisOptions &options, Progress &progress)
{
    if (m_project.isReadOnly())
        throw Error(QStringLiteral("%1: cannot store the analysis: %2")
                        .arg(m_project.fileName(), m_project.readOnlyReason()));
    const std::vector<const AnalysisStep *> steps = requestedSteps(options.steps);
    AnalysisContext context(m_project, options);
    StepDataSet needed;
    StepDataSet provided;
    for (const AnalysisStep *step : steps) {
        needed |= step->needs();
        provided |= step->provides();
    }
    // Work that needs no earlier step starts first, to run beside the loading and the steps.
    for (const AnalysisStep *step : steps)
        step->start(context, progress);
    context.prepare(needed, provided);

    AnalysisSummary summary;
    summary.runId = context.runId();
    const QJsonObject parameters{{QStringLiteral("neighbors"), options.neighbors},
                                 {QStringLiteral("seed"), qint64(options.umap.seed)}};
    // One transaction for the whole analysis: the stored results always come from one
    // complete run over one set of labels, and a cancel or failure leaves the project as
    // it was (the previous analysis intact). Edits wait meanwhile (the app holds them).
    SqliteTransaction transaction(m_project.database());
    for (size_t i = 0; i < steps.size(); ++i) {
        const AnalysisStep *step = steps[i];
        progress.throwIfCancelled();
        StepDataSet stillNeeded = step->needs();
        for (size_t later = i + 1; later < steps.size(); ++later)
            stillNeeded |= steps[later]->needs();
        context.releaseAllBut(stillNeeded);
        QElapsedTimer timer;
        timer.start();
        const QJsonObject stepSummary = step->run(context, progress);
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        AnalysisStore(m_project.database())
            .recordStep(context.runId(), step->name(), parameters, stepSummary, seconds);
        summary.stepsRun << step->name();
        summary.seconds.insert(step->name(), seconds);
        summary.summaries.insert(step->name(), stepSummary);
    }
    progress.throwIfCancelled();
    progress.setStep(QStringLiteral("Storing the per-sample results"));
    context.writeSampleRows();
    progress.throwIfCancelled();
    transaction.commit();
    return summary;
}

} // namespace loupe
