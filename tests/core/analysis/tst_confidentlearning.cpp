// Confident learning: thresholds, confident joint, calibration and pruning on a hand-computed
// 3-class example, and a planted mislabeled set found with high precision.

#include "analysis/labels/confidentlearning.h"
#include "analysis/labels/labelissueevaluation.h"
#include "common/progress.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace loupe;

namespace {

/**
 * Eight labelled samples and one unlabelled, three classes. By hand:
 *   t0 = (.8 + .6 + .1) / 3 = .5, t1 = (.7 + .6 + .2) / 3 = .5, t2 = (.8 + .6) / 2 = .7
 *   confident classes: s0 0, s1 0, s2 1, s3 1, s4 1, s5 2 (p2 = .7 = t2), s6 2, s7 none (.6 < .7)
 *   C = [2 1 0; 0 2 1; 0 0 1]; calibrated to N = (3, 3, 2): [2 1 0; 0 2 1; 0 0 2]
 * The model moves s2 from 0 to 1 and s5 from 1 to 2: those are the planted errors.
 */
struct Toy
{
    std::vector<float> probabilities = {
        0.8f, 0.1f, 0.1f, // s0 label 0
        0.6f, 0.3f, 0.1f, // s1 label 0
        0.1f, 0.8f, 0.1f, // s2 label 0, looks like 1
        0.2f, 0.7f, 0.1f, // s3 label 1
        0.1f, 0.6f, 0.3f, // s4 label 1
        0.1f, 0.2f, 0.7f, // s5 label 1, looks like 2
        0.1f, 0.1f, 0.8f, // s6 label 2
        0.2f, 0.2f, 0.6f, // s7 label 2
        0.3f, 0.3f, 0.4f, // s8 unlabelled
    };
    std::vector<int> labels = {0, 0, 0, 1, 1, 1, 2, 2, -1};
    qint64 rows = 9;
    int classes = 3;
};

/**
 * n samples, c classes, a planted share of labels flipped to another class. The model's
 * probabilities favour the TRUE class (p in [0.55, 0.95], the rest spread at random), except
 * for a share of hard samples where the true class only narrowly wins against one rival.
 */
struct Planted
{
    std::vector<float> probabilities;
    std::vector<int> labels;
    std::vector<uint8_t> flipped;
    qint64 rows = 0;
    int classes = 0;
};

Planted plantedDataset(qint64 n, int c, double flipRate, double hardRate, quint32 seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> anyClass(0, c - 1);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Planted data;
    data.rows = n;
    data.classes = c;
    data.probabilities.resize(size_t(n) * size_t(c));
    data.labels.resize(size_t(n));
    data.flipped.resize(size_t(n));
    for (qint64 i = 0; i < n; ++i) {
        const int truth = anyClass(rng);
        float *p = data.probabilities.data() + i * c;
        std::vector<double> rest(static_cast<size_t>(c));
        double restSum = 0.0;
        for (double &r : rest)
            restSum += (r = unit(rng));
        if (unit(rng) < hardRate) {
            const int rival = (truth + 1 + anyClass(rng) % (c - 1)) % c;
            for (int k = 0; k < c; ++k)
                p[k] = float(0.1 * rest[size_t(k)] / restSum);
            p[truth] = 0.48f;
            p[rival] = 0.42f;
        } else {
            const double top = 0.55 + 0.4 * unit(rng);
            for (int k = 0; k < c; ++k)
                p[k] = float((1.0 - top) * rest[size_t(k)] / restSum);
            p[truth] += float(top);
        }
        const bool flip = unit(rng) < flipRate;
        data.flipped[size_t(i)] = flip;
        data.labels[size_t(i)] = flip ? (truth + 1 + anyClass(rng) % (c - 1)) % c : truth;
    }
    return data;
}

} // namespace

