#include "analysis/clustering/clusterreport.h"

#include <algorithm>
#include <limits>
#include <map>

#include <QJsonArray>

#include "common/error.h"
#include "dataset/sampletable.h"

namespace loupe {

namespace {

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes 6.4). */
double betaContinuedFraction(double a, double b, double x)
{
    constexpr int kMaxIterations = 100000;
    constexpr double kEpsilon = 1e-15;
    constexpr double kTiny = 1e-300;
    const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    d = 1.0 / (std::abs(d) < kTiny ? kTiny : d);
    double h = d;
    for (int m = 1; m <= kMaxIterations; ++m) {
        const int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = 1.0 / (std::abs(d) < kTiny ? kTiny : d);
        c = 1.0 + aa / c;
        c = std::abs(c) < kTiny ? kTiny : c;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = 1.0 / (std::abs(d) < kTiny ? kTiny : d);
        c = 1.0 + aa / c;
        c = std::abs(c) < kTiny ? kTiny : c;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1.0) < kEpsilon)
            break;
    }
    return h;
}

/** Regularized incomplete beta I_x(a, b). */
double incompleteBeta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    const double logFront =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return std::exp(logFront) * betaContinuedFraction(a, b, x) / a;
    return 1.0 - std::exp(logFront) * betaContinuedFraction(b, a, 1.0 - x) / b;
}

/** The most common value >= 0 of values over the members, and its share of them. */
std::pair<int, double> dominant(const std::vector<qint64> &counts)
{
    qint64 total = 0;
    int best = -1;
    for (size_t k = 0; k < counts.size(); ++k) {
        total += counts[k];
        if (counts[k] > 0 && (best < 0 || counts[k] > counts[size_t(best)]))
            best = int(k);
    }
    return {best, best < 0 ? 0.0 : double(counts[size_t(best)]) / double(total)};
}

/** Per-cluster running totals. */
struct Accumulator
{
    qint64 size = 0, evaluated = 0, errors = 0, losses = 0;
    double lossSum = 0.0, expected = 0.0;
    std::vector<qint64> labelCounts, predictedCounts;
};

QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

QJsonValue className(const QStringList &names, int index)
{
    return index >= 0 && index < names.size() ? QJsonValue(names.at(index)) : QJsonValue(QJsonValue::Null);
}

} // namespace

ProportionInterval wilsonInterval(qint64 errors, qint64 n, double z)
{
    if (n <= 0)
        return {};
    const double p = double(errors) / double(n);
    const double z2n = z * z / double(n);
    const double centre = (p + z2n / 2.0) / (1.0 + z2n);
    const double half = z / (1.0 + z2n) * std::sqrt(p * (1.0 - p) / double(n) + z2n / (4.0 * double(n)));
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double binomialUpperTail(qint64 observed, qint64 n, double p)
{
    if (observed <= 0)
        return 1.0;
    if (observed > n || p <= 0.0)
        return 0.0;
    if (p >= 1.0)
        return 1.0;
    // P(X >= k) = I_p(k, n - k + 1)
    return std::clamp(incompleteBeta(double(observed), double(n - observed + 1), p), 0.0, 1.0);
}

double twoProportionPValue(qint64 e1, qint64 n1, qint64 e2, qint64 n2)
{
    if (n1 <= 0 || n2 <= 0)
        return 1.0;
    const double pooled = double(e1 + e2) / double(n1 + n2);
    const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / double(n1) + 1.0 / double(n2)));
    if (!(se > 0.0))
        return 1.0;
    const double z = (double(e1) / double(n1) - double(e2) / double(n2)) / se;
    return std::erfc(std::abs(z) / std::sqrt(2.0));
}

double excessErrorScore(qint64 errors, qint64 n, double baselineRate, double z)
{
    if (n <= 0 || !std::isfinite(baselineRate))
        return 0.0;
    return double(n) * (wilsonInterval(errors, n, z).low - baselineRate);
}

