// Failure clusters over objects, on images the test draws: two kinds of object spread evenly
// over two classes, bright solid squares the model finds and faint striped ones it mostly
// misses. The worst cluster is the faint kind, of both classes, with its misses beyond what
// the classes explain; the crop features tell the kinds apart, and the map of objects puts each
// kind together; a sample caps the work.

#include "analysis/clustering/objectclusters.h"
#include "analysis/maps/objectmap.h"
#include "analysis/quality/objectcropfeatures.h"
#include "common/progress.h"

#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <numeric>
#include <random>

using namespace loupe;

namespace {

constexpr int kImages = 160;

/** Object i is faint when i % 2 == 1; its class is (i / 2) % 2, so each class holds both kinds. */
bool isFaint(qint64 image)
{
    return image % 2 == 1;
}

DetectionSet drawScenes(const QTemporaryDir &dir)
{
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    DetectionSet set;
    set.images = kImages;
    set.categories = 2;
    for (int image = 0; image < kImages; ++image) {
        QImage scene(64, 64, QImage::Format_RGB32);
        scene.fill(QColor(40, 40, 40));
        QPainter painter(&scene);
        const QRect box(12 + image % 7, 14 + image % 5, 24, 24);
        if (isFaint(image)) {
            for (int y = box.top(); y <= box.bottom(); y += 4)
                painter.fillRect(QRect(box.left(), y, box.width(), 2), QColor(58, 58, 58));
        } else {
            painter.fillRect(box, QColor(230, 230, 230));
        }
        painter.end();
        scene.save(dir.filePath(QStringLiteral("%1.png").arg(image)));
        const Annotation a{
            image, (image / 2) % 2, {double(box.x()), double(box.y()), 24.0, 24.0}, 0.0, false};
        set.annotations.push_back(a);
        // Found: nine in ten solid ones, one in five faint ones.
        if (unit(rng) < (isFaint(image) ? 0.2 : 0.9))
            set.detections.push_back({image, a.category, a.box, 0.9});
    }
    return set;
}

/** The mean map distance between two points of a kind (same(a, b)) over that between two of different kinds.
 */
double withinToAcross(const ObjectMap &map, const std::function<bool(size_t, size_t)> &same)
{
    double within = 0.0, across = 0.0;
    qint64 withinPairs = 0, acrossPairs = 0;
    for (size_t a = 0; a < map.objects.size(); ++a) {
        for (size_t b = a + 1; b < map.objects.size(); ++b) {
            const double d = std::hypot(map.xy[2 * a] - map.xy[2 * b], map.xy[2 * a + 1] - map.xy[2 * b + 1]);
            const bool kind = same(a, b);
            (kind ? within : across) += d;
            ++(kind ? withinPairs : acrossPairs);
        }
    }
    return (within / double(withinPairs)) / (across / double(acrossPairs));
}

/**
 * Predicted boxes of two kinds as the model sees them (box embeddings around two centres), spread
 * evenly over two predicted classes: the first kind right nine times in ten, the second on
 * nothing four times in five. Box i is of the second kind when i % 2 == 1.
 */
BoxEvidence boxesOfTwoKinds(DetectionSet &set)
{
    std::mt19937_64 rng(9);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::normal_distribution<float> noise(0.0f, 0.3f);
    BoxEvidence evidence;
    evidence.dimensions = 6;
    set.images = kImages;
    set.categories = 2;
    for (int image = 0; image < kImages; ++image) {
        const bool second = image % 2 == 1;
        const int category = (image / 2) % 2;
        const Box object{10, 10, 20, 20}, elsewhere{40, 40, 16, 16};
        set.annotations.push_back({image, category, object, 0.0, false});
        const bool wrong = unit(rng) < (second ? 0.8 : 0.1);
        set.detections.push_back({image, category, wrong ? elsewhere : object, 0.9});
        for (int k = 0; k < evidence.dimensions; ++k)
            evidence.embeddings.push_back((k == (second ? 1 : 0) ? 2.0f : 0.0f) + noise(rng));
    }
    return evidence;
}

} // namespace

