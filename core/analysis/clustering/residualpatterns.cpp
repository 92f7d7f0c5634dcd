#include "analysis/clustering/residualpatterns.h"

#include "analysis/clustering/kmeans.h"
#include "analysis/quality/imagestatisticcolumns.h"
#include "common/error.h"
#include "common/progress.h"

#include <algorithm>
#include <cmath>
#include <random>

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

/** The factors that bring the residual block and the conditions block to unit mean squared norm. */
struct BlockScales
{
    float residual = 1.0f;
    float conditions = 1.0f;
};

/**
 * The scales of rows x columns features whose first dims columns hold the residual and the
 * rest the standardised conditions: each block to unit mean squared norm, the conditions
 * then times weight.
 */
BlockScales blockScales(const std::vector<float> &features, int dims, int columns, double weight)
{
    const size_t rows = features.size() / size_t(columns);
    double residualSum = 0.0, conditionSum = 0.0;
    for (size_t i = 0; i < rows; ++i) {
        const float *row = features.data() + i * size_t(columns);
        for (int d = 0; d < columns; ++d)
            (d < dims ? residualSum : conditionSum) += double(row[d]) * double(row[d]);
    }
    const double n = double(std::max<size_t>(1, rows));
    return {residualSum > 0.0 ? float(1.0 / std::sqrt(residualSum / n)) : 0.0f,
            conditionSum > 0.0 ? float(weight / std::sqrt(conditionSum / n)) : 0.0f};
}

void applyScales(float *features, size_t rows, int dims, int columns, BlockScales scales)
{
    for (size_t i = 0; i < rows; ++i) {
        float *row = features + i * size_t(columns);
        for (int d = 0; d < columns; ++d)
            row[d] *= d < dims ? scales.residual : scales.conditions;
    }
}

/** Writes a row's unscaled features: its residual, then its standardised conditions. */
struct FeatureBuilder
{
    const float *embeddings;
    int dims;
    const std::vector<int> &classOf;
    int classes;
    const std::vector<float> &means;        // (classes + 1) x dims
    const std::vector<float> &standardised; // rows x extra
    int extra;

    int columns() const { return dims + extra; }
    void write(qint64 i, float *out) const
    {
        const int c = classOf[size_t(i)];
        const float *mean = means.data() + size_t(c >= 0 && c < classes ? c : classes) * size_t(dims);
        const float *x = embeddings + size_t(i) * size_t(dims);
        for (int d = 0; d < dims; ++d)
            out[d] = x[d] - mean[d];
        std::copy_n(standardised.data() + size_t(i) * size_t(extra), extra, out + dims);
    }
};

/** A seeded sample of count of rows rows, in ascending order (selection sampling, Knuth's algorithm S). */
std::vector<qint64> sampleRows(qint64 rows, qint64 count, quint64 seed)
{
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<qint64> chosen;
    chosen.reserve(size_t(count));
    for (qint64 i = 0; i < rows && qint64(chosen.size()) < count; ++i) {
        if (uniform(random) * double(rows - i) < double(count - qint64(chosen.size())))
            chosen.push_back(i);
    }
    return chosen;
}

/** Each row's nearest group, its features built and scaled a block at a time. */
std::vector<int> assignInBlocks(const FeatureBuilder &features, qint64 rows, BlockScales scales,
                                const std::vector<float> &centroids, Progress &progress)
{
    constexpr qint64 kBlock = 65536;
    const int columns = features.columns();
    std::vector<int> labels(static_cast<size_t>(rows));
    std::vector<float> block(size_t(kBlock) * size_t(columns));
    for (qint64 first = 0; first < rows; first += kBlock) {
        const qint64 count = std::min(kBlock, rows - first);
        for (qint64 i = 0; i < count; ++i)
            features.write(first + i, block.data() + size_t(i) * size_t(columns));
        applyScales(block.data(), size_t(count), features.dims, columns, scales);
        const std::vector<int> nearest = KMeans::assign(block.data(), count, columns, centroids);
        std::copy(nearest.begin(), nearest.end(), labels.begin() + first);
        progress.throwIfCancelled();
    }
    return labels;
}

} // namespace

ResidualPatterns::ResidualPatterns(ResidualPatternParams params) : m_params(params) {}

int ResidualPatterns::automaticK(qint64 rows)
{
    const qint64 k = std::clamp<qint64>(qint64(std::llround(std::sqrt(double(rows) / 1024.0))), 8, 64);
    return int(std::max<qint64>(1, std::min(k, rows / 10)));
}

std::vector<float> ResidualPatterns::residuals(const float *embeddings, qint64 rows, int dims,
                                               const std::vector<int> &classOf, int classes)
{
    const std::vector<float> means = classMeans(embeddings, rows, dims, classOf, classes);
    const std::vector<float> noConditions;
    const FeatureBuilder builder{embeddings, dims, classOf, classes, means, noConditions, 0};
    std::vector<float> result(size_t(rows) * size_t(dims));
    for (qint64 i = 0; i < rows; ++i)
        builder.write(i, result.data() + size_t(i) * size_t(dims));
    return result;
}

std::vector<float> ResidualPatterns::classMeans(const float *embeddings, qint64 rows, int dims,
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
    return means;
}

