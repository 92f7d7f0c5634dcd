#include "analysis/clustering/clusterdescription.h"

#include "common/numberformat.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace loupe {

namespace {

/** Count, sum and sum of squares of a column's finite values in one group of samples. */
struct Moments
{
    double n = 0.0, sum = 0.0, squares = 0.0;

    void add(double value)
    {
        n += 1.0;
        sum += value;
        squares += value * value;
    }
    Moments minus(const Moments &other) const
    {
        return {n - other.n, sum - other.sum, squares - other.squares};
    }
    double mean() const { return sum / n; }
    double variance() const { return std::max(0.0, squares / n - mean() * mean()); }
};

/** The clusters present, numbered densely: clusterIds[d] is dense cluster d's id. */
struct DenseClusters
{
    std::vector<int> clusterIds;
    std::vector<int> denseOf; // per sample, -1 none
};

DenseClusters denseClusters(const std::vector<int> &clusterOf)
{
    DenseClusters dense;
    std::map<int, int> index;
    for (const int c : clusterOf) {
        if (c >= 0)
            index.emplace(c, 0);
    }
    for (auto &[id, d] : index) {
        d = int(dense.clusterIds.size());
        dense.clusterIds.push_back(id);
    }
    dense.denseOf.reserve(clusterOf.size());
    for (const int c : clusterOf)
        dense.denseOf.push_back(c >= 0 ? index[c] : -1);
    return dense;
}

double twoSidedP(double z)
{
    return std::isfinite(z) ? std::erfc(std::abs(z) / std::sqrt(2.0)) : 1.0;
}

/** The members' class shares (over members with a value), from per-class counts. */
std::vector<double> classWeights(const std::vector<double> &memberCounts)
{
    double total = 0.0;
    for (const double n : memberCounts)
        total += n;
    std::vector<double> weights(memberCounts.size(), 0.0);
    for (size_t c = 0; c < memberCounts.size() && total > 0.0; ++c)
        weights[c] = memberCounts[c] / total;
    return weights;
}

/** Tests one numeric column for every cluster; appends candidate traits. */
class NumericTest
{
public:
    NumericTest(const SampleMetadataColumn &column, const DenseClusters &dense,
                const std::vector<int> &classOf, int classes)
        : m_column(column), m_classes(classes), m_all(size_t(classes)),
          m_members(dense.clusterIds.size() * size_t(classes))
    {
        for (size_t i = 0; i < column.numbers.size(); ++i) {
            const double value = column.numbers[i];
            const int c = classOf[i];
            if (!std::isfinite(value) || c < 0 || c >= classes)
                continue;
            m_all[size_t(c)].add(value);
            if (dense.denseOf[i] >= 0)
                m_members[size_t(dense.denseOf[i]) * size_t(classes) + size_t(c)].add(value);
        }
    }

    std::optional<ClusterTrait> test(int d) const
    {
        Moments members;
        std::vector<double> counts(static_cast<size_t>(m_classes), 0.0);
        for (int c = 0; c < m_classes; ++c) {
            const Moments &m = member(d, c);
            counts[size_t(c)] = m.n;
            members.n += m.n;
            members.sum += m.sum;
            members.squares += m.squares;
        }
        if (members.n < 2.0)
            return std::nullopt;
        const std::vector<double> weights = classWeights(counts);
        double refMean = 0.0, refSquares = 0.0, refN = 0.0, weightUsed = 0.0;
        for (int c = 0; c < m_classes; ++c) {
            const Moments rest = m_all[size_t(c)].minus(member(d, c));
            if (weights[size_t(c)] <= 0.0 || rest.n < 2.0)
                continue;
            refMean += weights[size_t(c)] * rest.mean();
            refSquares += weights[size_t(c)] * (rest.variance() + rest.mean() * rest.mean());
            refN += rest.n;
            weightUsed += weights[size_t(c)];
        }
        if (weightUsed < 0.5) // most members' classes have no one else to compare with
            return std::nullopt;
        refMean /= weightUsed;
        const double refVariance = refSquares / weightUsed - refMean * refMean;
        if (!(refVariance > 0.0))
            return std::nullopt;
        const double difference = members.mean() - refMean;
        ClusterTrait trait;
        trait.column = m_column.name;
        trait.memberValue = members.mean();
        trait.restValue = refMean;
        trait.effect = difference / std::sqrt(refVariance);
        trait.pValue = twoSidedP(difference / std::sqrt(members.variance() / members.n + refVariance / refN));
        return trait;
    }

private:
    const Moments &member(int d, int c) const { return m_members[size_t(d) * size_t(m_classes) + size_t(c)]; }

