// Detection metrics on cases small enough to compute by hand: COCO AP (a perfect set, a
// false positive above a true one, IoU exactly at and just under a threshold, crowd
// regions, empty images, sizes), TIDE's error types and the confusion matrix with background.

#include "common/error.h"
#include "detection/boxerrors.h"
#include "detection/cocoevaluation.h"
#include "detection/detectionconfusion.h"

#include <QtTest>

#include <cmath>

using namespace loupe;

namespace {

Annotation object(qint64 image, int category, Box box, bool crowd = false)
{
    return {image, category, box, 0.0, crowd};
}

Detection box(qint64 image, int category, Box b, double score)
{
    return {image, category, b, score};
}

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-12;
}

} // namespace

class TestDetectionMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void iouOfBoxesAndCrowds();
    void linspaceMatchesNumpy();
    void perfectDetectionsScoreOne();
    void falsePositiveAboveTrueOneHalvesPrecision();
    void iouAtThresholdCountsJustUnderDoesNot();
    void crowdRegionsAreNeitherRightNorWrong();
    void emptyImagesAndImagesWithoutObjects();
    void sizesAreEvaluatedApart();
    void lowerScoredDuplicateIsAFalsePositive();
    void rejectsUnknownCategoriesAndNaNScores();
    void errorTypes();
    void missedOnlyWhenNoErrorExplainsIt();
    void confusionWithBackground();
};

void TestDetectionMetrics::iouOfBoxesAndCrowds()
{
    const Box a{0, 0, 10, 10}, b{5, 0, 10, 10};
    QVERIFY(near(iou(a, b), 50.0 / 150.0));
    QVERIFY(near(iou(a, Box{20, 20, 5, 5}), 0.0));
    // Against a crowd region, only the detection's own area counts.
    QVERIFY(near(iou(Box{10, 10, 20, 20}, Box{0, 0, 100, 100}, true), 1.0));
    QVERIFY(near(iou(Box{90, 0, 20, 10}, Box{0, 0, 100, 100}, true), 0.5));
    QVERIFY(near(iou(Box{0, 0, 0, 10}, a), 0.0)); // a degenerate box finds nothing
}

void TestDetectionMetrics::linspaceMatchesNumpy()
{
    const std::vector<double> recall = linspace(0.0, 1.0, 101);
    QCOMPARE(recall.size(), size_t(101));
    QCOMPARE(recall[7], 7 * 0.01); // numpy: arange * step + start, not 7 / 100
    QCOMPARE(recall.back(), 1.0);
    const std::vector<double> thresholds = linspace(0.5, 0.95, 10);
    QCOMPARE(thresholds.front(), 0.5);
    QCOMPARE(thresholds.back(), 0.95);
}

void TestDetectionMetrics::perfectDetectionsScoreOne()
{
    DetectionSet set;
    set.images = 3;
    set.categories = 2;
    set.annotations = {object(0, 0, {0, 0, 50, 50}), object(0, 1, {60, 60, 20, 30}),
                       object(1, 1, {10, 10, 40, 40}), object(2, 0, {5, 5, 200, 100})};
    for (const Annotation &a : set.annotations)
        set.detections.push_back(box(a.image, a.category, a.box, 0.9));
    const CocoEvaluation eval = CocoEvaluation::compute(set);
    QCOMPARE(eval.map, 1.0);
    QCOMPARE(eval.map50, 1.0);
    QCOMPARE(eval.map75, 1.0);
    QCOMPARE(eval.perCategory.size(), size_t(2));
    QCOMPARE(eval.perCategory[1].annotations, qint64(2));
    QCOMPARE(eval.perCategory[0].recallAt50, 1.0);
    QCOMPARE(eval.perCategory[0].precisionAt50.size(), size_t(101));
    QCOMPARE(eval.perCategory[0].precisionAt50.back(), 1.0);
}

