#include "analysis/duplicateimagescan.h"

#include <cstring>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <QCryptographicHash>
#include <QFile>

#include "analysis/knnparallel.h"

namespace loupe {

namespace {

// Images decoded per scheduling chunk: small, since one large photo can take 100 ms.
constexpr qint64 kScanGrain = 16;

bool isConstant(const cv::Mat &image)
{
    const size_t pixelBytes = image.elemSize();
    const uchar *first = image.ptr(0);
    for (int y = 0; y < image.rows; ++y) {
        const uchar *row = image.ptr(y);
        for (int x = 0; x < image.cols; ++x) {
            if (std::memcmp(row + size_t(x) * pixelBytes, first, pixelBytes) != 0)
                return false;
        }
    }
    return true;
}

void hashPixels(const cv::Mat &image, quint64 (&hash)[2])
{
    QCryptographicHash hasher(QCryptographicHash::Md5);
    const qint32 shape[4] = {image.cols, image.rows, image.channels(), image.depth()};
    hasher.addData(QByteArrayView(reinterpret_cast<const char *>(shape), sizeof(shape)));
    const qsizetype rowBytes = qsizetype(size_t(image.cols) * image.elemSize());
    for (int y = 0; y < image.rows; ++y)
        hasher.addData(QByteArrayView(reinterpret_cast<const char *>(image.ptr(y)), rowBytes));
    const QByteArray digest = hasher.result();
    std::memcpy(hash, digest.constData(), sizeof(hash));
}

} // namespace

ImageFacts DuplicateImageScan::scan(const QString &path)
{
    ImageFacts facts;
    if (path.isEmpty())
        return facts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        facts.status = ImageFacts::Status::Missing;
        facts.error = file.errorString();
        return facts;
    }
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty()) {
        facts.status = ImageFacts::Status::Empty;
        return facts;
    }
    cv::Mat image;
    try {
        const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
        image = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception &error) {
        facts.error = QString::fromStdString(error.msg);
    }
    if (image.empty()) {
        facts.status = ImageFacts::Status::Undecodable;
        if (facts.error.isEmpty())
            facts.error = QStringLiteral("not a readable image");
        return facts;
    }
    facts.status = ImageFacts::Status::Decoded;
    facts.width = image.cols;
    facts.height = image.rows;
    facts.channels = image.channels();
    facts.depth = image.depth();
    facts.constant = isConstant(image);
    hashPixels(image, facts.hash);
    return facts;
}

std::vector<ImageFacts> DuplicateImageScan::run(const QStringList &paths, Progress &progress, double from,
                                                double to)
{
    std::vector<ImageFacts> facts(static_cast<size_t>(paths.size()));
    knnParallelFor(
        paths.size(), kScanGrain, progress,
        [&](qint64 begin, qint64 end) {
            for (qint64 i = begin; i < end; ++i)
                facts[size_t(i)] = scan(paths[i]);
        },
        from, to);
    return facts;
}

} // namespace loupe
