#pragma once

#include <QJsonObject>
#include <QStringList>

#include <cmath>
#include <vector>

namespace loupe {

struct SampleTable;

/** A confidence interval for a proportion. */
struct ProportionInterval
{
    double low = 0.0;
    double high = 1.0;
};

/**
 * Wilson score interval of errors / n (Wilson 1927) at normal quantile z (1.96: 95%).
 * Unlike the normal approximation it stays inside [0, 1] and is honest for small n and
 * for rates near 0 or 1, which is where small clusters and slices live. n = 0 gives [0, 1].
 */
ProportionInterval wilsonInterval(qint64 errors, qint64 n, double z = 1.96);

/**
 * P(X >= observed) for X ~ Binomial(n, p), via the regularized incomplete beta function.
 * Used as a conservative test of observed errors against a class-mix expectation: for a
 * sum of independent Bernoullis with mean n p, the binomial tail is at least as large
 * beyond the mean (Hoeffding 1956), so the p-value never overstates significance.
 */
double binomialUpperTail(qint64 observed, qint64 n, double p);

/**
 * Two-sided p-value of the pooled two-proportion z-test of e1/n1 against e2/n2
 * (1 when either group is empty or the pooled rate is 0 or 1).
 */
double twoProportionPValue(qint64 e1, qint64 n1, qint64 e2, qint64 n2);

/**
 * The significance-aware excess: n * (lower Wilson bound of errors/n - baselineRate), the
 * number of errors a group has beyond the baseline that we are confident of (95%).
 * It grows with both the excess rate and the size, and a small group pays for its
 * uncertainty: 500 errors in 1,000 (lower bound 0.469) beats 500 in 10,000 (0.046) and
 * 5 in 5 (0.566, but only 5 samples) at any baseline below 0.46. Negative when the group
 * does better than its baseline.
 */
double excessErrorScore(qint64 errors, qint64 n, double baselineRate, double z = 1.96);

/** One cluster's figures; rates are NaN when no member is both labelled and predicted. */
struct ClusterStats
{
    int cluster = -1;          ///< the clustering's label (-1: the noise group, when included)
    qint64 size = 0;           ///< members
    qint64 evaluated = 0;      ///< members with a label and a prediction
    qint64 errors = 0;         ///< evaluated members whose prediction differs from the label
    double errorRate = NAN;    ///< errors / evaluated
    double errorRateLow = NAN; ///< Wilson interval of errorRate
    double errorRateHigh = NAN;
    double meanLoss = NAN;  ///< over members with a finite loss
    int dominantLabel = -1; ///< most common given label among labelled members
    double dominantLabelShare = 0.0;
    int dominantPredicted = -1; ///< most common predicted class among predicted members
    double dominantPredictedShare = 0.0;
    /** Sum over evaluated members of the overall error rate of their given class. */
    double expectedErrors = 0.0;
    double expectedErrorRate = NAN; ///< expectedErrors / evaluated: what the class mix predicts
    double excessErrorRate = NAN;   ///< errorRate - expectedErrorRate: the class-adjusted excess
    double pValue = 1.0;            ///< binomialUpperTail(errors, evaluated, expectedErrorRate)
    bool significant = false;       ///< pValue below alpha / number of clusters (Bonferroni)
    double severity = 0.0;          ///< excessErrorScore(errors, evaluated, expectedErrorRate)

    /** severity per evaluated member (ClusterRanking::ExcessRate); -infinity when none is evaluated. */
    double severityPerMember() const;
};

/** What puts one cluster above another (ClusterReport). */
enum class ClusterRanking {
    /** severity: the errors in excess of the class mix, at 95% confidence; grows with size. */
    ExcessErrors,
    /**
     * severity / evaluated: how much worse than its class mix each member fares, at 95%
     * confidence. For groups whose size says little (ResidualPatterns cuts all samples into a
     * few groups, and a wide one holds many errors by size alone); small groups still pay
     * for their uncertainty through the Wilson bound.
     */
    ExcessRate,
};

/** Parameters of ClusterReport::compute. */
struct ClusterReportParams
{
    ClusterRanking ranking = ClusterRanking::ExcessErrors;
    double z = 1.96;     ///< normal quantile of the Wilson bounds (95%)
    double alpha = 0.05; ///< family-wise error rate of `significant`
    /** Report the noise group (label -1 of a density clustering) as a cluster of its own. */
    bool includeNoise = false;
};

/**
 * Failure clusters ranked by severity: how many more errors the model makes in a cluster
 * than the cluster's class mix explains, at a 95% lower confidence bound.
 *
 *   expected_c  = sum over evaluated members i of rate(label_i), where rate(k) is the error
 *                 rate of given class k over all evaluated samples
 *   severity_c  = n_c * (WilsonLow95(errors_c / n_c) - expected_c / n_c)
 *   p_c         = P(Binomial(n_c, expected_c / n_c) >= errors_c)
 *
 * Why class-adjusted: a cluster of a hard class (shirts) always has many errors; what a
 * team needs to see is a pocket that is worse than its classes are, such as a visual
 * condition cutting across classes. Why a lower bound times size: it ranks by errors we
 * are confident are in excess, so a large, clearly bad cluster outranks both a huge
 * cluster with a slightly raised rate and a tiny one with a perfect error record.
 * Clusters are sorted by severity, or by severity per member (ClusterRanking), then by
 * p-value, then label; both the raw and the class-adjusted rates are reported.
 */
struct ClusterReport
{
    qint64 evaluated = 0; ///< samples with a label and a prediction
    qint64 errors = 0;
    double errorRate = NAN;             ///< overall
    std::vector<double> classErrorRate; ///< per given class (NaN without evaluated samples)
    std::vector<ClusterStats> clusters; ///< most severe first

    /**
     * clusterOf has one label per sample (any non-negative integers; -1 = noise); labels,
     * predicted and loss are per sample as in SampleTable (-1 = none, NaN = no loss).
     */
    static ClusterReport compute(const std::vector<int> &clusterOf, const std::vector<int> &labels,
                                 const std::vector<int> &predicted, const std::vector<float> &loss,
                                 int numClasses, const ClusterReportParams &params = {});
    static ClusterReport compute(const std::vector<int> &clusterOf, const SampleTable &table,
                                 const ClusterReportParams &params = {});

    /** For `report --json`: class indexes become names. */
    QJsonObject toJson(const QStringList &classNames) const;
};

} // namespace loupe
