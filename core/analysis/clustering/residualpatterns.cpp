#include "analysis/clustering/residualpatterns.h"

#include "analysis/clustering/kmeans.h"
#include "common/error.h"
#include "common/progress.h"

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

/** Groups whose largest class share is at most maxShare: the ones kept as patterns, renumbered from 0. */
std::vector<int> crossClassGroups(const std::vector<int> &groupOf, int groups,
                                  const std::vector<int> &classOf, int classes, double maxShare)
{
    std::vector<qint64> counts(size_t(groups) * size_t(classes), 0), sizes(size_t(groups), 0);
    for (size_t i = 0; i < groupOf.size(); ++i) {
        if (classOf[i] < 0 || classOf[i] >= classes)
            continue;
        ++counts[size_t(groupOf[i]) * size_t(classes) + size_t(classOf[i])];
        ++sizes[size_t(groupOf[i])];
    }
    std::vector<int> pattern(size_t(groups), -1);
    int next = 0;
    for (int g = 0; g < groups; ++g) {
        const auto first = counts.begin() + qsizetype(g) * classes;
        const qint64 largest = *std::max_element(first, first + classes);
        if (sizes[size_t(g)] > 0 && double(largest) <= maxShare * double(sizes[size_t(g)]))
            pattern[size_t(g)] = next++;
    }
    return pattern;
}

} // namespace

ResidualPatterns::ResidualPatterns(ResidualPatternParams params) : m_params(params) {}

int ResidualPatterns::automaticK(qint64 rows)
{
    const qint64 k = std::clamp<qint64>(qint64(std::llround(std::sqrt(double(rows) / 64.0))), 8, 128);
    return int(std::max<qint64>(1, std::min(k, rows / 10)));
}

std::vector<float> ResidualPatterns::residuals(const float *embeddings, qint64 rows, int dims,
                                               const std::vector<int> &classOf, int classes)
{
    // Class means in double (a million rows of float sums lose digits); row `classes` is the
    // overall mean, the reference of rows without a class.
    std::vector<double> sums(size_t(classes + 1) * size_t(dims), 0.0);
    std::vector<qint64> counts(size_t(classes + 1), 0);
    for (qint64 i = 0; i < rows; ++i) {
        const int c = classOf[size_t(i)];
        const float *x = embeddings + size_t(i) * size_t(dims);
        for (const int target : {c >= 0 && c < classes ? c : -1, classes}) {
            if (target < 0)
                continue;
            ++counts[size_t(target)];
            for (int d = 0; d < dims; ++d)
                sums[size_t(target) * size_t(dims) + size_t(d)] += x[d];
        }
    }
    std::vector<float> means(sums.size(), 0.0f);
    for (int c = 0; c <= classes; ++c) {
        for (int d = 0; d < dims && counts[size_t(c)] > 0; ++d)
            means[size_t(c) * size_t(dims) + size_t(d)] =
                float(sums[size_t(c) * size_t(dims) + size_t(d)] / double(counts[size_t(c)]));
    }
    std::vector<float> result(size_t(rows) * size_t(dims));
    for (qint64 i = 0; i < rows; ++i) {
        const int c = classOf[size_t(i)];
        const float *mean = means.data() + size_t(c >= 0 && c < classes ? c : classes) * size_t(dims);
        const float *x = embeddings + size_t(i) * size_t(dims);
        float *r = result.data() + size_t(i) * size_t(dims);
        for (int d = 0; d < dims; ++d)
            r[d] = x[d] - mean[d];
    }
    return result;
}

ResidualPatternResult ResidualPatterns::run(const float *embeddings, qint64 rows, int dims,
                                            const std::vector<int> &classOf, int classes,
                                            Progress &progress) const
{
    if (qint64(classOf.size()) != rows)
        throw Error(
            QStringLiteral("residual patterns: %1 classes for %2 rows").arg(classOf.size()).arg(rows));
    ResidualPatternResult result;
    result.assignment.assign(size_t(rows), -1);
    if (rows < 2 || dims < 1 || classes < 2)
        return result;
    const std::vector<float> residual = residuals(embeddings, rows, dims, classOf, classes);
    progress.throwIfCancelled();

    KMeansParams params;
    params.k = m_params.k > 0 ? m_params.k : automaticK(rows);
    params.seed = m_params.seed;
    const KMeansResult groups = KMeans(params).run(residual.data(), rows, dims, progress);
    result.groups = groups.k;
    const std::vector<int> pattern =
        crossClassGroups(groups.labels, groups.k, classOf, classes, m_params.maxClassShare);
    for (qint64 i = 0; i < rows; ++i)
        result.assignment[size_t(i)] = pattern[size_t(groups.labels[size_t(i)])];
    result.patterns = int(std::count_if(pattern.begin(), pattern.end(), [](int p) { return p >= 0; }));
    return result;
}

} // namespace loupe
