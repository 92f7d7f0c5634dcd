#include "analysis/steps/duplicatesstep.h"

#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/reportcontext.h"
#include "analysis/quality/duplicatefinder.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "storage/analysisstore.h"
#include "storage/project.h"

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

QString pairKind(DuplicatePair::Kind kind)
{
    return kind == DuplicatePair::Kind::ExactImage ? QStringLiteral("exact") : QStringLiteral("near");
}

} // namespace

QJsonObject DuplicatesStep::run(AnalysisContext &context, Progress &progress) const
{
    progress.setStep(QStringLiteral("Looking for duplicates, leaks, outliers and broken images"));
    const SampleTable &table = context.table();
    DuplicateInput input;
    input.samples = table.size();
    for (const QString &image : table.images)
        input.imagePaths << context.project().absoluteImagePath(image);
    input.embeddings = context.hasEmbeddings() ? context.embeddings().data() : nullptr;
    input.dimensions = context.dimensions();
    input.split = table.splitIndex;
    input.graph = context.graph();
    // The images step decoded every image already; without it (analyze --only duplicates) the finder does.
    if (!context.imageFacts().empty())
        input.imageFacts = &context.imageFacts();
    const DuplicateReport report = DuplicateFinder(context.options().duplicates).run(input, progress);
    context.releaseImageFacts();

    std::vector<DuplicateRecord> pairs;
    for (const DuplicatePair &pair : report.pairs)
        pairs.push_back({pairKind(pair.kind), pair.first, pair.second, pair.distance, pair.crossesSplits});
    std::vector<std::pair<qint64, QString>> problems;
    for (const MalformedImage &image : report.malformed)
        problems.emplace_back(image.sample,
                              imageProblemName(image.problem) +
                                  (image.detail.isEmpty() ? QString() : QStringLiteral(": ") + image.detail));
    AnalysisStore store(context.project().database());
    store.writeDuplicates(table.runId, pairs);
    store.writeImageProblems(problems);
    if (!report.outlierScores.empty())
        context.writeSampleColumns({{QStringLiteral("outlier_score"), &report.outlierScores}});
    return {{QStringLiteral("exact_pairs"), report.countPairs(DuplicatePair::Kind::ExactImage)},
            {QStringLiteral("near_pairs"), report.countPairs(DuplicatePair::Kind::NearEmbedding)},
            {QStringLiteral("cross_split_pairs"), report.countLeaks()},
            {QStringLiteral("near_duplicate_distance"), double(report.nearDuplicateDistance)},
            {QStringLiteral("outliers"), qint64(report.outliers.size())},
            {QStringLiteral("malformed_images"), qint64(report.malformed.size())}};
}

void DuplicatesStep::loadResults(const RunScope &run, AnalysisResults &results) const
{
    DuplicateResults duplicates;
    duplicates.outlierScore = loadSampleColumn(run, QStringLiteral("outlier_score"));
    if (std::none_of(duplicates.outlierScore.begin(), duplicates.outlierScore.end(),
                     [](float v) { return std::isfinite(v); }))
        duplicates.outlierScore.clear();
    results.put(std::move(duplicates));
}

void DuplicatesStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    report.insert(QStringLiteral("duplicates"), context.stepSummary(name()).value_or(QJsonObject()));
}

QString DuplicatesStep::reportText(const ReportContext &context) const
{
    const auto duplicates = context.stepSummary(name());
    if (!duplicates)
        return {};
    return QStringLiteral(
               "\nDuplicates: %1 exact, %2 near (%3 across splits); %4 broken images; %5 outliers\n")
        .arg(duplicates->value(QStringLiteral("exact_pairs")).toInteger())
        .arg(duplicates->value(QStringLiteral("near_pairs")).toInteger())
        .arg(duplicates->value(QStringLiteral("cross_split_pairs")).toInteger())
        .arg(duplicates->value(QStringLiteral("malformed_images")).toInteger())
        .arg(duplicates->value(QStringLiteral("outliers")).toInteger());
}

} // namespace loupe
