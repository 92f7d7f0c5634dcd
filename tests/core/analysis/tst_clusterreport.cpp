// Failure-cluster report: per-cluster figures, class-adjusted severity with significance.
// A planted high-error pocket ranks first, a big cluster of a hard class at its class's
// usual error rate does not, and 500 errors in 1,000 outrank 500 in 10,000.

#include "analysis/clustering/clusterreport.h"

#include <QJsonArray>
#include <QtTest>

#include <cmath>

#include "common/error.h"
#include "dataset/sampletable.h"

using namespace loupe;

namespace {

/** Parallel per-sample arrays being built up cluster by cluster. */
struct Samples
{
    std::vector<int> cluster, labels, predicted;
    std::vector<float> loss;

    /** count samples of one class in a cluster, of which `errors` are predicted as wrongClass. */
    void add(int clusterId, int label, qint64 count, qint64 errors, int wrongClass, float errorLoss = 2.0f)
    {
        for (qint64 i = 0; i < count; ++i) {
            const bool error = i < errors;
            cluster.push_back(clusterId);
            labels.push_back(label);
            predicted.push_back(error ? wrongClass : label);
            loss.push_back(error ? errorLoss : 0.1f);
        }
    }
    int rankOf(const ClusterReport &report, int clusterId) const
    {
        for (size_t r = 0; r < report.clusters.size(); ++r)
            if (report.clusters[r].cluster == clusterId)
                return int(r);
        return -1;
    }
};

} // namespace

class TestClusterReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wilsonInterval_data();
    void wilsonInterval();
    void binomialUpperTail_data();
    void binomialUpperTail();
    void twoProportionPValue();
    void plantedPocketOutranksHardClass();
    void fiveHundredInThousandOutranksTenThousand();
    void excessRateRanksAConditionAboveAWideGroup();
    void perClusterFigures();
    void noiseIsExcludedUnlessAsked();
    void fromSampleTable();
    void json();
    void rejectsMismatchedSizes();
};

void TestClusterReport::wilsonInterval_data()
{
    QTest::addColumn<qint64>("errors");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    // Reference values from the closed form (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
    QTest::newRow("500 / 1000") << qint64(500) << qint64(1000) << 0.46907 << 0.53093;
    QTest::newRow("500 / 10000") << qint64(500) << qint64(10000) << 0.04590 << 0.05445;
    QTest::newRow("5 / 5") << qint64(5) << qint64(5) << 0.56551 << 1.0;
    QTest::newRow("0 / 20") << qint64(0) << qint64(20) << 0.0 << 0.16113;
    QTest::newRow("empty") << qint64(0) << qint64(0) << 0.0 << 1.0;
}

void TestClusterReport::wilsonInterval()
{
    QFETCH(qint64, errors);
    QFETCH(qint64, n);
    QFETCH(double, low);
    QFETCH(double, high);
    const ProportionInterval interval = loupe::wilsonInterval(errors, n);
    QVERIFY2(std::abs(interval.low - low) < 5e-5, qPrintable(QString::number(interval.low, 'f', 6)));
    QVERIFY2(std::abs(interval.high - high) < 5e-5, qPrintable(QString::number(interval.high, 'f', 6)));
}

void TestClusterReport::binomialUpperTail_data()
{
    QTest::addColumn<qint64>("observed");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("tail");
    QTest::newRow("8+ of 10 fair") << qint64(8) << qint64(10) << 0.5 << 56.0 / 1024.0;
    QTest::newRow("1+ of 3 at 0.1") << qint64(1) << qint64(3) << 0.1 << 1.0 - 0.729;
    QTest::newRow("0+ is certain") << qint64(0) << qint64(10) << 0.3 << 1.0;
    QTest::newRow("more than n") << qint64(11) << qint64(10) << 0.3 << 0.0;
    QTest::newRow("p = 0") << qint64(1) << qint64(10) << 0.0 << 0.0;
    // Large n: the exact sum of the binomial terms (computed in log space), 4.5094e-6.
    QTest::newRow("600+ of 10000 at 0.05") << qint64(600) << qint64(10000) << 0.05 << 4.509387117772279e-06;
}

void TestClusterReport::binomialUpperTail()
{
    QFETCH(qint64, observed);
    QFETCH(qint64, n);
    QFETCH(double, p);
    QFETCH(double, tail);
    const double value = loupe::binomialUpperTail(observed, n, p);
    const double tolerance = std::max(1e-9 * tail, 1e-12);
    QVERIFY2(std::abs(value - tail) <= tolerance,
             qPrintable(QStringLiteral("%1 vs %2").arg(value).arg(tail)));
}

