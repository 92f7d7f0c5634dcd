#include "demo/detectiondemo.h"

#include "demo/slidingwindowdetector.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/idxreader.h"
#include "formats/npyfile.h"
#include "import/datasetimport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <numeric>
#include <random>

namespace loupe {

namespace {

constexpr int kItemSide = 28;

QStringList categoryNames()
{
    return {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"),
            QStringLiteral("Dress"),       QStringLiteral("Coat"),    QStringLiteral("Sandal"),
            QStringLiteral("Shirt"),       QStringLiteral("Sneaker"), QStringLiteral("Bag"),
            QStringLiteral("Ankle boot")};
}

/** The Fashion-MNIST training images and labels: the items scenes are made of. */
struct Items
{
    IdxArray images, labels;
};

Items readItems(const QString &folder)
{
    const QDir dir(folder);
    Items items{readIdxFile(dir.filePath(QStringLiteral("train-images-idx3-ubyte.gz"))),
                readIdxFile(dir.filePath(QStringLiteral("train-labels-idx1-ubyte.gz")))};
    if (items.images.dims.size() != 3 || items.images.dims[1] != kItemSide ||
        items.images.dims[2] != kItemSide || items.labels.dims.at(0) != items.images.dims[0])
        throw Error(QStringLiteral("%1: expected Fashion-MNIST's 28 x 28 training images and their labels")
                        .arg(folder));
    return items;
}

std::vector<Scene> composeScenes(const Items &items, const DetectionDemoOptions &options)
{
    SceneComposer composer(options.scene, options.seed);
    const int count = items.images.dims[0];
    std::vector<Scene> scenes;
    scenes.reserve(size_t(options.scenes));
    for (int s = 0; s < options.scenes; ++s) {
        scenes.push_back(composer.compose([&] {
            const int i = composer.uniformInt(0, count - 1);
            return SceneItem{items.images.data.data() + size_t(i) * kItemSide * kItemSide, kItemSide,
                             int(items.labels.data[size_t(i)])};
        }));
        for (Annotation &o : scenes.back().objects)
            o.image = s;
    }
    return scenes;
}

/** What the detectors said about each scene: its boxes, and the scene as one vector. */
struct SceneDetections
{
    std::vector<std::vector<FoundBox>> boxes;
    std::vector<std::vector<float>> descriptions;
};

/** The scenes of each fold, and their annotations as given: what a detector trains on. */
struct TrainingScenes
{
    std::vector<const Scene *> scenes;
    std::vector<std::vector<Annotation>> annotations;
};

/** The scenes whose fold is not skipFold (-1: every scene). */
TrainingScenes trainingScenes(const std::vector<Scene> &scenes,
                              const std::vector<std::vector<Annotation>> &given, const std::vector<int> &fold,
                              int skipFold)
{
    TrainingScenes training;
    for (size_t s = 0; s < scenes.size(); ++s) {
        if (fold[s] != skipFold) {
            training.scenes.push_back(&scenes[s]);
            training.annotations.push_back(given[s]);
        }
    }
    return training;
}

/**
 * Each scene's boxes from a detector trained on the other folds' scenes and their given
 * annotations; the embeddings (of the boxes and the scenes) from one more detector trained on
 * every scene. The classification demo does the same (crossvalidation.cpp): three fold models
 * have three unrelated hidden spaces, and the neighbours, maps and clusters need one. The
 * probabilities, which judge the annotations, stay out of fold.
 */
SceneDetections crossFittedBoxes(const std::vector<Scene> &scenes, const std::vector<Annotation> &given,
                                 const DetectionDemoOptions &options, Progress &progress)
{
    std::vector<int> fold(scenes.size());
    std::iota(fold.begin(), fold.end(), 0);
    std::shuffle(fold.begin(), fold.end(), std::mt19937_64(options.seed ^ 0xf01dull));
    for (size_t i = 0; i < fold.size(); ++i)
        fold[i] %= options.folds;
    std::vector<std::vector<Annotation>> annotationsOf(scenes.size());
    for (const Annotation &a : given)
        annotationsOf[size_t(a.image)].push_back(a);

    SceneDetections found;
    found.boxes.resize(scenes.size());
    found.descriptions.resize(scenes.size());
    const auto n = qint64(scenes.size());
    for (int f = 0; f <= options.folds; ++f) {
        const bool embedder = f == options.folds;
        progress.setStep(
            embedder ? QStringLiteral("Training the embedding detector on every scene")
                     : QStringLiteral("Training the detector, fold %1 of %2").arg(f + 1).arg(options.folds));
        DetectorParams params = options.detector;
        params.model.seed = options.detector.model.seed + uint64_t(f);
        SlidingWindowDetector detector(int(categoryNames().size()), params);
        const TrainingScenes training = trainingScenes(scenes, annotationsOf, fold, embedder ? -1 : f);
        detector.fit(training.scenes, training.annotations, progress);
        progress.setStep(embedder ? QStringLiteral("Embedding the boxes and scenes")
                                  : QStringLiteral("Detecting, fold %1 of %2").arg(f + 1).arg(options.folds));
#pragma omp parallel for schedule(dynamic, 8)
        for (qint64 s = 0; s < n; ++s) {
            if (progress.isCancelled())
                continue;
            if (embedder) {
                detector.embed(scenes[size_t(s)], found.boxes[size_t(s)]);
                found.descriptions[size_t(s)] = detector.describe(scenes[size_t(s)]);
            } else if (fold[size_t(s)] == f) {
                found.boxes[size_t(s)] = detector.detect(scenes[size_t(s)]);
            }
        }
        progress.throwIfCancelled();
    }
    return found;
}

QString sceneFile(qint64 s)
{
    return QStringLiteral("scene_%1.png").arg(s, 5, 10, QLatin1Char('0'));
}

void writeScenes(const QDir &dataset, const std::vector<Scene> &scenes)
{
    dataset.mkpath(QStringLiteral("images"));
    for (size_t s = 0; s < scenes.size(); ++s) {
        const Scene &scene = scenes[s];
        const cv::Mat mat(scene.height, scene.width, CV_8UC1, const_cast<uint8_t *>(scene.pixels.data()));
        const QString path = dataset.filePath(QStringLiteral("images/") + sceneFile(qint64(s)));
        if (!cv::imwrite(QFile::encodeName(path).toStdString(), mat))
            throw Error(QStringLiteral("%1: cannot write the demo scene").arg(path));
    }
}

QJsonArray boxJson(const Box &box)
{
    return {box.x, box.y, box.width, box.height};
}

void writeJson(const QString &path, const QJsonDocument &document)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(document.toJson(QJsonDocument::Compact)) < 0)
        throw Error(QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString()));
}

