// Label issues: the model's view blended with the labels of nearest neighbours; a planted
// mislabeled set in planted clusters, hand-computed neighbour distributions, relabel updates.

#include "analysis/labels/labelissueevaluation.h"
#include "analysis/labels/labelissuefinder.h"
#include "analysis/labels/labelneighbourhood.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "common/progress.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace loupe;

namespace {

/**
 * Clusters of `clusterSize` samples sharing a true class; each sample's neighbours are the
 * other members of its cluster (the graph a good embedding would give). The model is right
 * but unsure on most samples and confused on a share of them (its probability mass moves to
 * a rival class), so the model alone cannot tell a confused-but-correct sample from a
 * flipped one; the neighbours' labels can.
 */
struct Clustered
{
    std::vector<float> probabilities;
    std::vector<int> labels;
    std::vector<int> truth;
    std::vector<uint8_t> flipped;
    KnnGraph graph;
    qint64 rows = 0;
    int classes = 0;
};

Clustered clusteredDataset(int clusters, int clusterSize, int classes, double flipRate, double confusedRate,
                           quint32 seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<int> other(1, classes - 1);
    Clustered data;
    data.classes = classes;
    data.rows = qint64(clusters) * clusterSize;
    data.probabilities.assign(size_t(data.rows) * size_t(classes), 0.0f);
    data.graph.n = data.rows;
    data.graph.k = clusterSize - 1;
    for (int g = 0; g < clusters; ++g) {
        const int truth = g % classes;
        for (int m = 0; m < clusterSize; ++m) {
            const qint64 i = qint64(g) * clusterSize + m;
            float *p = data.probabilities.data() + i * classes;
            const int rival = (truth + other(rng)) % classes;
            const double top = unit(rng) < confusedRate ? 0.25 + 0.2 * unit(rng) : 0.5 + 0.45 * unit(rng);
            for (int c = 0; c < classes; ++c)
                p[c] = float(0.05 * (1.0 - top) / double(classes));
            p[truth] += float(top);
            p[rival] += float(1.0 - top - 0.05 * (1.0 - top));
            const bool flip = unit(rng) < flipRate;
            data.truth.push_back(truth);
            data.flipped.push_back(flip);
            data.labels.push_back(flip ? rival : truth); // flipped to the class the model is drawn to
            for (int n = 0; n < clusterSize; ++n) {
                if (n != m)
                    data.graph.indices.push_back(qint32(qint64(g) * clusterSize + n));
            }
        }
    }
    return data;
}

} // namespace

class TestLabelIssueFinder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void neighbourDistributionByHand();
    void blendAndScoresByHand();
    void withoutGraphTheModelAlone();
    void neighboursImproveThePlantedRanking();
    void suggestedLabelIsTheTrueClass();
    void unlabelledSamplesAreHintsOnly();
    void relabelUpdatesOnlyTheAffected();
    void mismatchedGraphThrows();
};

void TestLabelIssueFinder::neighbourDistributionByHand()
{
    // Labels 0 0 1 -1; prior over labelled samples: (2/3, 1/3).
    // Sample 0's neighbours 1, 2: counts (1, 1), q = ((1 + 2/3) / 3, (1 + 1/3) / 3) with smoothing 1.
    // Sample 3's neighbours 2 and padding -1: counts (0, 1), q = ((2/3) / 2, (1 + 1/3) / 2).
    // Sample 2's neighbours 3 (unlabelled) and 0: counts (1, 0).
    KnnGraph graph;
    graph.n = 4;
    graph.k = 2;
    graph.indices = {1, 2, 0, 2, 3, 0, 2, -1};
    const std::vector<int> labels = {0, 0, 1, -1};
    const std::vector<float> q = LabelNeighbourhood(2, 1.0).distribution(graph, labels, 2);
    QVERIFY(std::abs(q[0] - (1.0 + 2.0 / 3.0) / 3.0) < 1e-6);
    QVERIFY(std::abs(q[1] - (1.0 + 1.0 / 3.0) / 3.0) < 1e-6);
    QVERIFY(std::abs(q[4] - (1.0 + 2.0 / 3.0) / 2.0) < 1e-6);
    QVERIFY(std::abs(q[6] - (2.0 / 3.0) / 2.0) < 1e-6);
    QVERIFY(std::abs(q[7] - (1.0 + 1.0 / 3.0) / 2.0) < 1e-6);
    // Only the first neighbour votes when asked for 1.
    const std::vector<float> first = LabelNeighbourhood(1, 0.0).distribution(graph, labels, 2);
    QCOMPARE(first[0], 1.0f); // sample 0's first neighbour is 1, labelled 0
    QCOMPARE(LabelNeighbourhood::labelPrior({-1, -1}, 4), (std::vector<double>{0.25, 0.25, 0.25, 0.25}));
}

