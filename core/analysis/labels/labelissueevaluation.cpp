#include "analysis/labels/labelissueevaluation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.h"

namespace loupe {

namespace {

void checkSizes(size_t scores, size_t truth)
{
    if (scores != truth)
        throw Error(
            QStringLiteral("label issue evaluation: %1 scores for %2 truth values").arg(scores).arg(truth));
}

/** Indices of the finite scores, highest score first, ties by lower index. */
std::vector<size_t> rankedIndices(const std::vector<float> &scores)
{
    std::vector<size_t> order;
    order.reserve(scores.size());
    for (size_t i = 0; i < scores.size(); ++i) {
        if (!std::isnan(scores[i]))
            order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    return order;
}

qint64 countPositives(const std::vector<size_t> &order, const std::vector<uint8_t> &truth)
{
    return std::count_if(order.begin(), order.end(), [&](size_t i) { return truth[i] != 0; });
}

double ratio(double numerator, double denominator)
{
    return denominator > 0 ? numerator / denominator : 0.0;
}

double aurocOfRanked(const std::vector<size_t> &order, const std::vector<float> &scores,
                     const std::vector<uint8_t> &truth, qint64 positives)
{
    const auto n = qint64(order.size());
    const qint64 negatives = n - positives;
    if (positives == 0 || negatives == 0)
        return 0.5;
    // Walk from the highest score; for each group of tied scores, every positive in it is
    // above all negatives still below the group and level with the group's negatives.
    double wins = 0.0;
    qint64 negativesAbove = 0;
    for (qint64 start = 0; start < n;) {
        qint64 end = start;
        qint64 groupPositives = 0, groupNegatives = 0;
        while (end < n && scores[order[size_t(end)]] == scores[order[size_t(start)]]) {
            (truth[order[size_t(end)]] ? groupPositives : groupNegatives) += 1;
            ++end;
        }
        const qint64 negativesBelow = negatives - negativesAbove - groupNegatives;
        wins += double(groupPositives) * (double(negativesBelow) + 0.5 * double(groupNegatives));
        negativesAbove += groupNegatives;
        start = end;
    }
    return wins / (double(positives) * double(negatives));
}

double averagePrecisionOfRanked(const std::vector<size_t> &order, const std::vector<float> &scores,
                                const std::vector<uint8_t> &truth, qint64 positives)
{
    if (positives == 0)
        return 0.0;
    const auto n = qint64(order.size());
    double sum = 0.0;
    qint64 truePositives = 0, seen = 0;
    for (qint64 start = 0; start < n;) {
        qint64 end = start;
        qint64 groupPositives = 0;
        while (end < n && scores[order[size_t(end)]] == scores[order[size_t(start)]]) {
            groupPositives += truth[order[size_t(end)]] != 0;
            ++end;
        }
        truePositives += groupPositives;
        seen = end;
        sum += double(groupPositives) / double(positives) * double(truePositives) / double(seen);
        start = end;
    }
    return sum;
}

qint64 positivesInTopK(const std::vector<size_t> &order, const std::vector<uint8_t> &truth, qint64 k)
{
    k = std::clamp<qint64>(k, 0, qint64(order.size()));
    return std::count_if(order.begin(), order.begin() + std::ptrdiff_t(k),
                         [&](size_t i) { return truth[i] != 0; });
}

} // namespace

QJsonObject RankingQuality::toJson() const
{
    return {{QStringLiteral("samples"), samples},
            {QStringLiteral("positives"), positives},
            {QStringLiteral("k"), k},
            {QStringLiteral("auroc"), auroc},
            {QStringLiteral("average_precision"), averagePrecision},
            {QStringLiteral("precision_at_k"), precisionAtK},
            {QStringLiteral("recall_at_k"), recallAtK}};
}

QJsonObject FlaggedSetQuality::toJson() const
{
    return {{QStringLiteral("flagged"), flagged},     {QStringLiteral("true_positives"), truePositives},
            {QStringLiteral("positives"), positives}, {QStringLiteral("precision"), precision},
            {QStringLiteral("recall"), recall},       {QStringLiteral("f1"), f1}};
}

double LabelIssueEvaluation::auroc(const std::vector<float> &scores, const std::vector<uint8_t> &truth)
{
    checkSizes(scores.size(), truth.size());
    const std::vector<size_t> order = rankedIndices(scores);
    return aurocOfRanked(order, scores, truth, countPositives(order, truth));
}

double LabelIssueEvaluation::averagePrecision(const std::vector<float> &scores,
                                              const std::vector<uint8_t> &truth)
{
    checkSizes(scores.size(), truth.size());
    const std::vector<size_t> order = rankedIndices(scores);
    return averagePrecisionOfRanked(order, scores, truth, countPositives(order, truth));
}

double LabelIssueEvaluation::precisionAtK(const std::vector<float> &scores, const std::vector<uint8_t> &truth,
                                          qint64 k)
{
    checkSizes(scores.size(), truth.size());
    const std::vector<size_t> order = rankedIndices(scores);
    k = std::min<qint64>(k, qint64(order.size()));
    return ratio(double(positivesInTopK(order, truth, k)), double(k));
}

double LabelIssueEvaluation::recallAtK(const std::vector<float> &scores, const std::vector<uint8_t> &truth,
                                       qint64 k)
{
    checkSizes(scores.size(), truth.size());
    const std::vector<size_t> order = rankedIndices(scores);
    return ratio(double(positivesInTopK(order, truth, k)), double(countPositives(order, truth)));
}

RankingQuality LabelIssueEvaluation::evaluateRanking(const std::vector<float> &scores,
                                                     const std::vector<uint8_t> &truth, qint64 k)
{
    checkSizes(scores.size(), truth.size());
    const std::vector<size_t> order = rankedIndices(scores);
    RankingQuality quality;
    quality.samples = qint64(order.size());
    quality.positives = countPositives(order, truth);
    quality.k = std::min<qint64>(k < 0 ? quality.positives : k, quality.samples);
    quality.auroc = aurocOfRanked(order, scores, truth, quality.positives);
    quality.averagePrecision = averagePrecisionOfRanked(order, scores, truth, quality.positives);
    const qint64 hits = positivesInTopK(order, truth, quality.k);
    quality.precisionAtK = ratio(double(hits), double(quality.k));
    quality.recallAtK = ratio(double(hits), double(quality.positives));
    return quality;
}

FlaggedSetQuality LabelIssueEvaluation::evaluateFlagged(const std::vector<uint8_t> &flags,
                                                        const std::vector<uint8_t> &truth,
                                                        const std::vector<uint8_t> &mask)
{
    checkSizes(flags.size(), truth.size());
    if (!mask.empty())
        checkSizes(mask.size(), truth.size());
    FlaggedSetQuality quality;
    for (size_t i = 0; i < flags.size(); ++i) {
        if (!mask.empty() && !mask[i])
            continue;
        quality.flagged += flags[i] != 0;
        quality.positives += truth[i] != 0;
        quality.truePositives += flags[i] != 0 && truth[i] != 0;
    }
    quality.precision = ratio(double(quality.truePositives), double(quality.flagged));
    quality.recall = ratio(double(quality.truePositives), double(quality.positives));
    quality.f1 = ratio(2.0 * quality.precision * quality.recall, quality.precision + quality.recall);
    return quality;
}

} // namespace loupe