/** annotations.json: the scenes and the annotations as given (errors included), ids from 1. */
void writeAnnotations(const QDir &dataset, const std::vector<Scene> &scenes,
                      const std::vector<Annotation> &given)
{
    QJsonArray images, annotations, categories;
    for (size_t s = 0; s < scenes.size(); ++s)
        images.append(QJsonObject{{QStringLiteral("id"), qint64(s) + 1},
                                  {QStringLiteral("file_name"), sceneFile(qint64(s))},
                                  {QStringLiteral("width"), scenes[s].width},
                                  {QStringLiteral("height"), scenes[s].height}});
    for (size_t g = 0; g < given.size(); ++g)
        annotations.append(QJsonObject{{QStringLiteral("id"), qint64(g) + 1},
                                       {QStringLiteral("image_id"), given[g].image + 1},
                                       {QStringLiteral("category_id"), given[g].category + 1},
                                       {QStringLiteral("bbox"), boxJson(given[g].box)},
                                       {QStringLiteral("area"), given[g].box.area()},
                                       {QStringLiteral("iscrowd"), 0}});
    const QStringList names = categoryNames();
    for (int c = 0; c < names.size(); ++c)
        categories.append(QJsonObject{{QStringLiteral("id"), c + 1}, {QStringLiteral("name"), names[c]}});
    writeJson(dataset.filePath(QStringLiteral("annotations.json")),
              QJsonDocument(QJsonObject{{QStringLiteral("images"), images},
                                        {QStringLiteral("annotations"), annotations},
                                        {QStringLiteral("categories"), categories}}));
}

/** Rows of equal length as one row-major .npy file. */
void writeRows(const QString &path, const std::vector<const std::vector<float> *> &rows)
{
    const qint64 cols = rows.empty() ? 0 : qint64(rows.front()->size());
    std::vector<float> data;
    data.reserve(size_t(qint64(rows.size()) * cols));
    for (const std::vector<float> *row : rows)
        data.insert(data.end(), row->begin(), row->end());
    writeNpy(path, data.data(), qint64(rows.size()), cols);
}

/**
 * predictions.json (each box with its class probabilities and the row of its embedding),
 * box_embeddings.npy, and embeddings.npy (one row per scene).
 */
