// AUROC, average precision, precision and recall at K on tiny hand-worked rankings.

#include "analysis/labels/labelissueevaluation.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace loupe;

class TestLabelIssueEvaluation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handWorkedRanking();
    void tiesCountHalfAndFormOneThreshold();
    void tiesAtTheTopK();
    void nanScoresAreLeftOut();
    void perfectAndInvertedRankings();
    void degenerateTruth();
    void aurocMatchesPairCounting();
    void flaggedSet();
    void sizeMismatchThrows();
};

void TestLabelIssueEvaluation::handWorkedRanking()
{
    // Ranked: + - + - -. AUROC: the positive at 0.9 beats 3 negatives, the one at 0.7 beats 2 of 3: 5/6.
    // AP: precision 1/1 at the first positive, 2/3 at the second: (1 + 2/3) / 2 = 5/6.
    const std::vector<float> scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
    const std::vector<uint8_t> truth = {1, 0, 1, 0, 0};
    const RankingQuality q = LabelIssueEvaluation::evaluateRanking(scores, truth);
    QCOMPARE(q.samples, 5);
    QCOMPARE(q.positives, 2);
    QCOMPARE(q.k, 2);
    QVERIFY(std::abs(q.auroc - 5.0 / 6.0) < 1e-12);
    QVERIFY(std::abs(q.averagePrecision - 5.0 / 6.0) < 1e-12);
    QCOMPARE(q.precisionAtK, 0.5);
    QCOMPARE(q.recallAtK, 0.5);
    QCOMPARE(LabelIssueEvaluation::precisionAtK(scores, truth, 3), 2.0 / 3.0);
    QCOMPARE(LabelIssueEvaluation::recallAtK(scores, truth, 3), 1.0);
    QCOMPARE(LabelIssueEvaluation::evaluateRanking(scores, truth, 1).precisionAtK, 1.0);
}

void TestLabelIssueEvaluation::tiesCountHalfAndFormOneThreshold()
{
    // Scores 1, .5, .5, 0 with truth - + - +. AUROC: the positive at .5 ties one negative (1/2) and
    // loses to the other, the positive at 0 loses both: 0.5 / 4 = 0.125.
    // AP over thresholds 1 | .5 | 0: (1/2)(1/3) + (1/2)(2/4) = 5/12 (scikit-learn gives the same).
    const std::vector<float> scores = {1.0f, 0.5f, 0.5f, 0.0f};
    const std::vector<uint8_t> truth = {0, 1, 0, 1};
    QVERIFY(std::abs(LabelIssueEvaluation::auroc(scores, truth) - 0.125) < 1e-12);
    QVERIFY(std::abs(LabelIssueEvaluation::averagePrecision(scores, truth) - 5.0 / 12.0) < 1e-12);

    // All tied: no information, AUROC 1/2 and AP = the positive rate.
    const std::vector<float> flat(4, 0.5f);
    const std::vector<uint8_t> half = {1, 0, 1, 0};
    QCOMPARE(LabelIssueEvaluation::auroc(flat, half), 0.5);
    QCOMPARE(LabelIssueEvaluation::averagePrecision(flat, half), 0.5);
}

void TestLabelIssueEvaluation::tiesAtTheTopK()
{
    // Ties are broken by the lower index: the top 2 of four equal scores are samples 0 and 1.
    const std::vector<float> flat(4, 0.5f);
    QCOMPARE(LabelIssueEvaluation::precisionAtK(flat, {0, 1, 1, 0}, 2), 0.5);
    QCOMPARE(LabelIssueEvaluation::precisionAtK(flat, {1, 1, 0, 0}, 2), 1.0);
}

void TestLabelIssueEvaluation::nanScoresAreLeftOut()
{
    const std::vector<float> scores = {NAN, 0.9f, 0.1f, NAN};
    const std::vector<uint8_t> truth = {1, 1, 0, 0};
    const RankingQuality q = LabelIssueEvaluation::evaluateRanking(scores, truth);
    QCOMPARE(q.samples, 2);
    QCOMPARE(q.positives, 1);
    QCOMPARE(q.auroc, 1.0);
    QCOMPARE(q.averagePrecision, 1.0);
    QCOMPARE(q.precisionAtK, 1.0);
}