class TestConfidentLearning : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void thresholdsAreMeanSelfConfidence();
    void confidentClassPicksTheMostProbableAboveThreshold();
    void handComputedConfidentJoint();
    void calibrationKeepsRowTotals();
    void noiseEstimatesOfTheToy();
    void everyPruneMethodFindsTheToyErrors_data();
    void everyPruneMethodFindsTheToyErrors();
    void agreeingModelIsNeverFlagged();
    void minExamplesPerClassKeepsASmallClass();
    void plantedMislabeledSetFoundWithHighPrecision();
    void labelQualityScores();
    void mismatchedSizesThrow();
    void cancellation();
};

void TestConfidentLearning::thresholdsAreMeanSelfConfidence()
{
    const Toy toy;
    const auto t =
        ConfidentLearning::perClassThresholds(toy.probabilities.data(), toy.rows, toy.classes, toy.labels);
    QCOMPARE(t.size(), size_t(3));
    QVERIFY(std::abs(t[0] - 0.5) < 1e-6);
    QVERIFY(std::abs(t[1] - 0.5) < 1e-6);
    QVERIFY(std::abs(t[2] - 0.7) < 1e-6);

    // A class nobody is labelled with can never be confident.
    const auto empty = ConfidentLearning::perClassThresholds(toy.probabilities.data(), 3, 3, {0, 0, 1});
    QVERIFY(std::isinf(empty[2]));
    QCOMPARE(ConfidentLearning::labelCounts(toy.labels, 3), (std::vector<qint64>{3, 3, 2}));
}

void TestConfidentLearning::confidentClassPicksTheMostProbableAboveThreshold()
{
    const std::vector<double> t = {0.3, 0.3, 0.9};
    const float both[] = {0.35f, 0.45f, 0.2f};
    QCOMPARE(ConfidentLearning::confidentClass(both, 3, t, 1e-6), 1); // both pass, 1 is more probable
    const float none[] = {0.2f, 0.2f, 0.6f};
    QCOMPARE(ConfidentLearning::confidentClass(none, 3, t, 1e-6), -1); // argmax 2 is below its threshold
    const float low[] = {0.31f, 0.1f, 0.59f};
    QCOMPARE(ConfidentLearning::confidentClass(low, 3, t, 1e-6), 0); // the only class above its threshold
}

void TestConfidentLearning::handComputedConfidentJoint()
{
    const Toy toy;
    Progress progress;
    const ConfidentLearningResult r =
        ConfidentLearning().run(toy.probabilities.data(), toy.rows, toy.classes, toy.labels, progress);
    QCOMPARE(r.confidentLabel, (std::vector<int>{0, 0, 1, 1, 1, 2, 2, -1, -1}));
    QCOMPARE(r.confidentJoint, (std::vector<qint64>{2, 1, 0, 0, 2, 1, 0, 0, 1}));
    QCOMPARE(r.calibratedJoint, (std::vector<qint64>{2, 1, 0, 0, 2, 1, 0, 0, 2}));
    QCOMPARE(r.labelledSamples, 8);
    QCOMPARE(r.estimatedIssues, 2);
}

void TestConfidentLearning::calibrationKeepsRowTotals()
{
    // Row 0 scaled by 8/4, row 1 by 4/2.
    QCOMPARE(ConfidentLearning::calibrate({3, 1, 0, 2}, {8, 4}, 2), (std::vector<qint64>{6, 2, 0, 4}));
    // 10 / 3 each: floors 3 3 3, the remaining unit goes to the first of the equal fractions.
    QCOMPARE(ConfidentLearning::calibrate({1, 1, 1, 0, 0, 1, 0, 0, 1}, {10, 5, 7}, 3),
             (std::vector<qint64>{4, 3, 3, 0, 0, 5, 0, 0, 7}));
    // 7 * (2/3, 1/3) = 4.67, 2.33 -> 5, 2.
    QCOMPARE(ConfidentLearning::calibrate({2, 1, 0, 1}, {7, 1}, 2), (std::vector<qint64>{5, 2, 0, 1}));
    // A labelled class without a single confident sample is assumed correctly labelled.
    QCOMPARE(ConfidentLearning::confidentJoint({0, 1, 1}, {0, -1, -1}, 2), (std::vector<qint64>{1, 0, 0, 1}));
}

