#pragma once

#include "analysis/pipeline/analysisstep.h"
#include "storage/analysisstore.h"

#include <vector>

namespace loupe {

/** The run's metadata slices, best ranked first. */
struct SliceResults final : StepResults
{
    std::vector<SliceRecord> slices;
};

/**
 * A slice as people read it, the same in every surface: "split = test", "predicted class = Shirt",
 * "brightness in [0.21, 0.34)", "brightness >= 0.5".
 */
QString sliceName(const SliceRecord &slice);

/**
 * Patterns of failure in metadata (SliceFinder): the error rate of every value of the
 * split, the given and predicted class and each metadata column (quantile bins for
 * numbers), ranked by confident excess over the overall rate, each with the SQL condition
 * over sample_view that selects it (`slices`). Its edit hook keeps the counts of the
 * slices an edited sample leaves or joins current.
 */
class SlicesStep final : public AnalysisStep
{
public:
    QString name() const override { return QStringLiteral("slices"); }
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
    void loadResults(const RunScope &run, AnalysisResults &results) const override;
    void refreshResults(const RunScope &run, const std::vector<qint64> &samples,
                        AnalysisResults &results) const override;
    std::unique_ptr<StepEditHook> editHook(Project &project) const override;
    void addReportJson(const ReportContext &context, QJsonObject &report) const override;
    QString reportText(const ReportContext &context) const override;
    int reportOrder() const override { return 50; }
    HtmlSection htmlSection() const override;
    void writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const override;
};

} // namespace loupe
