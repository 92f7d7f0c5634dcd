#include "analysis/steps/imagesstep.h"

#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/reportcontext.h"
#include "analysis/quality/imagestatisticcolumns.h"
#include "common/progress.h"
#include "storage/computedmetadata.h"
#include "storage/project.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

std::vector<ComputedColumn> computedColumns(const std::vector<ImageFacts> &facts)
{
    std::vector<ComputedColumn> columns;
    for (const ImageStatisticColumn &statistic : imageStatisticColumns()) {
        ComputedColumn column{QString::fromLatin1(statistic.name), statistic.type,
                              std::vector<double>(facts.size(), NAN)};
        for (size_t s = 0; s < facts.size(); ++s) {
            if (facts[s].status == ImageFacts::Status::Decoded)
                column.values[s] = statistic.value(facts[s]);
        }
        columns.push_back(std::move(column));
    }
    return columns;
}

} // namespace

void ImagesStep::start(AnalysisContext &context, const Progress &progress) const
{
    context.startImageScan(progress);
}

QJsonObject ImagesStep::run(AnalysisContext &context, Progress &progress) const
{
    progress.setStep(QStringLiteral("Reading the images: quality statistics and pixel hashes"));
    std::vector<ImageFacts> facts = context.takeImageScan(progress, 0.9);

    progress.setStep(QStringLiteral("Storing the image statistics"));
    const QStringList skipped = writeComputedMetadata(context.project(), computedColumns(facts));
    context.metadataChanged();
    const qint64 decoded = std::count_if(facts.begin(), facts.end(), [](const ImageFacts &f) {
        return f.status == ImageFacts::Status::Decoded;
    });
    context.setImageFacts(std::move(facts));

    QJsonObject summary{
        {QStringLiteral("decoded"), decoded},
        {QStringLiteral("columns"), qint64(imageStatisticColumns().size() - size_t(skipped.size()))}};
    if (!skipped.isEmpty())
        summary.insert(QStringLiteral("kept_imported_columns"), QJsonArray::fromStringList(skipped));
    return summary;
}

void ImagesStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    report.insert(QStringLiteral("images"), context.stepSummary(name()).value_or(QJsonObject()));
}

} // namespace loupe
