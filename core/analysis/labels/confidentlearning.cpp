#include "analysis/labels/confidentlearning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

bool isLabelled(int label, int numClasses)
{
    return label >= 0 && label < numClasses;
}

size_t cell(int row, int col, int numClasses)
{
    return size_t(row) * size_t(numClasses) + size_t(col);
}

/** Floors every value and hands the remainder, one unit each, to the largest fractions. */
std::vector<qint64> roundPreservingTotal(const std::vector<double> &values, qint64 total)
{
    std::vector<qint64> rounded(values.size());
    qint64 sum = 0;
    for (size_t k = 0; k < values.size(); ++k) {
        rounded[k] = qint64(std::floor(values[k]));
        sum += rounded[k];
    }
    std::vector<size_t> order(values.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return values[a] - std::floor(values[a]) > values[b] - std::floor(values[b]);
    });
    for (size_t k = 0; sum < total && k < order.size(); ++k, ++sum)
        ++rounded[order[k]];
    return rounded;
}

/** Rows of the probabilities grouped by given label, so each class can be pruned alone. */
std::vector<std::vector<qint64>> rowsByLabel(const std::vector<int> &labels, qint64 rows, int numClasses)
{
    std::vector<std::vector<qint64>> groups(static_cast<size_t>(numClasses));
    for (qint64 r = 0; r < rows; ++r) {
        if (isLabelled(labels[size_t(r)], numClasses))
            groups[size_t(labels[size_t(r)])].push_back(r);
    }
    return groups;
}

/** Flags, among members, the count ones with the largest key (stable: lower row first on ties). */
template<typename Key>
void flagLargest(const std::vector<qint64> &members, qint64 count, Key key, std::vector<uint8_t> &flags)
{
    count = std::min<qint64>(count, qint64(members.size()));
    if (count <= 0)
        return;
    std::vector<std::pair<double, qint64>> keyed;
    keyed.reserve(members.size());
    for (qint64 r : members)
        keyed.emplace_back(key(r), r);
    const auto better = [](const auto &a, const auto &b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    };
    std::nth_element(keyed.begin(), keyed.begin() + (count - 1), keyed.end(), better);
    for (qint64 k = 0; k < count; ++k)
        flags[size_t(keyed[size_t(k)].second)] = 1;
}

void fillNoiseEstimates(ConfidentLearningResult &result)
{
    const int c = result.numClasses;
    const auto total = double(std::max<qint64>(1, result.labelledSamples));
    result.joint.assign(size_t(c) * size_t(c), 0.0);
    for (size_t k = 0; k < result.joint.size(); ++k)
        result.joint[k] = double(result.calibratedJoint[k]) / total;

    result.noiseMatrix.assign(result.joint.size(), 0.0);
    result.inverseNoiseMatrix.assign(result.joint.size(), 0.0);
    result.noiseRates.assign(size_t(c), 0.0);
    result.estimatedIssues = 0;
    for (int i = 0; i < c; ++i) {
        double rowSum = 0.0, colSum = 0.0;
        for (int j = 0; j < c; ++j) {
            rowSum += result.joint[cell(i, j, c)];
            colSum += result.joint[cell(j, i, c)];
            if (i != j)
                result.estimatedIssues += result.calibratedJoint[cell(i, j, c)];
        }
        for (int j = 0; j < c; ++j) {
            if (rowSum > 0)
                result.inverseNoiseMatrix[cell(i, j, c)] = result.joint[cell(i, j, c)] / rowSum;
            if (colSum > 0)
                result.noiseMatrix[cell(j, i, c)] = result.joint[cell(j, i, c)] / colSum;
        }
        result.noiseRates[size_t(i)] = rowSum > 0 ? 1.0 - result.inverseNoiseMatrix[cell(i, i, c)] : 0.0;
    }
}

} // namespace

qint64 ConfidentLearningResult::flaggedCount() const
{
    return std::count(isIssue.begin(), isIssue.end(), uint8_t(1));
}

ConfidentLearning::ConfidentLearning(const ConfidentLearningParams &params) : m_params(params) {}

std::vector<qint64> ConfidentLearning::labelCounts(const std::vector<int> &labels, int numClasses)
{
    std::vector<qint64> counts(size_t(std::max(0, numClasses)), 0);
    for (int label : labels) {
        if (isLabelled(label, numClasses))
            ++counts[size_t(label)];
    }
    return counts;
}

std::vector<double> ConfidentLearning::perClassThresholds(const float *probabilities, qint64 rows,
                                                          int numClasses, const std::vector<int> &labels)
{
    std::vector<double> sums(static_cast<size_t>(numClasses), 0.0);
    std::vector<qint64> counts(static_cast<size_t>(numClasses), 0);
    for (qint64 r = 0; r < rows; ++r) {
        const int label = labels[size_t(r)];
        if (!isLabelled(label, numClasses))
            continue;
        sums[size_t(label)] += probabilities[size_t(r) * size_t(numClasses) + size_t(label)];
        ++counts[size_t(label)];
    }
    std::vector<double> thresholds(static_cast<size_t>(numClasses));
    for (size_t j = 0; j < thresholds.size(); ++j)
        thresholds[j] = counts[j] > 0 ? sums[j] / double(counts[j]) : std::numeric_limits<double>::infinity();
    return thresholds;
}

