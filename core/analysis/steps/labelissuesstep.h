#pragma once

#include "analysis/pipeline/analysisstep.h"

#include <vector>

namespace loupe {

/** The label issues of a run, per sample (empty vectors when the step has not run). */
struct LabelIssueResults final : StepResults
{
    std::vector<float> issueScore;   // [0, 1]; NaN for unlabelled samples
    std::vector<int> isIssue;        // 1 flagged, 0 not, -1 unknown
    std::vector<int> suggestedLabel; // class index, -1 none

    bool hasScores() const { return !issueScore.empty(); }
    bool isFlagged(qint64 sample) const
    {
        return size_t(sample) < isIssue.size() && isIssue[size_t(sample)] == 1;
    }
    /** The suggested class of sample, or -1. */
    int suggestion(qint64 sample) const
    {
        return size_t(sample) < suggestedLabel.size() ? suggestedLabel[size_t(sample)] : -1;
    }
    qint64 flaggedCount() const;
};

/**
 * Likely label errors (LabelIssueFinder: confident learning on the model's probabilities
 * blended with the neighbours' labels): per sample issue_score, is_issue and
 * suggested_label in sample_analysis. After a relabel its edit hook rescores the sample and
 * every sample whose neighbour vote it is part of, in the edit's transaction.
 */
class LabelIssuesStep final : public AnalysisStep
{
public:
    QString name() const override { return QStringLiteral("label_issues"); }
    StepDataSet needs() const override { return StepData::Probabilities | StepData::KnnGraph; }
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
    void loadResults(const RunScope &run, AnalysisResults &results) const override;
    void refreshResults(const RunScope &run, const std::vector<qint64> &samples,
                        AnalysisResults &results) const override;
    std::unique_ptr<StepEditHook> editHook(Project &project) const override;
    void addReportJson(const ReportContext &context, QJsonObject &report) const override;
    QString reportText(const ReportContext &context) const override;
    int reportOrder() const override { return 60; }
    HtmlSection htmlSection() const override;
    void writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const override;
};

} // namespace loupe
