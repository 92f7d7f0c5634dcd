#include "analysis/steps/patternsstep.h"

#include "analysis/clustering/residualpatterns.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/progress.h"

namespace loupe {

ClusterStep::Clustering PatternsStep::cluster(AnalysisContext &context, Progress &progress) const
{
    if (!context.hasEmbeddings())
        return {{}, {}, QStringLiteral("the run has no embeddings")};
    progress.setStep(QStringLiteral("Looking for failure patterns across classes"));
    const SampleTable &table = context.table();
    std::vector<int> classOf(size_t(table.size()));
    for (size_t s = 0; s < classOf.size(); ++s)
        classOf[s] = table.labelOrPrediction(qint64(s));
    const ResidualPatternResult result =
        ResidualPatterns(context.options().patterns)
            .run(context.embeddings().data(), context.samples(), context.dimensions(), classOf,
                 context.classes(), ResidualPatterns::imageConditions(context.metadata()), progress);
    return {result.assignment,
            {{QStringLiteral("groups"), result.groups}, {QStringLiteral("patterns"), result.patterns}},
            {}};
}

QString PatternsStep::reportText(const ReportContext &context) const
{
    return clusterTableText(QStringLiteral("Most severe failure patterns across classes"),
                            context.analysis.get<FailurePatterns>().clusters, context.table.classNames);
}

AnalysisStep::HtmlSection PatternsStep::htmlSection() const
{
    return {QStringLiteral("patterns"), QStringLiteral("Failure patterns across classes")};
}

void PatternsStep::writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const
{
    writeClusterSection(
        context, writer, progress, context.analysis.get<FailurePatterns>(),
        QStringLiteral("Groups that span classes, found in what is left of each embedding once its "
                       "class is removed, where the model fails more than their class mix predicts"));
}

} // namespace loupe