    const SampleMetadataColumn &m_column;
    int m_classes;
    std::vector<Moments> m_all;     // per class
    std::vector<Moments> m_members; // per cluster x class
};

/** Tests every value of one text column for every cluster; over-represented values only. */
class CategoryTest
{
public:
    CategoryTest(const SampleMetadataColumn &column, const DenseClusters &dense,
                 const std::vector<int> &classOf, int classes)
        : m_column(column), m_classes(classes), m_values(int(column.categories.size())),
          m_all(size_t(classes) * size_t(m_values), 0.0),
          m_members(dense.clusterIds.size() * size_t(classes) * size_t(m_values), 0.0)
    {
        for (size_t i = 0; i < column.codes.size(); ++i) {
            const int code = column.codes[i];
            const int c = classOf[i];
            if (code < 0 || code >= m_values || c < 0 || c >= classes)
                continue;
            m_all[size_t(c) * size_t(m_values) + size_t(code)] += 1.0;
            if (dense.denseOf[i] >= 0)
                m_members[(size_t(dense.denseOf[i]) * size_t(classes) + size_t(c)) * size_t(m_values) +
                          size_t(code)] += 1.0;
        }
    }

    int values() const { return m_values; }

    std::optional<ClusterTrait> test(int d, int value) const
    {
        std::vector<double> classCounts(size_t(m_classes), 0.0), restCounts(size_t(m_classes), 0.0);
        double members = 0.0, withValue = 0.0;
        for (int c = 0; c < m_classes; ++c) {
            for (int v = 0; v < m_values; ++v) {
                classCounts[size_t(c)] += member(d, c, v);
                restCounts[size_t(c)] += all(c, v) - member(d, c, v);
            }
            members += classCounts[size_t(c)];
            withValue += member(d, c, value);
        }
        if (members < 2.0)
            return std::nullopt;
        const std::vector<double> weights = classWeights(classCounts);
        double refShare = 0.0, refN = 0.0, weightUsed = 0.0;
        for (int c = 0; c < m_classes; ++c) {
            if (weights[size_t(c)] <= 0.0 || restCounts[size_t(c)] < 1.0)
                continue;
            refShare += weights[size_t(c)] * (all(c, value) - member(d, c, value)) / restCounts[size_t(c)];
            refN += restCounts[size_t(c)];
            weightUsed += weights[size_t(c)];
        }
        if (weightUsed < 0.5)
            return std::nullopt;
        refShare /= weightUsed;
        const double share = withValue / members;
        if (share <= refShare)
            return std::nullopt;
        const double pooled = (withValue + refShare * refN) / (members + refN);
        const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / members + 1.0 / refN));
        ClusterTrait trait;
        trait.column = m_column.name;
        trait.category = m_column.categories.at(value);
        trait.memberValue = share;
        trait.restValue = refShare;
        trait.effect = 2.0 * std::asin(std::sqrt(share)) - 2.0 * std::asin(std::sqrt(refShare));
        trait.pValue = se > 0.0 ? twoSidedP((share - refShare) / se) : 1.0;
        return trait;
    }

private:
    double all(int c, int v) const { return m_all[size_t(c) * size_t(m_values) + size_t(v)]; }
    double member(int d, int c, int v) const
    {
        return m_members[(size_t(d) * size_t(m_classes) + size_t(c)) * size_t(m_values) + size_t(v)];
    }

    const SampleMetadataColumn &m_column;
    int m_classes;
    int m_values;
    std::vector<double> m_all;     // per class x value
    std::vector<double> m_members; // per cluster x class x value
};

bool isNumeric(const SampleMetadataColumn &column)
{
    return column.type != MetadataColumn::Type::Text;
}

/** Pearson's r of two numeric columns over the samples where both are finite (0 when undefined). */
double correlation(const std::vector<double> &a, const std::vector<double> &b)
{
    Moments x, y;
    double products = 0.0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(b[i]))
            continue;
        x.add(a[i]);
        y.add(b[i]);
        products += a[i] * b[i];
    }
    if (x.n < 3.0)
        return 0.0;
    const double covariance = products / x.n - x.mean() * y.mean();
    const double scale = std::sqrt(x.variance() * y.variance());
    return scale > 0.0 ? covariance / scale : 0.0;
}

