#include "analysis/steps/imagesstep.h"

#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/reportcontext.h"
#include "analysis/quality/duplicateimagescan.h"
#include "common/progress.h"
#include "storage/computedmetadata.h"
#include "storage/project.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <functional>

namespace loupe {

namespace {

/** One computed column: its name, type and how it reads a decoded image's facts. */
struct StatisticColumn
{
    const char *name;
    MetadataColumn::Type type;
    std::function<double(const ImageFacts &)> value;
};

const std::vector<StatisticColumn> &statisticColumns()
{
    using Type = MetadataColumn::Type;
    static const std::vector<StatisticColumn> columns = {
        {"image_brightness", Type::Real,
         [](const ImageFacts &f) {
             return f.statistics.brightness;
         }},
        {"image_contrast", Type::Real,
         [](const ImageFacts &f) {
             return f.statistics.contrast;
         }},
        {"image_sharpness", Type::Real,
         [](const ImageFacts &f) {
             return f.statistics.sharpness;
         }},
        {"image_colorfulness", Type::Real,
         [](const ImageFacts &f) {
             return f.statistics.colorfulness;
         }},
        {"image_noise", Type::Real,
         [](const ImageFacts &f) {
             return f.statistics.noise;
         }},
        {"image_width", Type::Integer,
         [](const ImageFacts &f) {
             return double(f.width);
         }},
        {"image_height", Type::Integer,
         [](const ImageFacts &f) {
             return double(f.height);
         }},
        {"image_aspect", Type::Real,
         [](const ImageFacts &f) {
             return double(f.width) / f.height;
         }},
        {"image_file_size", Type::Integer,
         [](const ImageFacts &f) {
             return double(f.fileBytes);
         }},
    };
    return columns;
}

std::vector<ComputedColumn> computedColumns(const std::vector<ImageFacts> &facts)
{
    std::vector<ComputedColumn> columns;
    for (const StatisticColumn &statistic : statisticColumns()) {
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

QJsonObject ImagesStep::run(AnalysisContext &context, Progress &progress) const
{
    progress.setStep(QStringLiteral("Reading the images: quality statistics and pixel hashes"));
    QStringList paths;
    paths.reserve(qsizetype(context.samples()));
    for (const QString &image : context.table().images)
        paths << context.project().absoluteImagePath(image);
    std::vector<ImageFacts> facts = DuplicateImageScan::run(paths, progress, 0.0, 0.9);

    progress.setStep(QStringLiteral("Storing the image statistics"));
    const QStringList skipped = writeComputedMetadata(context.project(), computedColumns(facts));
    context.metadataChanged();
    const qint64 decoded = std::count_if(facts.begin(), facts.end(), [](const ImageFacts &f) {
        return f.status == ImageFacts::Status::Decoded;
    });
    context.setImageFacts(std::move(facts));

    QJsonObject summary{
        {QStringLiteral("decoded"), decoded},
        {QStringLiteral("columns"), qint64(statisticColumns().size() - size_t(skipped.size()))}};
    if (!skipped.isEmpty())
        summary.insert(QStringLiteral("kept_imported_columns"), QJsonArray::fromStringList(skipped));
    return summary;
}

void ImagesStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    report.insert(QStringLiteral("images"), context.stepSummary(name()).value_or(QJsonObject()));
}

} // namespace loupe
