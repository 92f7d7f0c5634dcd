#include "demo/syntheticdetection.h"

#include "common/error.h"
#include "common/progress.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <random>

namespace loupe {

namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 480;

class JsonOut
{
public:
    explicit JsonOut(const QString &path) : m_file(path)
    {
        if (!m_file.open(QIODevice::WriteOnly))
            throw Error(QStringLiteral("%1: cannot write (%2)").arg(path, m_file.errorString()));
        m_buffer.reserve(1 << 20);
    }
    JsonOut &operator<<(const QByteArray &bytes)
    {
        m_buffer += bytes;
        if (m_buffer.size() >= (1 << 20))
            flush();
        return *this;
    }
    void commit()
    {
        flush();
        if (!m_file.commit())
            throw Error(QStringLiteral("%1: cannot write (%2)").arg(m_file.fileName(), m_file.errorString()));
    }

private:
    void flush()
    {
        if (m_file.write(m_buffer) != m_buffer.size())
            throw Error(QStringLiteral("%1: cannot write (%2)").arg(m_file.fileName(), m_file.errorString()));
        m_buffer.clear();
    }
    QSaveFile m_file;
    QByteArray m_buffer;
};

QByteArray bbox(double x, double y, double w, double h)
{
    return '[' + QByteArray::number(x, 'f', 1) + ',' + QByteArray::number(y, 'f', 1) + ',' +
           QByteArray::number(w, 'f', 1) + ',' + QByteArray::number(h, 'f', 1) + ']';
}

void writeImagePool(const QDir &folder, int pool)
{
    folder.mkpath(QStringLiteral("images"));
    const cv::Mat image(8, 8, CV_8UC1, cv::Scalar(128));
    for (int i = 0; i < pool; ++i) {
        const QString path = folder.filePath(QStringLiteral("images/pool_%1.png").arg(i));
        if (!cv::imwrite(QFile::encodeName(path).toStdString(), image))
            throw Error(QStringLiteral("%1: cannot write").arg(path));
    }
}

} // namespace

void writeSyntheticDetectionFolder(const QString &folderPath, const SyntheticDetectionOptions &options,
                                   Progress &progress)
{
    const QDir folder(folderPath);
    folder.mkpath(QStringLiteral("."));
    writeImagePool(folder, options.imagePool);
    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<int> anyClass(0, options.classes - 1);

    JsonOut annotations(folder.filePath(QStringLiteral("annotations.json")));
    JsonOut predictions(folder.filePath(QStringLiteral("predictions.json")));
    annotations << "{\"images\":[";
    for (qint64 i = 0; i < options.images; ++i)
        annotations << QByteArray(i ? "," : "") + "\n{\"id\":" + QByteArray::number(i + 1) +
                           ",\"file_name\":\"pool_" + QByteArray::number(i % options.imagePool) +
                           ".png\",\"width\":640,\"height\":480}";
    annotations << "],\n\"categories\":[";
    for (int c = 0; c < options.classes; ++c)
        annotations << QByteArray(c ? "," : "") + "{\"id\":" + QByteArray::number(c + 1) +
                           ",\"name\":\"class_" + QByteArray::number(c) + "\"}";
    annotations << "],\n\"annotations\":[";
    predictions << "[";
    qint64 annotationId = 0;
    bool firstPrediction = true;
    const auto predict = [&](qint64 image, int category, double x, double y, double w, double h,
                             double score) {
        predictions << QByteArray(firstPrediction ? "" : ",") +
                           "\n{\"image_id\":" + QByteArray::number(image + 1) +
                           ",\"category_id\":" + QByteArray::number(category + 1) +
                           ",\"bbox\":" + bbox(x, y, w, h) +
                           ",\"score\":" + QByteArray::number(score, 'f', 4) + '}';
        firstPrediction = false;
    };
    for (qint64 i = 0; i < options.images; ++i) {
        for (int k = 0; k < options.boxesPerImage; ++k) {
            const double w = 16 + unit(rng) * 150, h = 16 + unit(rng) * 150;
            const double x = unit(rng) * (kWidth - w), y = unit(rng) * (kHeight - h);
            const int category = anyClass(rng);
            const QByteArray separator(annotationId > 0 ? "," : "");
            ++annotationId;
            annotations << separator + "\n{\"id\":" + QByteArray::number(annotationId) +
                               ",\"image_id\":" + QByteArray::number(i + 1) +
                               ",\"category_id\":" + QByteArray::number(category + 1) +
                               ",\"bbox\":" + bbox(x, y, w, h) +
                               ",\"area\":" + QByteArray::number(w * h, 'f', 1) + ",\"iscrowd\":0}";
            if (unit(rng) < 0.85) {
                const double jx = (unit(rng) - 0.5) * 0.2 * w, jy = (unit(rng) - 0.5) * 0.2 * h;
                const double px = std::clamp(x + jx, 0.0, kWidth - w),
                             py = std::clamp(y + jy, 0.0, kHeight - h);
                predict(i, unit(rng) < 0.9 ? category : anyClass(rng), px, py, w, h, 0.3 + 0.7 * unit(rng));
                const double fw = 16 + unit(rng) * 100, fh = 16 + unit(rng) * 100;
                predict(i, anyClass(rng), unit(rng) * (kWidth - fw), unit(rng) * (kHeight - fh), fw, fh,
                        0.05 + 0.3 * unit(rng));
            }
        }
        if ((i & 0xfff) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(i, options.images);
        }
    }
    annotations << "]}\n";
    predictions << "]\n";
    annotations.commit();
    predictions.commit();
}

} // namespace loupe