void TestConfidentLearning::noiseEstimatesOfTheToy()
{
    const Toy toy;
    Progress progress;
    const ConfidentLearningResult r =
        ConfidentLearning().run(toy.probabilities.data(), toy.rows, toy.classes, toy.labels, progress);
    // Q = [2 1 0; 0 2 1; 0 0 2] / 8
    QCOMPARE(r.at(r.joint, 0, 1), 1.0 / 8.0);
    QCOMPARE(r.at(r.joint, 2, 2), 2.0 / 8.0);
    // Noise matrix P(given | true): column 1 sums to 3/8, so P(given 0 | true 1) = 1/3.
    QVERIFY(std::abs(r.at(r.noiseMatrix, 0, 1) - 1.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(r.at(r.noiseMatrix, 1, 1) - 2.0 / 3.0) < 1e-12);
    QCOMPARE(r.at(r.noiseMatrix, 0, 0), 1.0);
    // Inverse: P(true 1 | given 0) = 1/3; a third of the labels of classes 0 and 1 are wrong.
    QVERIFY(std::abs(r.at(r.inverseNoiseMatrix, 0, 1) - 1.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(r.noiseRates[0] - 1.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(r.noiseRates[1] - 1.0 / 3.0) < 1e-12);
    QCOMPARE(r.noiseRates[2], 0.0);
}

void TestConfidentLearning::everyPruneMethodFindsTheToyErrors_data()
{
    QTest::addColumn<int>("method");
    QTest::newRow("prune_by_noise_rate") << int(PruneMethod::ByNoiseRate);
    QTest::newRow("prune_by_class") << int(PruneMethod::ByClass);
    QTest::newRow("both") << int(PruneMethod::Both);
}

void TestConfidentLearning::everyPruneMethodFindsTheToyErrors()
{
    QFETCH(int, method);
    ConfidentLearningParams params;
    params.prune = PruneMethod(method);
    const Toy toy;
    Progress progress;
    const ConfidentLearningResult r =
        ConfidentLearning(params).run(toy.probabilities.data(), toy.rows, toy.classes, toy.labels, progress);
    QCOMPARE(r.isIssue, (std::vector<uint8_t>{0, 0, 1, 0, 0, 1, 0, 0, 0}));
    QCOMPARE(r.flaggedCount(), 2);
}

void TestConfidentLearning::agreeingModelIsNeverFlagged()
{
    // t0 = .7, t1 = .45, t2 = .8. s1 (label 0) reaches t1 with p1 = .45, so the joint counts it
    // as a 1 and pruning picks it (largest p1 - p0 in class 0); but the model's argmax is its
    // label, so it is not flagged.
    const std::vector<float> p = {0.9f, 0.05f, 0.05f, 0.5f, 0.45f, 0.05f, 0.3f, 0.4f,
                                  0.3f, 0.1f,  0.5f,  0.4f, 0.1f,  0.1f,  0.8f};
    const std::vector<int> labels = {0, 0, 1, 1, 2};
    Progress progress;
    const ConfidentLearningResult r = ConfidentLearning().run(p.data(), 5, 3, labels, progress);
    QCOMPARE(r.confidentLabel, (std::vector<int>{0, 1, -1, 1, 2}));
    QCOMPARE(r.estimatedIssues, 1);
    QCOMPARE(r.flaggedCount(), 0);
}

void TestConfidentLearning::minExamplesPerClassKeepsASmallClass()
{
    // Class 1 has two samples, both look like class 0: by default one must keep the label.
    const std::vector<float> p = {0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f, 0.95f, 0.05f, 0.85f, 0.15f};
    const std::vector<int> labels = {0, 0, 0, 1, 1};
    Progress progress;
    for (PruneMethod method : {PruneMethod::ByNoiseRate, PruneMethod::ByClass}) {
        ConfidentLearningParams params;
        params.prune = method;
        params.minExamplesPerClass = 1;
        const ConfidentLearningResult r = ConfidentLearning(params).run(p.data(), 5, 2, labels, progress);
        QCOMPARE(r.flaggedCount(), 1);
        QCOMPARE(r.isIssue[3], uint8_t(1)); // the more confident of the two
        params.minExamplesPerClass = 0;
        QCOMPARE(ConfidentLearning(params).run(p.data(), 5, 2, labels, progress).flaggedCount(), 2);
        params.minExamplesPerClass = 2; // a class of 2 is not pruned at all
        QCOMPARE(ConfidentLearning(params).run(p.data(), 5, 2, labels, progress).flaggedCount(), 0);
    }
}

void TestConfidentLearning::plantedMislabeledSetFoundWithHighPrecision()
{
    // 4,000 samples, 5 classes, 5 % flipped, 10 % hard (but correctly labelled) samples.
    const Planted data = plantedDataset(4000, 5, 0.05, 0.10, 20261128);
    Progress progress;
    for (PruneMethod method : {PruneMethod::ByNoiseRate, PruneMethod::ByClass, PruneMethod::Both}) {
        ConfidentLearningParams params;
        params.prune = method;
        const ConfidentLearningResult r = ConfidentLearning(params).run(data.probabilities.data(), data.rows,
                                                                        data.classes, data.labels, progress);
        const FlaggedSetQuality q = LabelIssueEvaluation::evaluateFlagged(r.isIssue, data.flipped);
        QVERIFY2(q.precision >= 0.95,
                 qPrintable(QStringLiteral("precision %1").arg(q.precision))); // measured 1.0
        QVERIFY2(q.recall >= 0.85,
                 qPrintable(QStringLiteral("recall %1").arg(q.recall))); // measured 0.88-0.96
        // The estimated number of issues is close to the planted count.
        QVERIFY(std::abs(double(r.estimatedIssues) - double(q.positives)) < 0.2 * double(q.positives));
    }
    // The label quality scores rank the flipped labels first.
    std::vector<float> margin(size_t(data.rows));
    for (qint64 i = 0; i < data.rows; ++i)
        margin[size_t(i)] =
            float(1.0 - ConfidentLearning::normalizedMargin(data.probabilities.data() + i * data.classes,
                                                            data.classes, data.labels[size_t(i)]));
    QVERIFY(LabelIssueEvaluation::auroc(margin, data.flipped) > 0.99);
}

void TestConfidentLearning::labelQualityScores()
{
    const float p[] = {0.2f, 0.7f, 0.1f};
    QVERIFY(std::abs(ConfidentLearning::selfConfidence(p, 3, 0) - 0.2) < 1e-6);
    QVERIFY(std::abs(ConfidentLearning::normalizedMargin(p, 3, 0) - 0.25) < 1e-6); // (0.2 - 0.7 + 1) / 2
    QVERIFY(std::abs(ConfidentLearning::normalizedMargin(p, 3, 1) - 0.75) < 1e-6); // (0.7 - 0.2 + 1) / 2
    QCOMPARE(ConfidentLearning::normalizedMargin(p, 3, -1), 1.0);                  // unlabelled: no issue
}

void TestConfidentLearning::mismatchedSizesThrow()
{
    Progress progress;
    const Toy toy;
    QVERIFY_THROWS_EXCEPTION(std::exception, ConfidentLearning().run(toy.probabilities.data(), toy.rows,
                                                                     toy.classes, {0, 1}, progress));
    QVERIFY_THROWS_EXCEPTION(std::exception,
                             ConfidentLearning().run(toy.probabilities.data(), 3, 1, {0, 0, 0}, progress));
}

void TestConfidentLearning::cancellation()
{
    Progress progress;
    progress.cancel();
    const Toy toy;
    QVERIFY_THROWS_EXCEPTION(Cancelled, ConfidentLearning().run(toy.probabilities.data(), toy.rows,
                                                                toy.classes, toy.labels, progress));
}

QTEST_APPLESS_MAIN(TestConfidentLearning)
#include "tst_confidentlearning.moc"