void TestDetectionMetrics::falsePositiveAboveTrueOneHalvesPrecision()
{
    // Ranked: a box on nothing (0.9), then the exact box (0.8). Precision 0, then 1/2 at
    // recall 1; made non-increasing from the end, it is 1/2 at every recall point.
    DetectionSet set;
    set.images = 1;
    set.categories = 1;
    set.annotations = {object(0, 0, {0, 0, 10, 10})};
    set.detections = {box(0, 0, {50, 50, 10, 10}, 0.9), box(0, 0, {0, 0, 10, 10}, 0.8)};
    const CocoEvaluation eval = CocoEvaluation::compute(set);
    QVERIFY(near(eval.map, 0.5));
    QVERIFY(near(eval.map50, 0.5));
    for (const double p : eval.perCategory[0].precisionAt50)
        QVERIFY(near(p, 0.5));

    // The other way round: the true one first gives precision 1 up to recall 1.
    std::swap(set.detections[0].score, set.detections[1].score);
    QCOMPARE(CocoEvaluation::compute(set).map, 1.0);
}

void TestDetectionMetrics::iouAtThresholdCountsJustUnderDoesNot()
{
    DetectionSet set;
    set.images = 1;
    set.categories = 1;
    set.annotations = {object(0, 0, {0, 0, 10, 10})};
    set.detections = {box(0, 0, {0, 0, 10, 5}, 0.9)}; // IoU exactly 0.5
    CocoEvaluation eval = CocoEvaluation::compute(set);
    QCOMPARE(eval.map50, 1.0);
    QCOMPARE(eval.map75, 0.0);
    QVERIFY(near(eval.map, 0.1)); // found at 1 of the 10 thresholds

    set.detections = {box(0, 0, {0, 0, 10, 4.99}, 0.9)}; // IoU 0.499
    eval = CocoEvaluation::compute(set);
    QCOMPARE(eval.map50, 0.0);
    QCOMPARE(eval.map, 0.0);

    set.detections = {box(0, 0, {0, 0, 10, 8}, 0.9)}; // IoU 0.8: 0.50 to 0.80 (7 of 10)
    QVERIFY(near(CocoEvaluation::compute(set).map, 0.7));
}

void TestDetectionMetrics::crowdRegionsAreNeitherRightNorWrong()
{
    // Three boxes in a crowd region score above the one true box: ignored, AP stays 1.
    DetectionSet set;
    set.images = 1;
    set.categories = 1;
    set.annotations = {object(0, 0, {0, 0, 100, 100}, true), object(0, 0, {200, 200, 10, 10})};
    set.detections = {box(0, 0, {10, 10, 20, 20}, 0.9), box(0, 0, {40, 40, 20, 20}, 0.8),
                      box(0, 0, {70, 10, 20, 20}, 0.7), box(0, 0, {200, 200, 10, 10}, 0.6)};
    CocoEvaluation eval = CocoEvaluation::compute(set);
    QCOMPARE(eval.map, 1.0);
    QCOMPARE(eval.perCategory[0].annotations, qint64(1)); // the crowd is not an object to find

    // Not a crowd: one object found by the first box, two false positives, one miss.
    set.annotations[0].crowd = false;
    eval = CocoEvaluation::compute(set);
    QVERIFY(eval.map < 1.0);
    QCOMPARE(eval.perCategory[0].annotations, qint64(2));
}

void TestDetectionMetrics::emptyImagesAndImagesWithoutObjects()
{
    DetectionSet set;
    set.images = 4;
    set.categories = 2;
    set.annotations = {object(0, 0, {0, 0, 10, 10})};
    set.detections = {box(0, 0, {0, 0, 10, 10}, 0.5)};
    // Image 1 and 2 are empty; image 3 has no object but a confident box of category 0.
    QCOMPARE(CocoEvaluation::compute(set).map, 1.0);
    set.detections.push_back(box(3, 0, {0, 0, 10, 10}, 0.9));
    const CocoEvaluation eval = CocoEvaluation::compute(set);
    QVERIFY(near(eval.map, 0.5));
    // Category 1 has nothing to find: left out of the mean, not counted as 0.
    QVERIFY(std::isnan(eval.perCategory[1].ap));
}

