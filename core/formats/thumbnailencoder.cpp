#include "formats/thumbnailencoder.h"

#include "formats/imageheader.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QByteArray>
#include <QFile>

namespace loupe {

namespace {

// A thumbnail source larger than this on disk is not an image anyone labels: skip it
// rather than read it into memory.
constexpr qint64 kMaxFileBytes = qint64(64) << 20;

constexpr int kJpegQuality = 85;

/**
 * libjpeg can decode a JPEG at 1/2, 1/4 or 1/8 scale for a fraction of the full cost: the
 * largest reduction that still leaves at least `size` pixels on the long side is free
 * quality-wise, and makes thumbnails of 12-megapixel photos cheap.
 */
int decodeFlags(const QByteArray &bytes, qint64 longSide, int size)
{
    if (!isJpeg(bytes) || longSide <= 0)
        return cv::IMREAD_ANYCOLOR;
    if (longSide >= 8 * qint64(size))
        return cv::IMREAD_REDUCED_COLOR_8;
    if (longSide >= 4 * qint64(size))
        return cv::IMREAD_REDUCED_COLOR_4;
    if (longSide >= 2 * qint64(size))
        return cv::IMREAD_REDUCED_COLOR_2;
    return cv::IMREAD_ANYCOLOR;
}

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxFileBytes)
        return {};
    return file.readAll();
}

/** 8-bit grey or BGR pixels, or an empty matrix when the bytes are not a decodable image. */
cv::Mat decode(const QByteArray &bytes, int size)
{
    const auto [width, height] = imageHeaderSize(bytes);
    if (width * height > kMaxDecodedPixels)
        return {};
    cv::Mat image;
    try {
        const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
        image = cv::imdecode(buffer, decodeFlags(bytes, std::max(width, height), size));
        if (!image.empty() && image.depth() != CV_8U)
            image.convertTo(image, CV_8U);
        if (image.channels() == 4)
            cv::cvtColor(image, image, cv::COLOR_BGRA2BGR);
    } catch (const cv::Exception &) {
        return {};
    }
    return image;
}

QString encode(const cv::Mat &image, const char *extension, const std::vector<int> &params, const char *mime)
{
    std::vector<uchar> encoded;
    try {
        if (!cv::imencode(extension, image, encoded, params))
            return {};
    } catch (const cv::Exception &) {
        return {};
    }
    const QByteArray bytes(reinterpret_cast<const char *>(encoded.data()), qsizetype(encoded.size()));
    return QLatin1String("data:") + QLatin1String(mime) + QLatin1String(";base64,") +
           QString::fromLatin1(bytes.toBase64());
}

} // namespace

ThumbnailEncoder::ThumbnailEncoder(int size) : m_size(std::max(1, size)) {}

QString ThumbnailEncoder::dataUri(const QString &path) const
{
    if (path.isEmpty())
        return {};
    const QByteArray bytes = readSmallFile(path);
    if (bytes.isEmpty())
        return {};
    const cv::Mat image = decode(bytes, m_size);
    if (image.empty())
        return {};
    const int longSide = std::max(image.cols, image.rows);
    if (longSide <= m_size)
        return encode(image, ".png", {cv::IMWRITE_PNG_COMPRESSION, 9}, "image/png");
    const double scale = double(m_size) / double(longSide);
    const cv::Size target(std::max(1, int(image.cols * scale + 0.5)),
                          std::max(1, int(image.rows * scale + 0.5)));
    cv::Mat small;
    try {
        cv::resize(image, small, target, 0.0, 0.0, cv::INTER_AREA);
    } catch (const cv::Exception &) {
        return {};
    }
    return encode(small, ".jpg", {cv::IMWRITE_JPEG_QUALITY, kJpegQuality}, "image/jpeg");
}

} // namespace loupe
