// The detection demo at a small size (90 scenes): a COCO folder whose truth.json matches the
// planted counts, scenes whose boxes are tight around bright items, a project with the
// annotations as given, and a cross-fitted detector that finds objects (AP50 well above zero)
// and whose boxes find the planted errors better than the baselines where the demo is big
// enough to tell (the README's figures; here only sanity).

#include "demo/detectiondemo.h"
#include "demo/scenecomposer.h"
#include "demo/slidingwindowdetector.h"
#include "common/progress.h"
#include "report/detectionreport.h"
#include "storage/arraystore.h"
#include "storage/detectionstore.h"
#include "storage/project.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

class TestDetectionDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scenesHaveTightBoxes();
    void suppressionKeepsTheBestOfEachObject();
    void buildsAProjectWithItsKey();
};

void TestDetectionDemo::scenesHaveTightBoxes()
{
    // A bright 28 x 28 square with a dark 4-pixel margin: its box is the bright part, scaled.
    std::vector<uint8_t> item(28 * 28, 0);
    for (int y = 4; y < 24; ++y)
        for (int x = 4; x < 24; ++x)
            item[size_t(y * 28 + x)] = 250;
    SceneParams params;
    params.minItems = params.maxItems = 3;
    params.minItemSide = params.maxItemSide = 28;
    SceneComposer composer(params, 1);
    const Scene scene = composer.compose([&] { return SceneItem{item.data(), 28, 2}; });
    QCOMPARE(scene.width, 96);
    QVERIFY(!scene.objects.empty());
    for (const Annotation &o : scene.objects) {
        QCOMPARE(o.category, 2);
        QCOMPARE(o.box.width, 20.0);
        QCOMPARE(o.box.height, 20.0);
        const auto at = [&](double x, double y) {
            return scene.pixels[size_t(y) * 96 + size_t(x)];
        };
        QCOMPARE(at(o.box.x, o.box.y), uint8_t(250));
        QVERIFY(at(o.box.right() - 1, o.box.bottom() - 1) == 250);
    }
    // The same seed composes the same scene.
    SceneComposer again(params, 1);
    QCOMPARE(again.compose([&] { return SceneItem{item.data(), 28, 2}; }).pixels, scene.pixels);
}

void TestDetectionDemo::suppressionKeepsTheBestOfEachObject()
{
    const auto found = [](int category, Box box, double score) {
        return FoundBox{category, box, score, {}, {}, {}};
    };
    const std::vector<FoundBox> kept = suppressOverlaps(
        {found(0, {0, 0, 20, 20}, 0.9), found(1, {2, 0, 20, 20}, 0.8), // the same object, two classes
         found(0, {5, 5, 8, 8}, 0.7),                                  // a part of it, inside its box
         found(0, {50, 50, 20, 20}, 0.6)},
        0.3, 100, false);
    QCOMPARE(kept.size(), size_t(2));
    QCOMPARE(kept[0].score, 0.9);
    QCOMPARE(kept[1].score, 0.6);
    // Per class, the other class's box on the same object stays.
    QCOMPARE(suppressOverlaps({found(0, {0, 0, 20, 20}, 0.9), found(1, {2, 0, 20, 20}, 0.8)}, 0.3, 100, true)
                 .size(),
             size_t(2));
}

void TestDetectionDemo::buildsAProjectWithItsKey()
{
    QTemporaryDir dir;
    DetectionDemoOptions options;
    options.scenes = 90;
    options.folds = 2;
    options.errors = {0.05, 0.05, 0.05, 0.05};
    Progress progress;
    const DetectionDemoResult result = buildDetectionDemo(dir.path(), options, progress);
    QCOMPARE(result.images, qint64(90));
    QVERIFY(result.objects >= 90);
    QVERIFY(result.predictedBoxes > 0);
    for (const AnnotationIssue issue : {AnnotationIssue::Overlooked, AnnotationIssue::WrongClass,
                                        AnnotationIssue::BadLocation, AnnotationIssue::Spurious})
        QCOMPARE(result.planted[int(issue)], qint64(std::llround(0.05 * double(result.objects))));

    QFile truthFile(dir.filePath(QStringLiteral("dataset/truth.json")));
    QVERIFY(truthFile.open(QIODevice::ReadOnly));
    const QJsonObject truth = QJsonDocument::fromJson(truthFile.readAll()).object();
    QCOMPARE(qint64(truth.value(QStringLiteral("annotation_issues")).toArray().size()), result.annotations);
    QCOMPARE(qint64(truth.value(QStringLiteral("removed_objects")).toArray().size()),
             result.planted[int(AnnotationIssue::Overlooked)]);

    auto project = Project::open(result.projectPath, Project::Access::ReadOnly);
    QCOMPARE(project->task(), ProjectTask::Detection);
    QCOMPARE(project->classNames().size(), 10);
    const DetectionSet set = DetectionStore(project->database()).load(project->latestRunId());
    QCOMPARE(qint64(set.annotations.size()), result.annotations);
    QCOMPARE(qint64(set.detections.size()), result.predictedBoxes);
    QVERIFY(QFile::exists(project->absoluteImagePath(QStringLiteral("scene_00089.png"))));
    // Each box's embedding (the hidden layer on its window) and each scene's, stored with the run.
    const BoxEvidence evidence = DetectionStore(project->database()).boxEvidence(project->latestRunId());
    QCOMPARE(evidence.dimensions, DetectionDemoOptions().detector.model.hiddenUnits);
    QVERIFY(evidence.hasEmbeddings(set.detections.size()));
    const auto sceneRows =
        ArrayStore(project->database()).shape(project->latestRunId(), QStringLiteral("embeddings"));
    QVERIFY(sceneRows && sceneRows->rows == 90 && sceneRows->cols == evidence.dimensions);
    // A detector trained on 45 scenes still finds objects.
    QVERIFY(detectionReportJson(*project).value(QStringLiteral("map50")).toDouble() > 0.02);
}

QTEST_MAIN(TestDetectionDemo)
#include "tst_detectiondemo.moc"