ClusterReport ClusterReport::compute(const std::vector<int> &clusterOf, const std::vector<int> &labels,
                                     const std::vector<int> &predicted, const std::vector<float> &loss,
                                     int numClasses, const ClusterReportParams &params)
{
    const size_t n = clusterOf.size();
    if (labels.size() != n || predicted.size() != n || (!loss.empty() && loss.size() != n))
        throw Error(
            QStringLiteral("cluster report: %1 cluster labels for %2 samples").arg(n).arg(labels.size()));

    // Overall and per-class error rates: the baseline each cluster is compared with.
    ClusterReport report;
    std::vector<qint64> classEvaluated(size_t(numClasses), 0), classErrors(size_t(numClasses), 0);
    for (size_t i = 0; i < n; ++i) {
        if (labels[i] < 0 || predicted[i] < 0 || labels[i] >= numClasses)
            continue;
        ++classEvaluated[size_t(labels[i])];
        classErrors[size_t(labels[i])] += predicted[i] != labels[i];
    }
    report.classErrorRate.assign(size_t(numClasses), NAN);
    for (int k = 0; k < numClasses; ++k) {
        report.evaluated += classEvaluated[size_t(k)];
        report.errors += classErrors[size_t(k)];
        if (classEvaluated[size_t(k)] > 0)
            report.classErrorRate[size_t(k)] =
                double(classErrors[size_t(k)]) / double(classEvaluated[size_t(k)]);
    }
    if (report.evaluated > 0)
        report.errorRate = double(report.errors) / double(report.evaluated);

    std::map<int, Accumulator> byCluster;
    for (size_t i = 0; i < n; ++i) {
        if (clusterOf[i] < 0 && !params.includeNoise)
            continue;
        Accumulator &a = byCluster[std::max(-1, clusterOf[i])];
        if (a.labelCounts.empty()) {
            a.labelCounts.assign(size_t(numClasses), 0);
            a.predictedCounts.assign(size_t(numClasses), 0);
        }
        ++a.size;
        const int label = labels[i] < numClasses ? labels[i] : -1;
        const int guess = predicted[i] < numClasses ? predicted[i] : -1;
        if (label >= 0)
            ++a.labelCounts[size_t(label)];
        if (guess >= 0)
            ++a.predictedCounts[size_t(guess)];
        if (label >= 0 && guess >= 0) {
            ++a.evaluated;
            a.errors += guess != label;
            a.expected += report.classErrorRate[size_t(label)];
        }
        if (!loss.empty() && std::isfinite(loss[i])) {
            ++a.losses;
            a.lossSum += loss[i];
        }
    }

    const double familySize = double(std::max<size_t>(1, byCluster.size()));
    for (const auto &[cluster, a] : byCluster) {
        ClusterStats s;
        s.cluster = cluster;
        s.size = a.size;
        s.evaluated = a.evaluated;
        s.errors = a.errors;
        s.meanLoss = a.losses > 0 ? a.lossSum / double(a.losses) : NAN;
        std::tie(s.dominantLabel, s.dominantLabelShare) = dominant(a.labelCounts);
        std::tie(s.dominantPredicted, s.dominantPredictedShare) = dominant(a.predictedCounts);
        s.expectedErrors = a.expected;
        if (a.evaluated > 0) {
            s.errorRate = double(a.errors) / double(a.evaluated);
            const ProportionInterval interval = wilsonInterval(a.errors, a.evaluated, params.z);
            s.errorRateLow = interval.low;
            s.errorRateHigh = interval.high;
            s.expectedErrorRate = a.expected / double(a.evaluated);
            s.excessErrorRate = s.errorRate - s.expectedErrorRate;
            s.pValue = binomialUpperTail(a.errors, a.evaluated, s.expectedErrorRate);
            s.significant = s.pValue < params.alpha / familySize;
            s.severity = excessErrorScore(a.errors, a.evaluated, s.expectedErrorRate, params.z);
        }
        report.clusters.push_back(s);
    }
    const auto key = [&params](const ClusterStats &c) {
        return params.ranking == ClusterRanking::ExcessRate ? c.severityPerMember() : c.severity;
    };
    std::stable_sort(report.clusters.begin(), report.clusters.end(),
                     [&key](const ClusterStats &a, const ClusterStats &b) {
                         if (key(a) != key(b))
                             return key(a) > key(b);
                         return a.pValue < b.pValue;
                     });
    return report;
}

double ClusterStats::severityPerMember() const
{
    return evaluated > 0 ? severity / double(evaluated) : -std::numeric_limits<double>::infinity();
}

ClusterReport ClusterReport::compute(const std::vector<int> &clusterOf, const SampleTable &table,
                                     const ClusterReportParams &params)
{
    // Excluded samples leave the metrics (SampleState): they count as members, not as evaluated.
    std::vector<int> labels = table.labels;
    for (qint64 i = 0; i < table.size(); ++i) {
        if (table.isExcluded(i))
            labels[size_t(i)] = -1;
    }
    return compute(clusterOf, labels, table.predicted, table.loss, int(table.classNames.size()), params);
}

QJsonObject ClusterReport::toJson(const QStringList &classNames) const
{
    QJsonArray clusterArray;
    for (const ClusterStats &s : clusters) {
        clusterArray.append(QJsonObject{
            {QStringLiteral("cluster"), s.cluster},
            {QStringLiteral("size"), s.size},
            {QStringLiteral("evaluated"), s.evaluated},
            {QStringLiteral("errors"), s.errors},
            {QStringLiteral("error_rate"), number(s.errorRate)},
            {QStringLiteral("error_rate_low"), number(s.errorRateLow)},
            {QStringLiteral("error_rate_high"), number(s.errorRateHigh)},
            {QStringLiteral("mean_loss"), number(s.meanLoss)},
            {QStringLiteral("dominant_label"), className(classNames, s.dominantLabel)},
            {QStringLiteral("dominant_label_share"), s.dominantLabelShare},
            {QStringLiteral("dominant_predicted"), className(classNames, s.dominantPredicted)},
            {QStringLiteral("dominant_predicted_share"), s.dominantPredictedShare},
            {QStringLiteral("expected_errors"), s.expectedErrors},
            {QStringLiteral("expected_error_rate"), number(s.expectedErrorRate)},
            {QStringLiteral("excess_error_rate"), number(s.excessErrorRate)},
            {QStringLiteral("p_value"), s.pValue},
            {QStringLiteral("significant"), s.significant},
            {QStringLiteral("severity"), s.severity},
        });
    }
    return QJsonObject{{QStringLiteral("evaluated"), evaluated},
                       {QStringLiteral("errors"), errors},
                       {QStringLiteral("error_rate"), number(errorRate)},
                       {QStringLiteral("clusters"), clusterArray}};
}

} // namespace loupe
