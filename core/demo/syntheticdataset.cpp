#include "demo/syntheticdataset.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/npyfile.h"

#include <QDir>
#include <QFile>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <random>
#include <vector>

namespace loupe {

namespace {

void writeImagePool(const QDir &folder, int count)
{
    folder.mkpath(QStringLiteral("images"));
    for (int i = 0; i < count; ++i) {
        const cv::Mat image(16, 16, CV_8UC1, cv::Scalar(i % 256));
        const QString path = folder.filePath(QStringLiteral("images/%1.png").arg(i, 5, 10, QLatin1Char('0')));
        if (!cv::imwrite(QFile::encodeName(path).toStdString(), image))
            throw Error(QStringLiteral("%1: cannot write").arg(path));
    }
}

void writeClasses(const QDir &folder, int classes)
{
    QFile file(folder.filePath(QStringLiteral("classes.txt")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(QStringLiteral("%1: cannot write").arg(file.fileName()));
    for (int c = 0; c < classes; ++c)
        file.write(QStringLiteral("class_%1\n").arg(c).toUtf8());
}

/**
 * Embeddings are a Gaussian mixture shaped like a network's: kComponentsPerClass
 * components per class, each with a low-rank covariance (kLatentDimensions directions
 * plus a little isotropic noise). Isotropic 128-d noise would have no neighbourhood
 * structure at all (every point's nearest neighbours are nearly as far as any other
 * point of its cluster), which no real embedding space looks like and which makes every
 * approximate kNN method look arbitrarily bad.
 */
constexpr int kComponentsPerClass = 10;
constexpr int kLatentDimensions = 8;
constexpr float kNoise = 0.3f;

struct MixtureComponent
{
    std::vector<float> centre; // d
    std::vector<float> basis;  // kLatentDimensions x d
};

std::vector<MixtureComponent> makeComponents(int classes, int d, std::mt19937_64 &rng)
{
    std::normal_distribution<float> gaussian(0.0f, 1.0f);
    std::vector<MixtureComponent> components;
    for (int label = 0; label < classes; ++label) {
        std::vector<float> classCentre(static_cast<size_t>(d));
        for (float &value : classCentre)
            value = 3.0f * gaussian(rng);
        for (int j = 0; j < kComponentsPerClass; ++j) {
            MixtureComponent component;
            component.centre = classCentre;
            for (float &value : component.centre)
                value += 1.5f * gaussian(rng);
            component.basis.resize(size_t(kLatentDimensions) * size_t(d));
            for (float &value : component.basis)
                value = 0.5f * gaussian(rng);
            components.push_back(std::move(component));
        }
    }
    return components;
}

void drawEmbedding(const MixtureComponent &component, int d, std::mt19937_64 &rng, float *out)
{
    std::normal_distribution<float> gaussian(0.0f, 1.0f);
    float latent[kLatentDimensions];
    for (float &value : latent)
        value = gaussian(rng);
    for (int k = 0; k < d; ++k) {
        float value = component.centre[size_t(k)] + kNoise * gaussian(rng);
        for (int l = 0; l < kLatentDimensions; ++l)
            value += latent[l] * component.basis[size_t(l) * size_t(d) + size_t(k)];
        out[k] = value;
    }
}

} // namespace

void writeSyntheticDataset(const QString &path, const SyntheticOptions &options, Progress &progress)
{
    QDir folder(path);
    if (!folder.mkpath(QStringLiteral(".")))
        throw Error(QStringLiteral("%1: cannot create").arg(path));
    progress.setStep(QStringLiteral("Writing synthetic dataset"));
    writeImagePool(folder, options.imagePool);
    writeClasses(folder, options.classes);

    std::mt19937_64 rng(options.seed);
    std::normal_distribution<float> gaussian(0.0f, 1.0f);
    std::uniform_int_distribution<int> pickClass(0, options.classes - 1);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    const int d = options.dimensions;
    const int c = options.classes;
    const std::vector<MixtureComponent> components = makeComponents(c, d, rng);
    std::uniform_int_distribution<int> pickComponent(0, kComponentsPerClass - 1);

    const qint64 n = options.samples;
    std::vector<float> embeddings(size_t(n) * size_t(d));
    std::vector<float> probabilities(size_t(n) * size_t(c));
    QFile csv(folder.filePath(QStringLiteral("samples.csv")));
    if (!csv.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(QStringLiteral("%1: cannot write").arg(csv.fileName()));
    csv.write("id,image,label,split,brightness,camera\n");
    QByteArray lines;
    for (qint64 i = 0; i < n; ++i) {
        const int label = pickClass(rng);
        const MixtureComponent &component =
            components[size_t(label * kComponentsPerClass + pickComponent(rng))];
        drawEmbedding(component, d, rng, embeddings.data() + i * d);
        // Scores: the true class usually, but not always, wins.
        float *row = probabilities.data() + i * c;
        double sum = 0.0;
        for (int k = 0; k < c; ++k) {
            row[k] = std::exp(1.2f * gaussian(rng) + (k == label ? 2.5f : 0.0f));
            sum += row[k];
        }
        for (int k = 0; k < c; ++k)
            row[k] = float(row[k] / sum);
        lines += "s" + QByteArray::number(i) + ",images/" +
                 QByteArray::number(int(i % options.imagePool)).rightJustified(5, '0') + ".png,class_" +
                 QByteArray::number(label) + (uniform(rng) < 0.8f ? ",train," : ",val,") +
                 QByteArray::number(uniform(rng), 'f', 4) + ",cam" + QByteArray::number(int(i % 7)) + '\n';
        if (lines.size() > (1 << 20)) {
            csv.write(lines);
            lines.clear();
            progress.throwIfCancelled();
            progress.setProgress(i, n);
        }
    }
    csv.write(lines);
    writeNpy(folder.filePath(QStringLiteral("predictions.npy")), probabilities.data(), n, c);
    writeNpy(folder.filePath(QStringLiteral("embeddings.npy")), embeddings.data(), n, d);
}

} // namespace loupe
