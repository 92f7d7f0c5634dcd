#pragma once

#include <QJsonObject>
#include <QtGlobal>

#include <cstdint>
#include <vector>

namespace loupe {

/** How well a score ranks the truly wrong labels first (higher score = more suspect). */
struct RankingQuality
{
    qint64 samples = 0;   // samples evaluated (finite scores)
    qint64 positives = 0; // of which truly wrong
    qint64 k = 0;         // the K of precision and recall at K
    double auroc = 0.0;   // P(random positive scores above random negative), ties count half
    double averagePrecision = 0.0;
    double precisionAtK = 0.0; // share of the top K that are positives
    double recallAtK = 0.0;    // share of the positives that are in the top K

    QJsonObject toJson() const;
};

/** How well a yes/no flag matches the truth. */
struct FlaggedSetQuality
{
    qint64 flagged = 0;
    qint64 truePositives = 0;
    qint64 positives = 0;
    double precision = 0.0; // 0 when nothing is flagged
    double recall = 0.0;    // 0 when there are no positives
    double f1 = 0.0;

    QJsonObject toJson() const;
};

/**
 * Measures a label-issue ranking against a known answer (e.g. the demo's truth.csv).
 *
 * Conventions (those of scikit-learn's roc_auc_score and average_precision_score):
 * - samples whose score is NaN are left out (e.g. unlabelled samples);
 * - AUROC is the Mann-Whitney statistic with tied scores counting one half; 0.5 when
 *   either class is empty;
 * - average precision is sum over distinct score thresholds of (R_n - R_{n-1}) P_n, tied
 *   scores forming one threshold, so a tie is never resolved in the score's favour; 0 when
 *   there are no positives;
 * - precision and recall at K take the K highest scores, ties broken by the lower sample
 *   index (deterministic; it matches a stable descending sort of the export).
 *
 * The functions are pure, so a test on a fixed-seed subset can call evaluateRanking() with
 * the scores of any method and compare them with recorded figures.
 */
class LabelIssueEvaluation
{
public:
    static double auroc(const std::vector<float> &scores, const std::vector<uint8_t> &truth);
    static double averagePrecision(const std::vector<float> &scores, const std::vector<uint8_t> &truth);
    static double precisionAtK(const std::vector<float> &scores, const std::vector<uint8_t> &truth, qint64 k);
    static double recallAtK(const std::vector<float> &scores, const std::vector<uint8_t> &truth, qint64 k);

    /** All four figures; k < 0 means K = the number of positives (the usual choice). */
    static RankingQuality evaluateRanking(const std::vector<float> &scores, const std::vector<uint8_t> &truth,
                                          qint64 k = -1);
    /** Precision, recall and F1 of a flag (e.g. ConfidentLearningResult::isIssue); mask may be empty = all.
     */
    static FlaggedSetQuality evaluateFlagged(const std::vector<uint8_t> &flags,
                                             const std::vector<uint8_t> &truth,
                                             const std::vector<uint8_t> &mask = {});
};

} // namespace loupe
