#include "demo/fashionmnistdemo.h"

#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "demo/crossvalidation.h"
#include "formats/csvwriter.h"
#include "formats/idxreader.h"
#include "formats/npyfile.h"
#include "import/loupefolderimporter.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QDir>
#include <QFile>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <random>

namespace loupe {

namespace {

constexpr int kSide = 28;
constexpr int kPixels = kSide * kSide;

/** One Fashion-MNIST image with where it came from. */
struct SourceImage
{
    const uint8_t *pixels = nullptr;
    int trueLabel = 0;
    bool train = true;
    int sourceIndex = 0; // index in its IDX file
};

struct SourceData
{
    IdxArray trainImages, trainLabels, testImages, testLabels;
};

SourceData readSource(const QString &folder)
{
    const QDir dir(folder);
    SourceData data;
    data.trainImages = readIdxFile(dir.filePath(QStringLiteral("train-images-idx3-ubyte.gz")));
    data.trainLabels = readIdxFile(dir.filePath(QStringLiteral("train-labels-idx1-ubyte.gz")));
    data.testImages = readIdxFile(dir.filePath(QStringLiteral("t10k-images-idx3-ubyte.gz")));
    data.testLabels = readIdxFile(dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte.gz")));
    for (const IdxArray *images : {&data.trainImages, &data.testImages}) {
        if (images->dims.size() != 3 || images->dims[1] != kSide || images->dims[2] != kSide)
            throw Error(QStringLiteral("%1: expected 28 x 28 images").arg(folder));
    }
    if (data.trainImages.dims[0] != data.trainLabels.dims.at(0) ||
        data.testImages.dims[0] != data.testLabels.dims.at(0))
        throw Error(QStringLiteral("%1: image and label counts differ").arg(folder));
    return data;
}

std::vector<SourceImage> selectImages(const SourceData &data, qint64 limit, std::mt19937_64 &rng)
{
    std::vector<SourceImage> all;
    for (int i = 0; i < data.trainImages.dims[0]; ++i)
        all.push_back(
            {data.trainImages.data.data() + size_t(i) * kPixels, data.trainLabels.data[size_t(i)], true, i});
    for (int i = 0; i < data.testImages.dims[0]; ++i)
        all.push_back(
            {data.testImages.data.data() + size_t(i) * kPixels, data.testLabels.data[size_t(i)], false, i});
    if (limit > 0 && limit < qint64(all.size())) {
        std::shuffle(all.begin(), all.end(), rng);
        all.resize(size_t(limit));
        // Keep the files in their natural order: train first, then test.
        std::sort(all.begin(), all.end(), [](const SourceImage &a, const SourceImage &b) {
            return std::pair(!a.train, a.sourceIndex) < std::pair(!b.train, b.sourceIndex);
        });
    }
    return all;
}

/**
 * Gives round(rate * n) images, chosen by their own seeded stream (so the label noise drawn
 * from rng is the same with or without them), the degradation: their pixels move into
 * storage and the image points at the degraded copy. Returns which images were degraded.
 */
std::vector<bool> degradeImages(std::vector<SourceImage> &images, ImageDegradation degradation, double rate,
                                double strength, uint64_t seed, std::vector<std::vector<uint8_t>> &storage)
{
    std::vector<bool> degraded(images.size(), false);
    if (degradation == ImageDegradation::None || rate <= 0.0)
        return degraded;
    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
    std::vector<size_t> order(images.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::shuffle(order.begin(), order.end(), rng);
    const auto count = std::min(images.size(), size_t(std::llround(rate * double(images.size()))));
    storage.resize(count);
    for (size_t k = 0; k < count; ++k) {
        SourceImage &image = images[order[k]];
        storage[k].assign(image.pixels, image.pixels + kPixels);
        degradeImage(storage[k].data(), kSide, kSide, degradation, strength, seed + order[k]);
        image.pixels = storage[k].data();
        degraded[order[k]] = true;
    }
    return degraded;
}

/** Flips round(rate * n) labels, chosen by the seeded rng, to each class's confusable partner. */
std::vector<int> noisyLabels(const std::vector<SourceImage> &images, double rate, std::mt19937_64 &rng,
                             qint64 &flipped)
{
    std::vector<int> labels(images.size());
    for (size_t i = 0; i < images.size(); ++i)
        labels[i] = images[i].trueLabel;
    std::vector<size_t> order(images.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::shuffle(order.begin(), order.end(), rng);
    flipped = qint64(std::llround(rate * double(images.size())));
    for (qint64 k = 0; k < flipped; ++k)
        labels[order[size_t(k)]] = confusableClass(labels[order[size_t(k)]]);
    return labels;
}

QString sampleId(const SourceImage &image)
{
    return QStringLiteral("%1-%2")
        .arg(image.train ? QStringLiteral("train") : QStringLiteral("test"))
        .arg(image.sourceIndex, 5, 10, QLatin1Char('0'));
}

QString imagePath(const SourceImage &image)
{
    return QStringLiteral("images/%1/%2.png")
        .arg(image.train ? QStringLiteral("train") : QStringLiteral("test"))
        .arg(image.sourceIndex, 5, 10, QLatin1Char('0'));
}

void writeImages(const QDir &dataset, const std::vector<SourceImage> &images, Progress &progress)
{
    dataset.mkpath(QStringLiteral("images/train"));
    dataset.mkpath(QStringLiteral("images/test"));
    std::atomic<qint64> done{0};
    std::atomic_bool failed{false};
    const auto n = qint64(images.size());
#pragma omp parallel for schedule(dynamic, 256)
    for (qint64 i = 0; i < n; ++i) {
        if (failed.load() || progress.isCancelled())
            continue;
        const SourceImage &image = images[size_t(i)];
        const cv::Mat mat(kSide, kSide, CV_8UC1, const_cast<uint8_t *>(image.pixels));
        const std::string path = QFile::encodeName(dataset.filePath(imagePath(image))).toStdString();
        if (!cv::imwrite(path, mat))
            failed = true;
        const qint64 count = ++done;
        if ((count & 0x3ff) == 0)
            progress.setProgress(count, n);
    }
    progress.throwIfCancelled();
    if (failed)
        throw Error(QStringLiteral("%1: cannot write the demo images").arg(dataset.path()));
}

MlpClassifier::Matrix features(const std::vector<SourceImage> &images)
{
    MlpClassifier::Matrix x(Eigen::Index(images.size()), kPixels);
    for (size_t i = 0; i < images.size(); ++i) {
        for (int p = 0; p < kPixels; ++p)
            x(Eigen::Index(i), p) = float(images[i].pixels[p]) / 255.0f;
    }
    return x;
}

QString number(double value)
{
    return QString::number(value, 'g', 6);
}

void writeSamplesCsv(const QDir &dataset, const std::vector<SourceImage> &images,
                     const std::vector<int> &labels, const QStringList &classes)
{
    CsvWriter writer(dataset.filePath(QStringLiteral("samples.csv")));
    writer.writeRow({QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("label"),
                     QStringLiteral("split"), QStringLiteral("brightness"), QStringLiteral("ink_coverage"),
                     QStringLiteral("source_index")});
    for (size_t i = 0; i < images.size(); ++i) {
        const SourceImage &image = images[i];
        double sum = 0.0;
        int inked = 0;
        for (int p = 0; p < kPixels; ++p) {
            sum += image.pixels[p];
            inked += image.pixels[p] > 25;
        }
        writer.writeRow({sampleId(image), imagePath(image), classes.at(labels[i]),
                         image.train ? QStringLiteral("train") : QStringLiteral("test"),
                         number(sum / (255.0 * kPixels)), number(double(inked) / kPixels),
                         QString::number(image.sourceIndex)});
    }
    writer.commit();
}

void writeTruthCsv(const QDir &dataset, const std::vector<SourceImage> &images,
                   const std::vector<int> &labels, const QStringList &classes,
                   const std::vector<bool> &degraded, ImageDegradation degradation)
{
    CsvWriter writer(dataset.filePath(QStringLiteral("truth.csv")));
    writer.writeRow({QStringLiteral("id"), QStringLiteral("true_label"), QStringLiteral("given_label"),
                     QStringLiteral("flipped"), QStringLiteral("degradation")});
    for (size_t i = 0; i < images.size(); ++i) {
        const bool flipped = labels[i] != images[i].trueLabel;
        writer.writeRow({sampleId(images[i]), classes.at(images[i].trueLabel), classes.at(labels[i]),
                         flipped ? QStringLiteral("1") : QStringLiteral("0"),
                         degraded[i] ? degradationName(degradation) : QString()});
    }
    writer.commit();
}

void writeClassesTxt(const QDir &dataset, const QStringList &classes)
{
    QFile file(dataset.filePath(QStringLiteral("classes.txt")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(QStringLiteral("%1: cannot write: %2").arg(file.fileName(), file.errorString()));
    file.write(classes.join(QLatin1Char('\n')).toUtf8() + '\n');
}

void writeHistoryCsv(const QDir &dataset, const std::vector<EpochLoss> &history)
{
    CsvWriter writer(dataset.filePath(QStringLiteral("history.csv")));
    writer.writeRow({QStringLiteral("epoch"), QStringLiteral("train_loss"), QStringLiteral("val_loss")});
    for (const EpochLoss &epoch : history)
        writer.writeRow(
            {QString::number(epoch.epoch), number(epoch.trainLoss), number(epoch.validationLoss)});
    writer.commit();
}

double accuracy(const MlpClassifier::Matrix &probabilities, const std::vector<int> &labels)
{
    qint64 correct = 0;
    for (Eigen::Index i = 0; i < probabilities.rows(); ++i) {
        Eigen::Index best = 0;
        probabilities.row(i).maxCoeff(&best);
        correct += int(best) == labels[size_t(i)];
    }
    return labels.empty() ? 0.0 : double(correct) / double(labels.size());
}

/** The 28 x 28 grayscale pixels of the project's images as features, like features() above. */
MlpClassifier::Matrix projectImageFeatures(const Project &project, const SampleTable &table,
                                           Progress &progress)
{
    MlpClassifier::Matrix x(Eigen::Index(table.size()), kPixels);
    for (qint64 i = 0; i < table.size(); ++i) {
        const QString path = project.absoluteImagePath(table.images.at(i));
        cv::Mat image = cv::imread(QFile::encodeName(path).toStdString(), cv::IMREAD_GRAYSCALE);
        if (image.empty())
            throw Error(QStringLiteral("%1: cannot read the image").arg(path));
        if (image.rows != kSide || image.cols != kSide)
            cv::resize(image, image, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
        for (int p = 0; p < kPixels; ++p)
            x(Eigen::Index(i), p) = float(image.data[p]) / 255.0f;
        if ((i & 1023) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(i, table.size());
        }
    }
    return x;
}

void writeIdsCsv(const QDir &folder, const StringColumn &ids)
{
    CsvWriter writer(folder.filePath(QStringLiteral("samples.csv")));
    writer.writeRow({QStringLiteral("id")});
    for (const QString &id : ids)
        writer.writeRow({id});
    writer.commit();
}

} // namespace

RetrainResult retrainFashionMnistDemo(const QString &projectPath, const QString &runFolder,
                                      const DemoOptions &options, Progress &progress)
{
    auto project = Project::open(projectPath, Project::Access::ReadOnly);
    const SampleTable table = loadSampleTable(*project);
    if (std::any_of(table.labels.begin(), table.labels.end(), [](int label) { return label < 0; }))
        throw Error(
            QStringLiteral("%1: every sample needs a label to retrain the demo model").arg(projectPath));
    const QDir folder(runFolder);
    if (!folder.mkpath(QStringLiteral(".")))
        throw Error(QStringLiteral("%1: cannot create the folder").arg(runFolder));

    progress.setStep(QStringLiteral("Reading %1 images").arg(table.size()));
    const MlpClassifier::Matrix x = projectImageFeatures(*project, table, progress);
    progress.setStep(
        QStringLiteral("Training the demo model on the current labels (%1-fold)").arg(options.folds));
    const CrossValidatedPredictions cv =
        crossValidate(x, table.labels, int(table.classNames.size()), options.folds, options.model, progress);
    writeIdsCsv(folder, table.ids);
    writeNpy(folder.filePath(QStringLiteral("predictions.npy")), cv.probabilities.data(),
             cv.probabilities.rows(), cv.probabilities.cols());
    writeNpy(folder.filePath(QStringLiteral("embeddings.npy")), cv.embeddings.data(), cv.embeddings.rows(),
             cv.embeddings.cols());
    writeHistoryCsv(folder, cv.history);

    RetrainResult result;
    result.runFolder = folder.absolutePath();
    result.samples = table.size();
    result.accuracyOnCurrentLabels = accuracy(cv.probabilities, table.labels);
    return result;
}

QStringList fashionMnistClasses()
{
    return {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"),
            QStringLiteral("Dress"),       QStringLiteral("Coat"),    QStringLiteral("Sandal"),
            QStringLiteral("Shirt"),       QStringLiteral("Sneaker"), QStringLiteral("Bag"),
            QStringLiteral("Ankle boot")};
}

int confusableClass(int label)
{
    // T-shirt<->Shirt, Pullover<->Coat, Sneaker<->Ankle boot, Trouser->Dress,
    // Dress->Coat, Sandal->Sneaker, Bag->Pullover: the pairs annotators confuse.
    static constexpr int partner[10] = {6, 3, 4, 4, 2, 7, 0, 9, 2, 7};
    return partner[label];
}

DemoResult buildFashionMnistDemo(const QString &directory, const DemoOptions &options, Progress &progress)
{
    const QDir root(directory);
    if (!root.mkpath(QStringLiteral("dataset")))
        throw Error(QStringLiteral("%1: cannot create the demo folder").arg(directory));
    const QDir dataset(root.filePath(QStringLiteral("dataset")));
    const QStringList classes = fashionMnistClasses();
    std::mt19937_64 rng(options.seed);

    progress.setStep(QStringLiteral("Reading Fashion-MNIST"));
    const SourceData source = readSource(options.sourceFolder);
    std::vector<SourceImage> images = selectImages(source, options.limit, rng);
    DemoResult result;
    result.samples = qint64(images.size());
    const std::vector<int> labels = noisyLabels(images, options.noiseRate, rng, result.flipped);
    std::vector<std::vector<uint8_t>> degradedPixels;
    const std::vector<bool> degraded = degradeImages(images, options.degradation, options.degradedRate,
                                                     options.degradedStrength, options.seed, degradedPixels);
    result.degraded = std::count(degraded.begin(), degraded.end(), true);

    progress.setStep(QStringLiteral("Writing %1 images").arg(images.size()));
    writeImages(dataset, images, progress);
    writeClassesTxt(dataset, classes);
    writeSamplesCsv(dataset, images, labels, classes);
    writeTruthCsv(dataset, images, labels, classes, degraded, options.degradation);

    progress.setStep(QStringLiteral("Training the demo model (%1-fold)").arg(options.folds));
    const CrossValidatedPredictions cv =
        crossValidate(features(images), labels, int(classes.size()), options.folds, options.model, progress);
    writeNpy(dataset.filePath(QStringLiteral("predictions.npy")), cv.probabilities.data(),
             cv.probabilities.rows(), cv.probabilities.cols());
    writeNpy(dataset.filePath(QStringLiteral("embeddings.npy")), cv.embeddings.data(), cv.embeddings.rows(),
             cv.embeddings.cols());
    writeHistoryCsv(dataset, cv.history);
    std::vector<int> truth(images.size());
    for (size_t i = 0; i < images.size(); ++i)
        truth[i] = images[i].trueLabel;
    result.accuracyOnGivenLabels = accuracy(cv.probabilities, labels);
    result.accuracyOnTrueLabels = accuracy(cv.probabilities, truth);

    result.datasetFolder = dataset.absolutePath();
    result.projectPath = root.absoluteFilePath(QStringLiteral("fashion-mnist.loupe"));
    ImportOptions importOptions;
    importOptions.runName = QStringLiteral("mlp-%1fold").arg(options.folds);
    importOptions.overwrite = options.overwrite;
    LoupeFolderImporter(result.datasetFolder).run(result.projectPath, importOptions, progress);
    return result;
}

} // namespace loupe