class TestObjectClusters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void faintObjectsFormTheWorstCluster()
    {
        QTemporaryDir dir;
        const DetectionSet set = drawScenes(dir);
        const auto path = [&dir](qint64 image) {
            return dir.filePath(QStringLiteral("%1.png").arg(image));
        };
        Progress progress;
        ObjectClusterParams params;
        params.k = 4;
        const ObjectClusters found =
            ObjectClusters::find(set, BoxErrors::classify(set), path, progress, params);
        QCOMPARE(found.total, qint64(kImages));
        QCOMPARE(found.clustered, qint64(kImages));
        QCOMPARE(found.unreadable, qint64(0));
        QVERIFY(!found.clusters.empty());
        const ObjectCluster &worst = found.clusters.front();
        QVERIFY2(worst.stats.errorRate > 0.6, qPrintable(QString::number(worst.stats.errorRate)));
        QVERIFY(worst.stats.severity > 0.0);
        QVERIFY(worst.meanBrightness < 0.3);
        // Both classes are in it: the pattern cuts across classes.
        QVERIFY(worst.stats.dominantLabelShare < 0.8);
        QVERIFY(!worst.examples.empty());
        for (const qint64 g : worst.examples)
            QVERIFY(isFaint(set.annotations[size_t(g)].image));
        QVERIFY(ObjectClusters::describe(worst, {QStringLiteral("cat"), QStringLiteral("dog")})
                    .contains(QStringLiteral("missed")));
    }

    void featuresTellTheKindsApart()
    {
        QTemporaryDir dir;
        const DetectionSet set = drawScenes(dir);
        Progress progress;
        qint64 unreadable = -1;
        const std::vector<float> features = objectCropFeatures(
            set, {0, 1, 2},
            [&dir](qint64 image) { return dir.filePath(QStringLiteral("%1.png").arg(image)); }, progress,
            &unreadable);
        QCOMPARE(features.size(), size_t(3 * kObjectFeatureCols));
        QCOMPARE(unreadable, qint64(0));
        // Brightness: solid squares bright, faint stripes dark; size: 24 px.
        QVERIFY(features[64] > 0.8f);
        QVERIFY(features[kObjectFeatureCols + 64] < 0.3f);
        QVERIFY(std::abs(std::exp2(double(features[66]) * 8.0) - 24.0) < 1e-3);
        // A missing image leaves its object's row at zero, counted.
        const std::vector<float> missing = objectCropFeatures(
            set, {0}, [](qint64) { return QStringLiteral("/nonexistent.png"); }, progress, &unreadable);
        QCOMPARE(unreadable, qint64(1));
        QCOMPARE(missing[64], 0.0f);
    }

    void theMapPutsLikeObjectsTogether()
    {
        QTemporaryDir dir;
        const DetectionSet set = drawScenes(dir);
        Progress progress;
        const ObjectMap map = ObjectMap::compute(
            set, [&dir](qint64 image) { return dir.filePath(QStringLiteral("%1.png").arg(image)); },
            progress);
        QCOMPARE(map.total, qint64(kImages));
        QCOMPARE(map.xy.size(), size_t(2 * kImages));
        // The mean distance between two faint objects, or two solid ones, is far below that across kinds.
        const double ratio = withinToAcross(map, [&](size_t a, size_t b) {
            return isFaint(set.annotations[size_t(map.objects[a])].image) ==
                   isFaint(set.annotations[size_t(map.objects[b])].image);
        });
        QVERIFY2(ratio < 0.5, qPrintable(QString::number(ratio)));
    }

    void falseBoxesGatherByTheirEmbeddings()
    {
        DetectionSet set;
        const BoxEvidence evidence = boxesOfTwoKinds(set);
        const BoxErrors errors = BoxErrors::classify(set);
        Progress progress;
        ObjectClusterParams params;
        params.k = 4;
        const ObjectClusters found =
            ObjectClusters::ofPredictedBoxes(set, errors, evidence, progress, params);
        QCOMPARE(found.items, ClusteredItems::PredictedBoxes);
        QCOMPARE(found.total, qint64(kImages));
        QCOMPARE(found.clustered, qint64(kImages));
        const ObjectCluster &worst = found.clusters.front();
        QVERIFY2(worst.stats.errorRate > 0.6, qPrintable(QString::number(worst.stats.errorRate)));
        QVERIFY(worst.stats.severity > 0.0);
        QVERIFY(worst.stats.dominantLabelShare < 0.8); // of both classes
        QCOMPARE(worst.commonError, BoxError::Background);
        QVERIFY(!worst.examples.empty());
        for (const qint64 d : worst.examples) {
            QVERIFY(set.detections[size_t(d)].image % 2 == 1);
            QVERIFY(errors.detections[size_t(d)].error != BoxError::None);
        }
        QVERIFY(ObjectClusters::describeBoxes(worst, {QStringLiteral("cat"), QStringLiteral("dog")})
                    .contains(QStringLiteral("of the wrong ones on nothing")));

        // Without embeddings there is nothing to group.
        QCOMPARE(ObjectClusters::ofPredictedBoxes(set, errors, {}, progress).clustered, qint64(0));
    }

    void imagesWithMissesGatherByTheirEmbeddings()
    {
        // Images of two kinds (embeddings around two centres) over two classes: in the second kind the
        // model misses the object four times in five, in the first once in ten.
        DetectionSet set;
        const BoxEvidence evidence = boxesOfTwoKinds(set);
        set.detections.clear();
        std::mt19937_64 rng(13);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        for (const Annotation &a : set.annotations) {
            if (unit(rng) >= (a.image % 2 == 1 ? 0.8 : 0.1))
                set.detections.push_back({a.image, a.category, a.box, 0.9});
        }
        Progress progress;
        ObjectClusterParams params;
        params.k = 4;
        const ObjectClusters found = ObjectClusters::ofImages(
            set, BoxErrors::classify(set), evidence.embeddings, evidence.dimensions, progress, params);
        QCOMPARE(found.items, ClusteredItems::Images);
        QCOMPARE(found.clustered, qint64(kImages));
        const ObjectCluster &worst = found.clusters.front();
        QVERIFY2(worst.stats.errorRate > 0.6, qPrintable(QString::number(worst.stats.errorRate)));
        QVERIFY(worst.stats.dominantLabelShare < 0.8); // of both classes
        for (const qint64 image : worst.examples)
            QVERIFY(image % 2 == 1);
        QVERIFY(ObjectClusters::describeImages(worst, {QStringLiteral("cat"), QStringLiteral("dog")})
                    .contains(QStringLiteral("with a missed object")));
        // Embeddings that are not one row per image group nothing.
        QCOMPARE(ObjectClusters::ofImages(set, BoxErrors::classify(set), {1.0f, 2.0f}, 1, progress).clustered,
                 qint64(0));
    }

    void theMapOfEmbeddingsKeepsKindsApartAndSamples()
    {
        DetectionSet set;
        const BoxEvidence evidence = boxesOfTwoKinds(set);
        std::vector<qint64> rows(static_cast<size_t>(kImages));
        std::iota(rows.begin(), rows.end(), 0);
        Progress progress;
        const ObjectMap map =
            ObjectMap::fromEmbeddings(evidence.embeddings, evidence.dimensions, rows, progress);
        QCOMPARE(map.objects, rows);
        const double ratio = withinToAcross(map, [](size_t a, size_t b) { return a % 2 == b % 2; });
        QVERIFY2(ratio < 0.5, qPrintable(QString::number(ratio)));

        ObjectMapParams params;
        params.maxObjects = 30;
        const ObjectMap sampled =
            ObjectMap::fromEmbeddings(evidence.embeddings, evidence.dimensions, rows, progress, params);
        QCOMPARE(sampled.total, qint64(kImages));
        QCOMPARE(sampled.objects.size(), size_t(30));
        QVERIFY(std::is_sorted(sampled.objects.begin(), sampled.objects.end()));
        QCOMPARE(sampled.xy.size(), size_t(60));
    }

    void aSampleCapsTheWork()
    {
        QTemporaryDir dir;
        const DetectionSet set = drawScenes(dir);
        Progress progress;
        ObjectClusterParams params;
        params.maxObjects = 50;
        const ObjectClusters found = ObjectClusters::find(
            set, BoxErrors::classify(set),
            [&dir](qint64 image) { return dir.filePath(QStringLiteral("%1.png").arg(image)); }, progress,
            params);
        QCOMPARE(found.clustered, qint64(50));
        // 50 objects: the smallest k (4); clusters left empty (identical crops) are not listed.
        QVERIFY(!found.clusters.empty() && found.clusters.size() <= 4);
        qint64 members = 0;
        for (const ObjectCluster &cluster : found.clusters)
            members += cluster.stats.size;
        QCOMPARE(members, qint64(50));
    }
};

QTEST_APPLESS_MAIN(TestObjectClusters)
#include "tst_objectclusters.moc"
