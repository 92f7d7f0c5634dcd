// The box list the box grid shows: each annotation and predicted box with its verdict and error
// score, on a hand-made image holding one of each case, and the two orders.

#include "detection/boxverdicts.h"

#include <QtTest>

using namespace loupe;

namespace {

/**
 * One 200 x 200 image: object 0 (class 0) found by box 0; object 1 (class 1) covered only by a
 * confident box of class 0 (box 1); object 2 with no box near it; box 2 confident on nothing;
 * box 3 below the threshold; a crowd region (object 3) with box 4 inside it.
 */
DetectionSet handMadeSet()
{
    DetectionSet set;
    set.images = 1;
    set.categories = 2;
    set.annotations = {{0, 0, {10, 10, 40, 40}, 0.0, false},
                       {0, 1, {100, 10, 40, 40}, 0.0, false},
                       {0, 0, {10, 120, 30, 30}, 0.0, false},
                       {0, 1, {100, 100, 90, 90}, 0.0, true}};
    set.detections = {{0, 0, {10, 10, 40, 40}, 0.99},
                      {0, 0, {100, 10, 40, 40}, 0.95},
                      {0, 1, {60, 160, 30, 30}, 0.8},
                      {0, 0, {150, 60, 20, 20}, 0.02},
                      {0, 1, {120, 120, 30, 30}, 0.7}};
    return set;
}

BoxVerdicts judged(const DetectionSet &set)
{
    BoxVerdictParams params;
    params.matching.minScore = 0.05;
    return BoxVerdicts::judge(set, BoxErrors::classify(set, params.matching), AnnotationErrors::find(set, {}),
                              params);
}

} // namespace

class TestBoxVerdicts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyBoxGetsItsVerdict()
    {
        const DetectionSet set = handMadeSet();
        const BoxVerdicts verdicts = judged(set);
        // Four annotations and the four boxes at or above the threshold (box 3 is left out).
        QCOMPARE(verdicts.entries().size(), size_t(8));
        const auto verdictOf = [&](BoxVerdicts::Kind kind, uint32_t index) {
            for (const BoxVerdicts::Entry &e : verdicts.entries())
                if (e.kind == kind && e.index == index)
                    return e;
            qFatal("box not listed");
        };
        using K = BoxVerdicts::Kind;
        QCOMPARE(verdictOf(K::Annotation, 0).verdict, BoxVerdict::Found);
        QVERIFY(verdictOf(K::Annotation, 0).errorScore < 0.05f); // 1 - 0.99: barely spurious
        // One-hot evidence for class 0 against the annotated class 1: the whole vote.
        QCOMPARE(verdictOf(K::Annotation, 1).verdict, BoxVerdict::WrongClass);
        QCOMPARE(verdictOf(K::Annotation, 1).errorScore, 1.0f);
        QCOMPARE(verdictOf(K::Annotation, 2).verdict, BoxVerdict::Spurious);
        QCOMPARE(verdictOf(K::Annotation, 2).errorScore, 1.0f);
        QCOMPARE(verdictOf(K::Annotation, 3).verdict, BoxVerdict::Ignored);
        QCOMPARE(verdictOf(K::Prediction, 0).verdict, BoxVerdict::TruePositive);
        // A wrong box is as bad as the model was sure of it.
        QCOMPARE(verdictOf(K::Prediction, 1).verdict, BoxVerdict::Classification);
        QCOMPARE(verdictOf(K::Prediction, 1).errorScore, 0.95f);
        QCOMPARE(verdictOf(K::Prediction, 2).verdict, BoxVerdict::Overlooked);
        QCOMPARE(verdictOf(K::Prediction, 2).errorScore, 0.8f);
        QCOMPARE(verdictOf(K::Prediction, 4).verdict, BoxVerdict::Ignored);

        QCOMPARE(verdicts.counts()[size_t(BoxVerdict::WrongClass)], 1);
        QCOMPARE(verdicts.counts()[size_t(BoxVerdict::Ignored)], 2);
        QVERIFY(isBoxError(BoxVerdict::Overlooked));
        QVERIFY(!isBoxError(BoxVerdict::Found));
        QCOMPARE(boxVerdictName(BoxVerdict::Background), QStringLiteral("on nothing"));
    }

    void aWeakSuggestionIsNotTheVerdict()
    {
        DetectionSet set = handMadeSet();
        BoxVerdictParams params;
        params.matching.minScore = 0.05;
        params.minIssueScore = 1.01; // no suggestion is strong enough
        const BoxVerdicts verdicts = BoxVerdicts::judge(set, BoxErrors::classify(set, params.matching),
                                                        AnnotationErrors::find(set, {}), params);
        // Object 1 is not found by a box of its class: missed, with its evidence still its score.
        QCOMPARE(verdicts.entries()[1].verdict, BoxVerdict::Missed);
        QCOMPARE(verdicts.entries()[1].errorScore, 1.0f);
        QCOMPARE(verdicts.entries()[6].verdict, BoxVerdict::Background);
    }

    void ordersByScoreOrByType()
    {
        const BoxVerdicts verdicts = judged(handMadeSet());
        const auto everything = [](const BoxVerdicts::Entry &) {
            return true;
        };
        const std::vector<uint32_t> byScore = verdicts.select(BoxVerdicts::Order::ErrorScore, everything);
        QCOMPARE(byScore.size(), size_t(8));
        for (size_t k = 1; k < byScore.size(); ++k)
            QVERIFY(verdicts.entries()[byScore[k - 1]].errorScore >=
                    verdicts.entries()[byScore[k]].errorScore);
        // Ties keep the set's order: the wrong class (annotation 1) before the spurious one.
        QCOMPARE(byScore[0], 1u);
        QCOMPARE(byScore[1], 2u);

        const std::vector<uint32_t> byType = verdicts.select(BoxVerdicts::Order::Type, everything);
        for (size_t k = 1; k < byType.size(); ++k)
            QVERIFY(verdicts.entries()[byType[k - 1]].verdict <= verdicts.entries()[byType[k]].verdict);

        const std::vector<uint32_t> predictions =
            verdicts.select(BoxVerdicts::Order::ErrorScore, [](const BoxVerdicts::Entry &e) {
                return e.kind == BoxVerdicts::Kind::Prediction && isBoxError(e.verdict);
            });
        QCOMPARE(predictions.size(), size_t(2));
        QCOMPARE(verdicts.entries()[predictions[0]].verdict, BoxVerdict::Classification);
    }
};

QTEST_APPLESS_MAIN(TestBoxVerdicts)
#include "tst_boxverdicts.moc"