void TestLabelIssueFinder::blendAndScoresByHand()
{
    // Two classes, three samples in one clique; sample 0 is labelled 1, the others 0.
    // Sample 0: p = (0.6, 0.4); neighbours both 0: q = (2 + 2/3, 1/3) / 3 = (0.8889, 0.1111).
    // e = 0.6 p + 0.4 q = (0.7156, 0.2844); score = 1 - (0.2844 - 0.7156 + 1) / 2 = 0.7156.
    KnnGraph graph;
    graph.n = 3;
    graph.k = 2;
    graph.indices = {1, 2, 0, 2, 0, 1};
    const std::vector<float> p = {0.6f, 0.4f, 0.9f, 0.1f, 0.8f, 0.2f};
    const std::vector<int> labels = {1, 0, 0};
    LabelIssueParams params;
    params.neighbours = 2;
    params.neighbourWeight = 0.4;
    params.confidentLearning.minExamplesPerClass = 0;
    Progress progress;
    const LabelIssues issues = LabelIssueFinder(params).run(p.data(), 3, 2, labels, &graph, progress);
    QVERIFY(issues.usedNeighbours);
    const double q0 = (2.0 + 2.0 / 3.0) / 3.0;
    const double e0 = 0.6 * 0.6 + 0.4 * q0;
    QVERIFY(std::abs(issues.neighbourAgreement[0] - (1.0 - q0)) < 1e-6);
    QVERIFY(std::abs(issues.issueScore[0] - e0) < 1e-6);
    QVERIFY(std::abs(issues.modelScore[0] - 0.6) < 1e-6); // 1 - (0.4 - 0.6 + 1) / 2
    QCOMPARE(issues.suggestedLabel[0], 0);
    QCOMPARE(issues.suggestedLabel[1], 0);
    QVERIFY(issues.issueScore[0] > issues.issueScore[1]);
}

void TestLabelIssueFinder::withoutGraphTheModelAlone()
{
    const std::vector<float> p = {0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.1f};
    Progress progress;
    const LabelIssues issues = LabelIssueFinder().run(p.data(), 2, 3, {0, 0}, nullptr, progress);
    QVERIFY(!issues.usedNeighbours);
    QVERIFY(std::abs(issues.issueScore[0] - 0.75) < 1e-6); // 1 - (0.2 - 0.7 + 1) / 2
    QCOMPARE(issues.issueScore[0], issues.modelScore[0]);
    QVERIFY(std::isnan(issues.neighbourAgreement[0]));
    QCOMPARE(issues.suggestedLabel[0], 1);
    QCOMPARE(issues.suggestedLabel[1], 0);
}

void TestLabelIssueFinder::neighboursImproveThePlantedRanking()
{
    const Clustered data = clusteredDataset(400, 12, 5, 0.05, 0.30, 11);
    Progress progress;
    const LabelIssues model = LabelIssueFinder().run(data.probabilities.data(), data.rows, data.classes,
                                                     data.labels, nullptr, progress);
    const LabelIssues both = LabelIssueFinder().run(data.probabilities.data(), data.rows, data.classes,
                                                    data.labels, &data.graph, progress);
    const RankingQuality alone = LabelIssueEvaluation::evaluateRanking(model.issueScore, data.flipped);
    const RankingQuality blended = LabelIssueEvaluation::evaluateRanking(both.issueScore, data.flipped);
    qInfo("model alone: AUROC %.4f AP %.4f P@K %.4f; with neighbours: AUROC %.4f AP %.4f P@K %.4f",
          alone.auroc, alone.averagePrecision, alone.precisionAtK, blended.auroc, blended.averagePrecision,
          blended.precisionAtK);
    QVERIFY2(
        blended.averagePrecision > alone.averagePrecision + 0.1,
        qPrintable(QStringLiteral("AP %1 -> %2").arg(alone.averagePrecision).arg(blended.averagePrecision)));
    QVERIFY(blended.auroc > alone.auroc);
    QVERIFY(blended.precisionAtK >= 0.9);
    const FlaggedSetQuality flagged = LabelIssueEvaluation::evaluateFlagged(both.isIssue, data.flipped);
    qInfo("is_issue: precision %.4f recall %.4f (model alone: %.4f %.4f)", flagged.precision, flagged.recall,
          LabelIssueEvaluation::evaluateFlagged(model.isIssue, data.flipped).precision,
          LabelIssueEvaluation::evaluateFlagged(model.isIssue, data.flipped).recall);
    QVERIFY2(flagged.precision >= 0.9 && flagged.recall >= 0.85,
             qPrintable(QStringLiteral("P %1 R %2").arg(flagged.precision).arg(flagged.recall)));
}