void TestLabelIssueEvaluation::perfectAndInvertedRankings()
{
    const std::vector<uint8_t> truth = {0, 1, 0, 1, 1, 0};
    const std::vector<float> perfect = {0.1f, 0.9f, 0.2f, 0.8f, 0.7f, 0.3f};
    QCOMPARE(LabelIssueEvaluation::auroc(perfect, truth), 1.0);
    QCOMPARE(LabelIssueEvaluation::averagePrecision(perfect, truth), 1.0);
    std::vector<float> inverted = perfect;
    for (float &s : inverted)
        s = -s;
    QCOMPARE(LabelIssueEvaluation::auroc(inverted, truth), 0.0);
    // Positives at ranks 4, 5, 6: (1/4 + 2/5 + 3/6) / 3.
    QVERIFY(std::abs(LabelIssueEvaluation::averagePrecision(inverted, truth) - (0.25 + 0.4 + 0.5) / 3.0) <
            1e-12);
    QCOMPARE(LabelIssueEvaluation::precisionAtK(inverted, truth, 3), 0.0);
}

void TestLabelIssueEvaluation::degenerateTruth()
{
    const std::vector<float> scores = {0.3f, 0.2f};
    QCOMPARE(LabelIssueEvaluation::auroc(scores, {0, 0}), 0.5);
    QCOMPARE(LabelIssueEvaluation::averagePrecision(scores, {0, 0}), 0.0);
    QCOMPARE(LabelIssueEvaluation::recallAtK(scores, {0, 0}, 1), 0.0);
    QCOMPARE(LabelIssueEvaluation::auroc(scores, {1, 1}), 0.5);
    QCOMPARE(LabelIssueEvaluation::precisionAtK({}, {}, 3), 0.0);
}

void TestLabelIssueEvaluation::aurocMatchesPairCounting()
{
    // The grouped-ties sweep equals the O(n^2) definition on random scores with many ties.
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> level(0, 9);
    std::bernoulli_distribution positive(0.3);
    std::vector<float> scores(300);
    std::vector<uint8_t> truth(300);
    for (size_t i = 0; i < scores.size(); ++i) {
        scores[i] = float(level(rng)) / 10.0f;
        truth[i] = positive(rng);
    }
    double wins = 0.0, pairs = 0.0;
    for (size_t i = 0; i < scores.size(); ++i) {
        for (size_t j = 0; j < scores.size(); ++j) {
            if (truth[i] && !truth[j]) {
                wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
                pairs += 1.0;
            }
        }
    }
    QVERIFY(std::abs(LabelIssueEvaluation::auroc(scores, truth) - wins / pairs) < 1e-12);
}

void TestLabelIssueEvaluation::flaggedSet()
{
    const FlaggedSetQuality q = LabelIssueEvaluation::evaluateFlagged({1, 1, 0, 0, 1}, {1, 0, 1, 0, 1});
    QCOMPARE(q.flagged, 3);
    QCOMPARE(q.truePositives, 2);
    QCOMPARE(q.positives, 3);
    QCOMPARE(q.precision, 2.0 / 3.0);
    QCOMPARE(q.recall, 2.0 / 3.0);
    QVERIFY(std::abs(q.f1 - 2.0 / 3.0) < 1e-12);
    // The mask leaves samples out (e.g. unlabelled ones).
    const FlaggedSetQuality masked =
        LabelIssueEvaluation::evaluateFlagged({1, 1, 0, 0, 1}, {1, 0, 1, 0, 1}, {1, 0, 0, 1, 1});
    QCOMPARE(masked.flagged, 2);
    QCOMPARE(masked.precision, 1.0);
    QCOMPARE(masked.recall, 1.0);
    const FlaggedSetQuality none = LabelIssueEvaluation::evaluateFlagged({0, 0}, {1, 0});
    QCOMPARE(none.precision, 0.0);
    QCOMPARE(none.f1, 0.0);
}

void TestLabelIssueEvaluation::sizeMismatchThrows()
{
    QVERIFY_THROWS_EXCEPTION(std::exception, LabelIssueEvaluation::auroc({0.5f}, {1, 0}));
}

QTEST_APPLESS_MAIN(TestLabelIssueEvaluation)
#include "tst_labelissueevaluation.moc"
