// Where a model misses objects, on generated sets with one planted cause each: small objects
// missed far more often than large ones (the size slice comes first, not a class), and one
// camera whose images lose most of their objects (the image's metadata reaches its objects).

#include "common/progress.h"
#include "analysis/slices/objectslices.h"

#include <QtTest>

#include <random>

using namespace loupe;

namespace {

constexpr int kImages = 200;

/**
 * Two objects per image, classes alternating: one small (12 px), one large (48 px). The model
 * finds every large one and a quarter of the small ones, or, on camera "b" (one image in
 * five), a tenth of all.
 */
DetectionSet generated(bool cameraMatters, std::vector<int> &camera)
{
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    DetectionSet set;
    set.images = kImages;
    set.categories = 2;
    camera.assign(kImages, 0);
    for (int image = 0; image < kImages; ++image) {
        camera[size_t(image)] = image % 5 == 0 ? 1 : 0;
        for (int k = 0; k < 2; ++k) {
            const double side = k == 0 ? 12.0 : 48.0;
            const Annotation a{image, (image + k) % 2, {10.0 + 60.0 * k, 10.0, side, side}, 0.0, false};
            set.annotations.push_back(a);
            const double chance =
                cameraMatters ? (camera[size_t(image)] == 1 ? 0.1 : 0.95) : (k == 0 ? 0.25 : 1.0);
            if (unit(rng) < chance)
                set.detections.push_back({image, a.category, a.box, 0.9});
        }
    }
    return set;
}

} // namespace

class TestObjectSlices : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smallObjectsComeFirst()
    {
        std::vector<int> camera;
        const DetectionSet set = generated(false, camera);
        Progress progress;
        const std::vector<Slice> slices =
            ObjectSlices::find(set, BoxErrors::classify(set), {QStringLiteral("cat"), QStringLiteral("dog")},
                               {}, {}, {}, progress);
        QVERIFY(!slices.empty());
        QCOMPARE(slices.front().column, QStringLiteral("object_size"));
        QCOMPARE(slices.front().evaluated, qint64(kImages)); // the small half
        QVERIFY(slices.front().errorRate > 0.6);
        QCOMPARE(slices.front().restErrorRate, 0.0);
        QVERIFY(slices.front().condition.isEmpty());
        // The classes are alike (each half small): no class slice is convincing.
        for (const Slice &slice : slices) {
            QVERIFY(slice.column != QLatin1String("predicted"));
            if (slice.column == QLatin1String("class"))
                QVERIFY2(slice.score <= 0.0, qPrintable(slice.value));
        }
    }

    void imageMetadataReachesItsObjects()
    {
        std::vector<int> camera;
        const DetectionSet set = generated(true, camera);
        SampleMetadataColumn column;
        column.name = QStringLiteral("camera");
        column.type = MetadataColumn::Type::Text;
        column.categories = {QStringLiteral("a"), QStringLiteral("b")};
        column.codes = camera;
        Progress progress;
        const std::vector<Slice> slices =
            ObjectSlices::find(set, BoxErrors::classify(set), {QStringLiteral("cat"), QStringLiteral("dog")},
                               {}, {}, {column}, progress);
        QCOMPARE(slices.front().column, QStringLiteral("camera"));
        QCOMPARE(slices.front().value, QStringLiteral("b"));
        QCOMPARE(slices.front().evaluated, qint64(2 * kImages / 5));
    }
};

QTEST_APPLESS_MAIN(TestObjectSlices)
#include "tst_objectslices.moc"