/**
 * Pairs of numeric columns that are one measurement under two names (|r| >= threshold), such as
 * an imported brightness and the computed image_brightness: a description names only one of them.
 */
std::set<std::pair<QString, QString>> sameMeasurements(const std::vector<SampleMetadataColumn> &metadata,
                                                       double threshold)
{
    std::set<std::pair<QString, QString>> pairs;
    for (size_t a = 0; a < metadata.size(); ++a) {
        for (size_t b = a + 1; b < metadata.size() && isNumeric(metadata[a]); ++b) {
            if (isNumeric(metadata[b]) &&
                std::abs(correlation(metadata[a].numbers, metadata[b].numbers)) >= threshold) {
                pairs.emplace(metadata[a].name, metadata[b].name);
                pairs.emplace(metadata[b].name, metadata[a].name);
            }
        }
    }
    return pairs;
}

} // namespace

QString ClusterTrait::text() const
{
    if (!category.isEmpty())
        return QStringLiteral("%1 = %2 (%3 vs %4 of the rest of its classes)")
            .arg(column, category, format::percent(memberValue, 0), format::percent(restValue, 0));
    return QStringLiteral("%1 %2 than the rest of its classes (%3 vs %4)")
        .arg(effect < 0 ? QStringLiteral("lower") : QStringLiteral("higher"), column,
             format::significant(memberValue), format::significant(restValue));
}

ClusterDescription::ClusterDescription(ClusterDescriptionParams params) : m_params(params) {}

std::map<int, std::vector<ClusterTrait>>
ClusterDescription::describe(const std::vector<int> &clusterOf, const std::vector<int> &classOf, int classes,
                             const std::vector<SampleMetadataColumn> &metadata) const
{
    const DenseClusters dense = denseClusters(clusterOf);
    const int clusters = int(dense.clusterIds.size());
    std::vector<std::vector<ClusterTrait>> candidates(static_cast<size_t>(clusters));
    double tests = 0.0;
    for (const SampleMetadataColumn &column : metadata) {
        const size_t values = isNumeric(column) ? column.numbers.size() : column.codes.size();
        if (values != clusterOf.size() || values != classOf.size())
            continue;
        if (isNumeric(column)) {
            const NumericTest test(column, dense, classOf, classes);
            for (int d = 0; d < clusters; ++d) {
                if (auto trait = test.test(d))
                    candidates[size_t(d)].push_back(*trait);
            }
            tests += clusters;
        } else if (column.categories.size() <= m_params.maxCategories) {
            const CategoryTest test(column, dense, classOf, classes);
            for (int d = 0; d < clusters; ++d) {
                for (int v = 0; v < test.values(); ++v) {
                    if (auto trait = test.test(d, v))
                        candidates[size_t(d)].push_back(*trait);
                }
            }
            tests += double(clusters) * test.values();
        }
    }

    const double threshold = m_params.alpha / std::max(1.0, tests);
    const std::set<std::pair<QString, QString>> same = sameMeasurements(metadata, m_params.sameMeasurement);
    std::map<int, std::vector<ClusterTrait>> result;
    for (int d = 0; d < clusters; ++d) {
        std::vector<ClusterTrait> &traits = candidates[size_t(d)];
        std::erase_if(traits, [&](const ClusterTrait &t) {
            return std::abs(t.effect) < m_params.minEffect || !(t.pValue <= threshold);
        });
        std::sort(traits.begin(), traits.end(), [](const ClusterTrait &a, const ClusterTrait &b) {
            return std::abs(a.effect) > std::abs(b.effect);
        });
        std::vector<ClusterTrait> kept;
        for (ClusterTrait &trait : traits) {
            const bool repeats = std::any_of(kept.begin(), kept.end(), [&](const ClusterTrait &k) {
                return same.contains({k.column, trait.column});
            });
            if (!repeats)
                kept.push_back(std::move(trait));
        }
        traits = std::move(kept);
        if (traits.size() > size_t(m_params.maxTraits))
            traits.resize(size_t(m_params.maxTraits));
        if (!traits.empty())
            result.emplace(dense.clusterIds[size_t(d)], std::move(traits));
    }
    return result;
}

QString ClusterDescription::summary(const std::vector<ClusterTrait> &traits)
{
    QStringList parts;
    for (const ClusterTrait &trait : traits)
        parts << trait.text();
    return parts.join(QStringLiteral("; "));
}

} // namespace loupe