void TestDetectionMetrics::sizesAreEvaluatedApart()
{
    // A small object (10 x 10) found, a large one (100 x 100) missed; nothing medium.
    DetectionSet set;
    set.images = 1;
    set.categories = 1;
    set.annotations = {object(0, 0, {0, 0, 10, 10}), object(0, 0, {100, 100, 100, 100})};
    set.detections = {box(0, 0, {0, 0, 10, 10}, 0.9)};
    const CocoEvaluation eval = CocoEvaluation::compute(set);
    QCOMPARE(eval.mapBySize[int(AreaRange::Small)], 1.0);
    QCOMPARE(eval.mapBySize[int(AreaRange::Large)], 0.0);
    QVERIFY(std::isnan(eval.mapBySize[int(AreaRange::Medium)]));
    // All sizes: precision 1 up to recall 0.5, then nothing: 51 of 101 points.
    QVERIFY(near(eval.map, 51.0 / 101.0));
}

void TestDetectionMetrics::lowerScoredDuplicateIsAFalsePositive()
{
    DetectionSet set;
    set.images = 1;
    set.categories = 1;
    set.annotations = {object(0, 0, {0, 0, 10, 10})};
    set.detections = {box(0, 0, {0, 0, 10, 10}, 0.9), box(0, 0, {0, 0, 10, 9}, 0.8)};
    // The first takes the object; the second is a false positive after recall 1: AP 1.
    QCOMPARE(CocoEvaluation::compute(set).map50, 1.0);
    // Scored the other way, the worse box takes it at 0.50 (IoU 0.9) and both count as found there.
    std::swap(set.detections[0].score, set.detections[1].score);
    QCOMPARE(CocoEvaluation::compute(set).map50, 1.0);
}

void TestDetectionMetrics::rejectsUnknownCategoriesAndNaNScores()
{
    DetectionSet set;
    set.images = 1;
    set.categories = 1;
    set.annotations = {object(0, 3, {0, 0, 10, 10})};
    QVERIFY_THROWS_EXCEPTION(Error, CocoEvaluation::compute(set));
    set.annotations = {object(0, 0, {0, 0, 10, 10})};
    set.detections = {box(0, 0, {0, 0, 10, 10}, std::nan(""))};
    QVERIFY_THROWS_EXCEPTION(Error, CocoEvaluation::compute(set));
}

void TestDetectionMetrics::errorTypes()
{
    // Objects: a cat at (0,0) and a dog at (100,0), both 10 x 10.
    DetectionSet set;
    set.images = 1;
    set.categories = 2;
    set.annotations = {object(0, 0, {0, 0, 10, 10}), object(0, 1, {100, 0, 10, 10})};
    set.detections = {
        box(0, 0, {0, 0, 10, 10}, 0.95),   // 0: true positive
        box(0, 0, {0, 0, 10, 9}, 0.90),    // 1: the cat again: duplicate
        box(0, 0, {100, 0, 10, 10}, 0.85), // 2: "cat" on the dog: classification
        box(0, 1, {103, 0, 10, 10},
            0.60), // 3: dog box, but the dog... was not yet taken: true positive (IoU 0.538)
        box(0, 0, {6, 0, 10, 10}, 0.50),   // 4: on the cat, IoU 4/16 = 0.25: localization
        box(0, 1, {6, 0, 10, 10}, 0.40),   // 5: "dog" half off the cat: both
        box(0, 1, {300, 300, 5, 5}, 0.30), // 6: on nothing: background
        box(0, 1, {0, 0, 10, 10}, 0.01),   // 7: below the score threshold
    };
    BoxErrorParams params;
    params.minScore = 0.05;
    const BoxErrors errors = BoxErrors::classify(set, params);
    const auto type = [&](int d) {
        return errors.detections[size_t(d)].error;
    };
    QCOMPARE(type(0), BoxError::None);
    QCOMPARE(type(1), BoxError::Duplicate);
    QCOMPARE(type(2), BoxError::Classification);
    QCOMPARE(errors.detections[2].annotation, qint64(1));
    QCOMPARE(type(3), BoxError::None);
    QCOMPARE(type(4), BoxError::Localization);
    QVERIFY(near(errors.detections[4].iou, 40.0 / 160.0));
    QCOMPARE(type(5), BoxError::Both);
    QCOMPARE(type(6), BoxError::Background);
    QCOMPARE(errors.detections[6].annotation, qint64(-1));
    QVERIFY(!errors.detections[7].evaluated);
    QCOMPARE(errors.counts[int(BoxError::None)], qint64(2));
    QCOMPARE(errors.counts[int(BoxError::Background)], qint64(1));
    QCOMPARE(errors.annotations[0].detection, qint64(0));
    QCOMPARE(errors.annotations[1].detection, qint64(3));
    QCOMPARE(errors.missed, qint64(0));
    QCOMPARE(boxErrorName(BoxError::Both), QStringLiteral("both"));
}