qint64 writePredictions(const QDir &dataset, const SceneDetections &found)
{
    QJsonArray results;
    std::vector<const std::vector<float> *> boxEmbeddings, sceneEmbeddings;
    for (size_t s = 0; s < found.boxes.size(); ++s) {
        for (const FoundBox &box : found.boxes[s]) {
            QJsonArray probabilities;
            for (const float p : box.probabilities)
                probabilities.append(double(p));
            results.append(QJsonObject{{QStringLiteral("image_id"), qint64(s) + 1},
                                       {QStringLiteral("category_id"), box.category + 1},
                                       {QStringLiteral("bbox"), boxJson(box.box)},
                                       {QStringLiteral("score"), box.score},
                                       {QStringLiteral("probabilities"), probabilities},
                                       {QStringLiteral("embedding"), qint64(boxEmbeddings.size())}});
            boxEmbeddings.push_back(&box.embedding);
        }
        sceneEmbeddings.push_back(&found.descriptions[s]);
    }
    writeJson(dataset.filePath(QStringLiteral("predictions.json")), QJsonDocument(results));
    if (!boxEmbeddings.empty())
        writeRows(dataset.filePath(QStringLiteral("box_embeddings.npy")), boxEmbeddings);
    writeRows(dataset.filePath(QStringLiteral("embeddings.npy")), sceneEmbeddings);
    return results.size();
}

/**
 * truth.json, the answer key: per annotation id its planted error ("none" for most), and the
 * objects removed from the annotations (the overlooked ones) with their true class and box.
 */
void writeTruth(const QDir &dataset, const AnnotationErrorPlanting &planted)
{
    QJsonArray issues, removed;
    for (const AnnotationIssue issue : planted.key.annotations)
        issues.append(annotationIssueName(issue));
    for (const Annotation &a : planted.key.removed)
        removed.append(QJsonObject{{QStringLiteral("image_id"), a.image + 1},
                                   {QStringLiteral("category_id"), a.category + 1},
                                   {QStringLiteral("bbox"), boxJson(a.box)}});
    writeJson(dataset.filePath(QStringLiteral("truth.json")),
              QJsonDocument(QJsonObject{{QStringLiteral("annotation_issues"), issues},
                                        {QStringLiteral("removed_objects"), removed}}));
}

} // namespace

DetectionDemoResult buildDetectionDemo(const QString &directory, const DetectionDemoOptions &options,
                                       Progress &progress)
{
    if (options.scenes < options.folds || options.folds < 2)
        throw Error(QStringLiteral("detection demo: need at least 2 folds and a scene per fold"));
    const QDir root(QFileInfo(directory).absoluteFilePath());
    DetectionDemoResult result;
    result.datasetFolder = root.filePath(QStringLiteral("dataset"));
    result.projectPath = root.filePath(QStringLiteral("detection.loupe"));
    if (QFileInfo::exists(result.projectPath) && !options.overwrite)
        throw Error(QStringLiteral("%1 exists (use --force to replace it)").arg(result.projectPath));

    progress.setStep(QStringLiteral("Composing %1 scenes").arg(options.scenes));
    const std::vector<Scene> scenes = composeScenes(readItems(options.sourceFolder), options);
    std::vector<Annotation> truth;
    std::vector<QSize> sizes;
    for (const Scene &scene : scenes) {
        truth.insert(truth.end(), scene.objects.begin(), scene.objects.end());
        sizes.emplace_back(scene.width, scene.height);
    }
    const AnnotationErrorPlanting planted = AnnotationErrorPlanting::plant(
        truth, sizes, int(categoryNames().size()), options.errors, options.seed ^ 0xe7707ull);
    const SceneDetections found = crossFittedBoxes(scenes, planted.annotations, options, progress);

    progress.setStep(QStringLiteral("Writing the COCO folder"));
    QDir(result.datasetFolder).removeRecursively();
    const QDir dataset(result.datasetFolder);
    root.mkpath(QStringLiteral("dataset"));
    writeScenes(dataset, scenes);
    writeAnnotations(dataset, scenes, planted.annotations);
    result.predictedBoxes = writePredictions(dataset, found);
    writeTruth(dataset, planted);

    ImportOptions importOptions;
    importOptions.overwrite = true;
    importDataset(result.datasetFolder, result.projectPath, importOptions, progress);

    result.images = qint64(scenes.size());
    result.objects = qint64(truth.size());
    result.annotations = qint64(planted.annotations.size());
    result.planted[int(AnnotationIssue::Overlooked)] = qint64(planted.key.removed.size());
    for (const AnnotationIssue issue : planted.key.annotations)
        result.planted[int(issue)] += issue != AnnotationIssue::None;
    return result;
}

} // namespace loupe
