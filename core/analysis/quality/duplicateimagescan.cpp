#include "analysis/quality/duplicateimagescan.h"

#include "formats/imageheader.h"

#include <cerrno>
#include <cstring>
#include <utility>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <QCryptographicHash>
#include <QFile>
#include <QHash>

#include "common/parallelfor.h"

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

/**
 * Reads a whole file. POSIX calls on Unix: for the small images of typical datasets
 * QFile's open/read/close costs about as much as the PNG decode (34 vs 16 us a file
 * measured on the demo), and reading is 40 % of the scan.
 */
bool readFile(const QString &path, QByteArray &bytes, QString &error)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    struct stat info;
    if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        error = fd < 0 ? QString::fromLocal8Bit(std::strerror(errno)) : QStringLiteral("not a regular file");
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    bytes.resize(qsizetype(info.st_size));
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t got = ::read(fd, bytes.data() + done, size_t(bytes.size() - done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        done += got;
    }
    ::close(fd);
    bytes.truncate(done);
    return true;
#else
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = file.errorString();
        return false;
    }
    bytes = file.readAll();
    return true;
#endif
}

// libjpeg decodes a JPEG cut off mid-scan with a warning and grey rows, so OpenCV
// returns an image; the cut shows as no end-of-image marker after the last
// start-of-scan (neither marker can occur inside entropy-coded data).
bool isTruncatedJpeg(const QByteArray &bytes)
{
    if (!isJpeg(bytes))
        return false;
    const qsizetype lastScan = bytes.lastIndexOf("\xFF\xDA");
    return lastScan > 0 && bytes.indexOf("\xFF\xD9", lastScan) < 0;
}

/** Why the image is not decoded, or an empty string. */
QString refusalBeforeDecoding(const QByteArray &bytes)
{
    if (isTruncatedJpeg(bytes))
        return QStringLiteral("the JPEG file is truncated (no end-of-image marker)");
    const auto [width, height] = imageHeaderSize(bytes);
    if (width * height > kMaxDecodedPixels)
        return QStringLiteral("the header claims %1 x %2 pixels; images over %3 megapixels are not decoded")
            .arg(width)
            .arg(height)
            .arg(kMaxDecodedPixels / 1000000);
    return {};
}

} // namespace

ImageFacts DuplicateImageScan::scan(const QString &path)
{
    ImageFacts facts;
    if (path.isEmpty())
        return facts;
    QByteArray bytes;
    if (!readFile(path, bytes, facts.error)) {
        facts.status = ImageFacts::Status::Missing;
        return facts;
    }
    if (bytes.isEmpty()) {
        facts.status = ImageFacts::Status::Empty;
        return facts;
    }
    facts.fileBytes = bytes.size();
    facts.error = refusalBeforeDecoding(bytes);
    if (!facts.error.isEmpty()) {
        facts.status = ImageFacts::Status::Undecodable;
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
    facts.statistics = measureImageStatistics(image);
    return facts;
}

std::vector<ImageFacts> DuplicateImageScan::run(const QStringList &paths, Progress &progress, double from,
                                                double to)
{
    // Samples that share a file (a dataset listing an image twice, or a synthetic set
    // drawing from a pool) are decoded once.
    QHash<QString, qint64> firstUse;
    std::vector<qint64> distinct;
    std::vector<qint64> source(static_cast<size_t>(paths.size()));
    for (qint64 i = 0; i < paths.size(); ++i) {
        const auto it = firstUse.constFind(paths[i]);
        if (it == firstUse.constEnd()) {
            firstUse.insert(paths[i], i);
            distinct.push_back(i);
            source[size_t(i)] = i;
        } else {
            source[size_t(i)] = it.value();
        }
    }
    std::vector<ImageFacts> facts(static_cast<size_t>(paths.size()));
    parallelFor(
        qint64(distinct.size()), kScanGrain, progress,
        [&](qint64 begin, qint64 end) {
            for (qint64 j = begin; j < end; ++j)
                facts[size_t(distinct[size_t(j)])] = scan(paths[distinct[size_t(j)]]);
        },
        from, to);
    for (qint64 i = 0; i < paths.size(); ++i) {
        if (source[size_t(i)] != i)
            facts[size_t(i)] = facts[size_t(source[size_t(i)])];
    }
    return facts;
}

} // namespace loupe