void TestDetectionMetrics::missedOnlyWhenNoErrorExplainsIt()
{
    DetectionSet set;
    set.images = 2;
    set.categories = 2;
    set.annotations = {object(0, 0, {0, 0, 10, 10}), object(1, 0, {0, 0, 10, 10}),
                       object(1, 0, {50, 50, 10, 10}, true)};
    // Image 0's object is boxed as the other class: a classification error, not a miss.
    set.detections = {box(0, 1, {0, 0, 10, 10}, 0.9), box(1, 0, {52, 52, 5, 5}, 0.8)};
    const BoxErrors errors = BoxErrors::classify(set);
    QVERIFY(!errors.annotations[0].missed);
    QVERIFY(errors.annotations[1].missed);  // nothing near it
    QVERIFY(!errors.annotations[2].missed); // a crowd is never missed
    QCOMPARE(errors.detections[1].error, BoxError::Crowd);
    QCOMPARE(errors.missed, qint64(1));
}

void TestDetectionMetrics::confusionWithBackground()
{
    DetectionSet set;
    set.images = 2;
    set.categories = 2;
    set.annotations = {object(0, 0, {0, 0, 10, 10}), object(0, 1, {100, 0, 10, 10}),
                       object(1, 1, {0, 0, 10, 10}), object(1, 0, {50, 50, 10, 10})};
    set.detections = {
        box(0, 0, {0, 0, 10, 10}, 0.9),   // cat found as cat
        box(0, 0, {100, 0, 10, 10}, 0.8), // dog taken for a cat
        box(0, 1, {300, 0, 10, 10}, 0.7), // a dog on nothing
        box(1, 1, {0, 0, 10, 10}, 0.6),   // dog found
        box(1, 1, {0, 0, 10, 9}, 0.5),    // a second box on the same dog: on nothing left
        box(1, 0, {50, 50, 10, 10}, 0.1), // under the threshold: the cat at (50, 50) is missed
    };
    const DetectionConfusion confusion = DetectionConfusion::compute(set);
    const int background = 2;
    QCOMPARE(confusion.at(0, 0), qint64(1));
    QCOMPARE(confusion.at(1, 0), qint64(1));
    QCOMPARE(confusion.at(1, 1), qint64(1));
    QCOMPARE(confusion.at(background, 1), qint64(2));
    QCOMPARE(confusion.at(0, background), qint64(1));
    qint64 total = 0;
    for (const qint64 c : confusion.counts)
        total += c;
    QCOMPARE(total, qint64(6)); // 3 pairs, 2 boxes on nothing, 1 miss
}

QTEST_MAIN(TestDetectionMetrics)
#include "tst_detectionmetrics.moc"