void TestClusterReport::twoProportionPValue()
{
    // 30/100 vs 10/100: pooled 0.2, z = 0.2 / sqrt(0.2 * 0.8 * 0.02) = 3.5355.
    QVERIFY(std::abs(loupe::twoProportionPValue(30, 100, 10, 100) - std::erfc(3.5355339 / std::sqrt(2.0))) <
            1e-6);
    QCOMPARE(loupe::twoProportionPValue(10, 100, 10, 100), 1.0);
    QCOMPARE(loupe::twoProportionPValue(0, 0, 10, 100), 1.0);
}

void TestClusterReport::plantedPocketOutranksHardClass()
{
    // Class 0 is hard: 40% errors everywhere, and one big cluster holds all of it.
    // Classes 1 and 2 are easy (5%), except in a planted 300-sample pocket with 30% errors.
    Samples s;
    s.add(0, 0, 5000, 2000, 1);
    s.add(1, 1, 150, 45, 2);
    s.add(1, 2, 150, 45, 1);
    for (int c = 2; c < 6; ++c)
        s.add(c, 1 + c % 2, 1000, 50, 0);
    const ClusterReport report = ClusterReport::compute(s.cluster, s.labels, s.predicted, s.loss, 3);

    QCOMPARE(report.clusters.front().cluster, 1);
    const ClusterStats &pocket = report.clusters.front();
    QCOMPARE(pocket.errors, qint64(90));
    QVERIFY(pocket.significant);
    QVERIFY(pocket.excessErrorRate > 0.2);

    const ClusterStats &hard = report.clusters[size_t(s.rankOf(report, 0))];
    QVERIFY(hard.errors > 20 * pocket.errors);      // by raw errors it would be first ...
    QVERIFY(std::abs(hard.excessErrorRate) < 1e-9); // ... but its class explains them all
    QVERIFY(std::abs(hard.expectedErrors - 2000.0) < 1e-6);
    QVERIFY(!hard.significant);
    QVERIFY(s.rankOf(report, 0) > 0);
}

void TestClusterReport::fiveHundredInThousandOutranksTenThousand()
{
    Samples s;
    s.add(0, 0, 1000, 500, 1);   // 500 errors in 1,000
    s.add(1, 0, 10000, 500, 1);  // 500 errors in 10,000
    s.add(2, 0, 5, 5, 1);        // every one wrong, but only 5
    s.add(3, 0, 20000, 1000, 1); // the bulk, at 5%
    const ClusterReport report = ClusterReport::compute(s.cluster, s.labels, s.predicted, s.loss, 2);
    QCOMPARE(s.rankOf(report, 0), 0);
    QVERIFY(s.rankOf(report, 0) < s.rankOf(report, 1));
    QVERIFY(s.rankOf(report, 0) < s.rankOf(report, 2));
    QCOMPARE(report.clusters[size_t(s.rankOf(report, 1))].errors,
             report.clusters[0].errors);          // same raw count
    QVERIFY(report.clusters[0].severity > 300.0); // ~1000 * (0.469 - 0.065)
}

void TestClusterReport::excessRateRanksAConditionAboveAWideGroup()
{
    // The shape of the failure patterns: a few groups that together hold every sample. A wide
    // group is a little worse than its class (14% on 20,000 against 12.1% overall), a condition
    // much worse (25% on 2,000). In excess errors the wide one leads (about 280 against 220);
    // per member the condition does (about 0.11 against 0.014).
    Samples s;
    s.add(0, 0, 20000, 2800, 1);
    s.add(1, 0, 2000, 500, 1);
    s.add(2, 0, 20000, 1800, 1); // the rest, 9%
    ClusterReportParams byRate;
    byRate.ranking = ClusterRanking::ExcessRate;
    const ClusterReport errors = ClusterReport::compute(s.cluster, s.labels, s.predicted, s.loss, 2);
    const ClusterReport rate = ClusterReport::compute(s.cluster, s.labels, s.predicted, s.loss, 2, byRate);

    QCOMPARE(errors.clusters.front().cluster, 0);
    QCOMPARE(rate.clusters.front().cluster, 1);
    QCOMPARE(rate.clusters.back().cluster, 2);
    // Same figures, another order: the key is the severity per evaluated member, which is the
    // Wilson lower bound of the error rate minus the expected rate.
    const ClusterStats &condition = rate.clusters.front();
    QCOMPARE(errors.clusters[size_t(s.rankOf(errors, 1))].severity, condition.severity);
    QVERIFY(std::abs(condition.severityPerMember() - (condition.errorRateLow - condition.expectedErrorRate)) <
            1e-12);
    QVERIFY(condition.severityPerMember() > 0.1);

    // A tiny group, all wrong, pays for its uncertainty: 3 of 3 ranks by its bound (0.44), not 100%.
    Samples tiny = s;
    tiny.add(3, 0, 3, 3, 1);
    const ClusterReport withTiny =
        ClusterReport::compute(tiny.cluster, tiny.labels, tiny.predicted, tiny.loss, 2, byRate);
    const ClusterStats &three = withTiny.clusters[size_t(tiny.rankOf(withTiny, 3))];
    QVERIFY(three.errorRateLow < 0.5);
    QVERIFY(std::abs(three.severityPerMember() - (three.errorRateLow - three.expectedErrorRate)) < 1e-12);
}