void TestLabelIssueFinder::suggestedLabelIsTheTrueClass()
{
    const Clustered data = clusteredDataset(400, 12, 5, 0.05, 0.30, 12);
    Progress progress;
    const LabelIssues issues = LabelIssueFinder().run(data.probabilities.data(), data.rows, data.classes,
                                                      data.labels, &data.graph, progress);
    qint64 flagged = 0, right = 0;
    for (qint64 i = 0; i < data.rows; ++i) {
        if (issues.isIssue[size_t(i)] && data.flipped[size_t(i)]) {
            ++flagged;
            right += issues.suggestedLabel[size_t(i)] == data.truth[size_t(i)];
        }
        if (issues.isIssue[size_t(i)])
            QVERIFY(issues.suggestedLabel[size_t(i)] != data.labels[size_t(i)]);
    }
    QVERIFY(flagged > 50);
    QCOMPARE(right, flagged);
}

void TestLabelIssueFinder::unlabelledSamplesAreHintsOnly()
{
    const Clustered data = clusteredDataset(50, 6, 5, 0.0, 0.0, 13);
    std::vector<int> labels = data.labels;
    labels[0] = -1;
    Progress progress;
    const LabelIssues issues = LabelIssueFinder().run(data.probabilities.data(), data.rows, data.classes,
                                                      labels, &data.graph, progress);
    QVERIFY(std::isnan(issues.issueScore[0]));
    QVERIFY(std::isnan(issues.modelScore[0]));
    QCOMPARE(issues.isIssue[0], uint8_t(0));
    QCOMPARE(issues.suggestedLabel[0], data.truth[0]);
}

void TestLabelIssueFinder::relabelUpdatesOnlyTheAffected()
{
    Clustered data = clusteredDataset(100, 8, 5, 0.05, 0.2, 14);
    Progress progress;
    const LabelIssueFinder finder;
    LabelIssues issues =
        finder.run(data.probabilities.data(), data.rows, data.classes, data.labels, &data.graph, progress);
    // Fix the first flagged sample the way a reviewer would: accept the suggestion.
    qint64 fixed = -1;
    for (qint64 i = 0; i < data.rows && fixed < 0; ++i) {
        if (issues.isIssue[size_t(i)] && data.flipped[size_t(i)])
            fixed = i;
    }
    QVERIFY(fixed >= 0);
    const float before = issues.issueScore[size_t(fixed)];
    data.labels[size_t(fixed)] = issues.suggestedLabel[size_t(fixed)];
    const std::vector<qint64> updated = finder.update(data.probabilities.data(), data.rows, data.classes,
                                                      data.labels, &data.graph, {fixed}, issues);
    // The sample and its 7 cluster mates (its neighbours list it as theirs).
    QCOMPARE(updated.size(), size_t(8));
    QVERIFY(issues.issueScore[size_t(fixed)] < before);
    QCOMPARE(issues.isIssue[size_t(fixed)], uint8_t(0));
    // The updated neighbour votes match a full run (up to the label prior, which moved by 1/800).
    const LabelIssues full =
        finder.run(data.probabilities.data(), data.rows, data.classes, data.labels, &data.graph, progress);
    for (qint64 i : updated) {
        QVERIFY(std::abs(issues.neighbourAgreement[size_t(i)] - full.neighbourAgreement[size_t(i)]) < 1e-3);
        QVERIFY(std::abs(issues.issueScore[size_t(i)] - full.issueScore[size_t(i)]) < 1e-3);
    }
    // Relabelling it back to the wrong class flags it again (its score reaches the last cut).
    data.labels[size_t(fixed)] = data.labels[size_t(fixed)] == data.truth[size_t(fixed)]
                                     ? (data.truth[size_t(fixed)] + 1) % data.classes
                                     : data.labels[size_t(fixed)];
    finder.update(data.probabilities.data(), data.rows, data.classes, data.labels, &data.graph, {fixed},
                  issues);
    QVERIFY(issues.issueScore[size_t(fixed)] > before - 0.2f);
}

void TestLabelIssueFinder::mismatchedGraphThrows()
{
    KnnGraph graph;
    graph.n = 5;
    graph.k = 1;
    graph.indices.assign(5, 0);
    const std::vector<float> p = {0.5f, 0.5f};
    Progress progress;
    QVERIFY_THROWS_EXCEPTION(std::exception, LabelIssueFinder().run(p.data(), 1, 2, {0}, &graph, progress));
}

QTEST_APPLESS_MAIN(TestLabelIssueFinder)
#include "tst_labelissuefinder.moc"
