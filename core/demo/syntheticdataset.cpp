#include "demo/syntheticdataset.h"

#include "error.h"
#include "npyfile.h"
#include "progress.h"

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
    std::vector<float> centres(size_t(c) * size_t(d));
    for (float &value : centres)
        value = 3.0f * gaussian(rng);

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
        float *embedding = embeddings.data() + i * d;
        for (int k = 0; k < d; ++k)
            embedding[k] = centres[size_t(label) * size_t(d) + size_t(k)] + 2.0f * gaussian(rng);
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