void TestClusterReport::perClusterFigures()
{
    // Cluster 7: three cats (one predicted dog, loss 2), a dog, and an unlabeled sample predicted fox.
    const std::vector<int> cluster = {7, 7, 7, 7, 7, 3};
    const std::vector<int> labels = {0, 0, 0, 1, -1, 2};
    const std::vector<int> predicted = {0, 0, 1, 1, 2, 2};
    const std::vector<float> loss = {0.5f, 0.5f, 2.0f, 1.0f, NAN, 0.1f};
    const ClusterReport report = ClusterReport::compute(cluster, labels, predicted, loss, 3);
    QCOMPARE(report.evaluated, qint64(5));
    QCOMPARE(report.errors, qint64(1));
    QCOMPARE(report.clusters.size(), size_t(2));
    const ClusterStats &s = report.clusters[size_t(report.clusters[0].cluster == 7 ? 0 : 1)];
    QCOMPARE(s.cluster, 7);
    QCOMPARE(s.size, qint64(5));
    QCOMPARE(s.evaluated, qint64(4));
    QCOMPARE(s.errors, qint64(1));
    QCOMPARE(s.errorRate, 0.25);
    QCOMPARE(s.meanLoss, 1.0);
    QCOMPARE(s.dominantLabel, 0);
    QCOMPARE(s.dominantLabelShare, 0.75);
    QCOMPARE(s.dominantPredicted, 0); // 0, 0, 1, 1, 2: a tie between 0 and 1 goes to the lower class
    QCOMPARE(s.dominantPredictedShare, 0.4);
}

void TestClusterReport::noiseIsExcludedUnlessAsked()
{
    const std::vector<int> cluster = {-1, -1, 0, 0};
    const std::vector<int> labels = {0, 0, 0, 0};
    const std::vector<int> predicted = {1, 1, 0, 0};
    QCOMPARE(ClusterReport::compute(cluster, labels, predicted, {}, 2).clusters.size(), size_t(1));
    ClusterReportParams params;
    params.includeNoise = true;
    const ClusterReport report = ClusterReport::compute(cluster, labels, predicted, {}, 2, params);
    QCOMPARE(report.clusters.size(), size_t(2));
    QCOMPARE(report.clusters.front().cluster, -1); // every noise point is an error
    QCOMPARE(report.errors, qint64(2));
}

void TestClusterReport::fromSampleTable()
{
    SampleTable table;
    table.classNames = {QStringLiteral("cat"), QStringLiteral("dog")};
    table.runId = 1;
    table.labels = {0, 1, 0, 1, 0, 1};
    table.predicted = {1, 0, 0, 1, 0, 1};
    table.loss = {2.0f, 2.0f, 0.1f, 0.1f, 0.1f, 0.1f};
    const ClusterReport report = ClusterReport::compute({0, 0, 1, 1, 1, 1}, table);
    QCOMPARE(report.clusters.front().cluster, 0); // both errors, where the classes predict 2/3
    QCOMPARE(report.clusters.front().errors, qint64(2));
    QCOMPARE(report.clusters.front().meanLoss, 2.0);
    QCOMPARE(report.classErrorRate, (std::vector<double>{1.0 / 3.0, 1.0 / 3.0}));
}

void TestClusterReport::json()
{
    Samples s;
    s.add(0, 0, 10, 5, 1);
    s.add(1, 0, 10, 0, 1);
    const QJsonObject json = ClusterReport::compute(s.cluster, s.labels, s.predicted, s.loss, 2)
                                 .toJson({QStringLiteral("cat"), QStringLiteral("dog")});
    QCOMPARE(json.value(QStringLiteral("errors")).toInteger(), 5);
    const QJsonObject first = json.value(QStringLiteral("clusters")).toArray().first().toObject();
    QCOMPARE(first.value(QStringLiteral("cluster")).toInt(), 0);
    QCOMPARE(first.value(QStringLiteral("dominant_label")).toString(), QStringLiteral("cat"));
    QCOMPARE(first.value(QStringLiteral("dominant_predicted")).toString(), QStringLiteral("cat"));
    QVERIFY(first.contains(QStringLiteral("severity")));
    QVERIFY(first.contains(QStringLiteral("excess_error_rate")));
}

void TestClusterReport::rejectsMismatchedSizes()
{
    QVERIFY_THROWS_EXCEPTION(Error, ClusterReport::compute({0, 1}, {0}, {0}, {}, 2));
}

QTEST_APPLESS_MAIN(TestClusterReport)
#include "tst_clusterreport.moc"