int ConfidentLearning::confidentClass(const float *row, int numClasses, const std::vector<double> &thresholds,
                                      double slack)
{
    int best = -1;
    for (int j = 0; j < numClasses; ++j) {
        if (double(row[j]) >= thresholds[size_t(j)] - slack && (best < 0 || row[j] > row[best]))
            best = j;
    }
    return best;
}

std::vector<qint64> ConfidentLearning::confidentJoint(const std::vector<int> &labels,
                                                      const std::vector<int> &confidentLabels, int numClasses)
{
    std::vector<qint64> joint(size_t(numClasses) * size_t(numClasses), 0);
    std::vector<bool> labelled(static_cast<size_t>(numClasses), false);
    for (size_t r = 0; r < labels.size(); ++r) {
        const int given = labels[r];
        if (!isLabelled(given, numClasses))
            continue;
        labelled[size_t(given)] = true;
        const int truth = confidentLabels[r];
        if (truth >= 0)
            ++joint[cell(given, truth, numClasses)];
    }
    for (int i = 0; i < numClasses; ++i) {
        const auto rowBegin = joint.begin() + std::ptrdiff_t(cell(i, 0, numClasses));
        if (labelled[size_t(i)] &&
            std::all_of(rowBegin, rowBegin + numClasses, [](qint64 v) { return v == 0; }))
            joint[cell(i, i, numClasses)] = 1;
    }
    return joint;
}

std::vector<qint64> ConfidentLearning::calibrate(const std::vector<qint64> &confidentJoint,
                                                 const std::vector<qint64> &labelCounts, int numClasses)
{
    std::vector<qint64> calibrated(confidentJoint.size(), 0);
    for (int i = 0; i < numClasses; ++i) {
        qint64 rowSum = 0;
        for (int j = 0; j < numClasses; ++j)
            rowSum += confidentJoint[cell(i, j, numClasses)];
        if (rowSum == 0)
            continue;
        std::vector<double> scaled(static_cast<size_t>(numClasses));
        for (int j = 0; j < numClasses; ++j)
            scaled[size_t(j)] = double(confidentJoint[cell(i, j, numClasses)]) *
                                double(labelCounts[size_t(i)]) / double(rowSum);
        const std::vector<qint64> row = roundPreservingTotal(scaled, labelCounts[size_t(i)]);
        std::copy(row.begin(), row.end(), calibrated.begin() + std::ptrdiff_t(cell(i, 0, numClasses)));
    }
    return calibrated;
}

double ConfidentLearning::selfConfidence(const float *row, int numClasses, int label)
{
    return isLabelled(label, numClasses) ? double(row[label]) : 1.0;
}

double ConfidentLearning::normalizedMargin(const float *row, int numClasses, int label)
{
    if (!isLabelled(label, numClasses))
        return 1.0;
    double bestOther = 0.0;
    for (int k = 0; k < numClasses; ++k) {
        if (k != label)
            bestOther = std::max(bestOther, double(row[k]));
    }
    return std::clamp((double(row[label]) - bestOther + 1.0) / 2.0, 0.0, 1.0);
}

std::vector<qint64> ConfidentLearning::keepMinimumPerClass(std::vector<qint64> counts, int numClasses) const
{
    // Pruning removes row i's off-diagonal counts from class i; shrink them proportionally
    // when that would leave fewer than minExamplesPerClass samples with the label.
    for (int i = 0; i < numClasses; ++i) {
        qint64 total = 0, offDiagonal = 0;
        for (int j = 0; j < numClasses; ++j) {
            total += counts[cell(i, j, numClasses)];
            if (j != i)
                offDiagonal += counts[cell(i, j, numClasses)];
        }
        const qint64 allowed = std::max<qint64>(0, total - m_params.minExamplesPerClass);
        if (offDiagonal <= allowed)
            continue;
        std::vector<double> scaled(static_cast<size_t>(numClasses), 0.0);
        for (int j = 0; j < numClasses; ++j) {
            if (j != i)
                scaled[size_t(j)] =
                    double(counts[cell(i, j, numClasses)]) * double(allowed) / double(offDiagonal);
        }
        const std::vector<qint64> row = roundPreservingTotal(scaled, allowed);
        for (int j = 0; j < numClasses; ++j) {
            if (j != i)
                counts[cell(i, j, numClasses)] = row[size_t(j)];
        }
        counts[cell(i, i, numClasses)] = total - allowed;
    }
    return counts;
}