std::vector<ConditionColumn>
ResidualPatterns::imageConditions(const std::vector<SampleMetadataColumn> &metadata)
{
    std::vector<ConditionColumn> conditions;
    for (const ImageStatisticColumn &statistic : imageStatisticColumns()) {
        for (const SampleMetadataColumn &column : metadata) {
            if (statistic.condition && column.name == QLatin1String(statistic.name) &&
                column.type != MetadataColumn::Type::Text)
                conditions.push_back({column.numbers, statistic.logScale});
        }
    }
    return conditions;
}

std::vector<float> ResidualPatterns::standardisedConditions(const std::vector<ConditionColumn> &conditions,
                                                            const std::vector<int> &classOf, int classes)
{
    const size_t rows = classOf.size(), columns = conditions.size();
    std::vector<float> result(rows * columns, 0.0f);
    for (size_t k = 0; k < columns; ++k) {
        const ConditionColumn &column = conditions[k];
        const auto value = [&](size_t i) {
            const double v = column.values[i];
            return column.logScale ? std::log1p(std::max(0.0, v)) : v;
        };
        // Values by class (index `classes`: samples without one, compared with everyone).
        std::vector<std::vector<double>> byClass(size_t(classes) + 1);
        for (size_t i = 0; i < rows; ++i) {
            if (!std::isfinite(column.values[i]))
                continue;
            const int c = classOf[i];
            if (c >= 0 && c < classes)
                byClass[size_t(c)].push_back(value(i));
            byClass[size_t(classes)].push_back(value(i));
        }
        std::vector<double> median(byClass.size(), 0.0), scale(byClass.size(), 0.0);
        for (size_t c = 0; c < byClass.size(); ++c) {
            std::vector<double> &v = byClass[c];
            if (v.empty())
                continue;
            std::nth_element(v.begin(), v.begin() + qsizetype(v.size() / 2), v.end());
            median[c] = v[v.size() / 2];
            for (double &x : v)
                x = std::abs(x - median[c]);
            std::nth_element(v.begin(), v.begin() + qsizetype(v.size() / 2), v.end());
            scale[c] = 1.4826 * v[v.size() / 2];
        }
        for (size_t i = 0; i < rows; ++i) {
            const int c = classOf[i] >= 0 && classOf[i] < classes ? classOf[i] : classes;
            if (!std::isfinite(column.values[i]) || !(scale[size_t(c)] > 0.0))
                continue;
            result[i * columns + k] =
                float(std::clamp((value(i) - median[size_t(c)]) / scale[size_t(c)], -10.0, 10.0));
        }
    }
    return result;
}

ResidualPatternResult ResidualPatterns::run(const float *embeddings, qint64 rows, int dims,
                                            const std::vector<int> &classOf, int classes,
                                            const std::vector<ConditionColumn> &conditions,
                                            Progress &progress) const
{
    if (qint64(classOf.size()) != rows)
        throw Error(
            QStringLiteral("residual patterns: %1 classes for %2 rows").arg(classOf.size()).arg(rows));
    ResidualPatternResult result;
    result.assignment.assign(size_t(rows), -1);
    if (rows < 2 || dims < 1 || classes < 2)
        return result;
    for (const ConditionColumn &column : conditions) {
        if (qint64(column.values.size()) != rows)
            throw Error(QStringLiteral("residual patterns: a condition has %1 values for %2 rows")
                            .arg(column.values.size())
                            .arg(rows));
    }
    // The residual and the conditions side by side in one buffer, of every row or of a sample.
    const std::vector<float> means = classMeans(embeddings, rows, dims, classOf, classes);
    const std::vector<float> standardised = standardisedConditions(conditions, classOf, classes);
    const FeatureBuilder builder{
        embeddings, dims, classOf, classes, means, standardised, int(conditions.size())};
    const int columns = builder.columns();
    const bool sampled = m_params.featureRows > 0 && rows > m_params.featureRows;
    const std::vector<qint64> held =
        sampled ? sampleRows(rows, m_params.featureRows, m_params.seed) : std::vector<qint64>();
    const qint64 heldRows = sampled ? qint64(held.size()) : rows;
    std::vector<float> features(size_t(heldRows) * size_t(columns));
    for (qint64 i = 0; i < heldRows; ++i)
        builder.write(sampled ? held[size_t(i)] : i, features.data() + size_t(i) * size_t(columns));
    const BlockScales scales = blockScales(features, dims, columns, m_params.conditionWeight);
    applyScales(features.data(), size_t(heldRows), dims, columns, scales);
    progress.throwIfCancelled();

    KMeansParams params;
    params.k = m_params.k > 0 ? m_params.k : automaticK(rows);
    params.seed = m_params.seed;
    KMeansResult groups = KMeans(params).run(features.data(), heldRows, columns, progress);
    if (sampled) {
        std::vector<float>().swap(features);
        groups.labels = assignInBlocks(builder, rows, scales, groups.centroids, progress);
    }
    result.groups = groups.k;
    const std::vector<int> pattern =
        crossClassGroups(groups.labels, groups.k, classOf, classes, m_params.maxClassShare);
    for (qint64 i = 0; i < rows; ++i)
        result.assignment[size_t(i)] = pattern[size_t(groups.labels[size_t(i)])];
    result.patterns = int(std::count_if(pattern.begin(), pattern.end(), [](int p) { return p >= 0; }));
    return result;
}

} // namespace loupe