std::vector<uint8_t> ConfidentLearning::pruneByNoiseRate(const float *probabilities, qint64 rows,
                                                         int numClasses, const std::vector<int> &labels,
                                                         const std::vector<qint64> &pruneCounts) const
{
    std::vector<uint8_t> flags(static_cast<size_t>(rows), 0);
    const auto groups = rowsByLabel(labels, rows, numClasses);
    for (int i = 0; i < numClasses; ++i) {
        const auto &members = groups[size_t(i)];
        if (qint64(members.size()) <= m_params.minExamplesPerClass)
            continue;
        for (int j = 0; j < numClasses; ++j) {
            if (j == i)
                continue;
            const auto margin = [&](qint64 r) {
                const float *p = probabilities + size_t(r) * size_t(numClasses);
                return double(p[j]) - double(p[i]);
            };
            flagLargest(members, pruneCounts[cell(i, j, numClasses)], margin, flags);
        }
    }
    return flags;
}

std::vector<uint8_t> ConfidentLearning::pruneByClass(const float *probabilities, qint64 rows, int numClasses,
                                                     const std::vector<int> &labels,
                                                     const std::vector<qint64> &pruneCounts) const
{
    std::vector<uint8_t> flags(static_cast<size_t>(rows), 0);
    const auto groups = rowsByLabel(labels, rows, numClasses);
    for (int i = 0; i < numClasses; ++i) {
        const auto &members = groups[size_t(i)];
        if (qint64(members.size()) <= m_params.minExamplesPerClass)
            continue;
        const qint64 count = qint64(members.size()) - pruneCounts[cell(i, i, numClasses)];
        const auto lowConfidence = [&](qint64 r) {
            return -double(probabilities[size_t(r) * size_t(numClasses) + size_t(i)]);
        };
        flagLargest(members, count, lowConfidence, flags);
    }
    return flags;
}

ConfidentLearningResult ConfidentLearning::run(const float *probabilities, qint64 rows, int numClasses,
                                               const std::vector<int> &labels, Progress &progress) const
{
    if (numClasses < 2)
        throw Error(QStringLiteral("confident learning needs at least 2 classes, got %1").arg(numClasses));
    if (qint64(labels.size()) != rows)
        throw Error(QStringLiteral("confident learning: %1 labels for %2 rows of probabilities")
                        .arg(labels.size())
                        .arg(rows));

    ConfidentLearningResult result;
    result.numClasses = numClasses;
    result.labelCounts = labelCounts(labels, numClasses);
    result.labelledSamples = std::accumulate(result.labelCounts.begin(), result.labelCounts.end(), qint64(0));
    result.thresholds = perClassThresholds(probabilities, rows, numClasses, labels);
    progress.throwIfCancelled();

    result.confidentLabel.assign(size_t(rows), -1);
    for (qint64 r = 0; r < rows; ++r) {
        if (isLabelled(labels[size_t(r)], numClasses))
            result.confidentLabel[size_t(r)] =
                confidentClass(probabilities + size_t(r) * size_t(numClasses), numClasses, result.thresholds,
                               m_params.thresholdSlack);
    }
    result.confidentJoint = confidentJoint(labels, result.confidentLabel, numClasses);
    result.calibratedJoint = m_params.calibrate
                                 ? calibrate(result.confidentJoint, result.labelCounts, numClasses)
                                 : result.confidentJoint;
    fillNoiseEstimates(result);
    progress.setProgress(0.3);
    progress.throwIfCancelled();

    const std::vector<qint64> pruneCounts = keepMinimumPerClass(result.calibratedJoint, numClasses);
    switch (m_params.prune) {
    case PruneMethod::ByNoiseRate:
        result.isIssue = pruneByNoiseRate(probabilities, rows, numClasses, labels, pruneCounts);
        break;
    case PruneMethod::ByClass:
        result.isIssue = pruneByClass(probabilities, rows, numClasses, labels, pruneCounts);
        break;
    case PruneMethod::Both: {
        result.isIssue = pruneByNoiseRate(probabilities, rows, numClasses, labels, pruneCounts);
        const std::vector<uint8_t> byClass =
            pruneByClass(probabilities, rows, numClasses, labels, pruneCounts);
        for (size_t r = 0; r < result.isIssue.size(); ++r)
            result.isIssue[r] = result.isIssue[r] && byClass[r];
        break;
    }
    }
    progress.setProgress(0.9);

    // As in the paper's released code: a sample the model itself assigns to its given label
    // is never flagged, whatever the counts say (ties go to the label).
    for (qint64 r = 0; r < rows; ++r) {
        const float *p = probabilities + size_t(r) * size_t(numClasses);
        const int label = labels[size_t(r)];
        if (result.isIssue[size_t(r)] && p[label] >= *std::max_element(p, p + numClasses))
            result.isIssue[size_t(r)] = 0;
    }
    progress.setProgress(1.0);
    return result;
}

} // namespace loupe
