#include "formats/idxreader.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>

#include <zlib.h>

#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QtEndian>
#include <QtNumeric>

#include "common/error.h"

namespace loupe {

namespace {

constexpr int kUnsignedByteType = 0x08;
constexpr int kMaxDimensions = 4;
// The data grows as it is read, this much at a time, rather than being allocated up
// front from the header: a corrupt header must not cost gigabytes before the
// truncation is found. The initial reservation covers MNIST-sized files in one go.
constexpr qint64 kChunkSize = qint64(16) << 20;
constexpr qint64 kInitialReserve = qint64(64) << 20;

[[noreturn]] void fail(const QString &path, const QString &problem)
{
    throw Error(locatedMessage(QFileInfo(path).fileName(), 0, problem));
}

struct GzCloser
{
    void operator()(gzFile file) const { gzclose(file); }
};

/** A file read through zlib, which passes uncompressed files through unchanged. */
class GzInput
{
public:
    explicit GzInput(const QString &path) : m_path(path), m_nativePath(QFile::encodeName(path))
    {
        errno = 0;
        m_file.reset(gzopen(m_nativePath.constData(), "rb"));
        if (!m_file)
            fail(m_path, QStringLiteral("cannot open: %1")
                             .arg(errno ? QString::fromLocal8Bit(std::strerror(errno))
                                        : QStringLiteral("out of memory")));
        gzbuffer(m_file.get(), 128 * 1024);
    }

    /** Reads up to size bytes and returns how many it got: fewer only at the end of the data. */
    qint64 read(uchar *out, qint64 size)
    {
        qint64 done = 0;
        while (done < size) {
            // gzread takes an unsigned count and returns an int.
            const unsigned request = unsigned(std::min<qint64>(size - done, qint64(1) << 30));
            const int n = gzread(m_file.get(), out + done, request);
            if (n < 0)
                fail(m_path, QStringLiteral("cannot read: %1").arg(errorText()));
            if (n == 0)
                break;
            done += n;
        }
        return done;
    }

    /** Why the last read came up short, or an empty string at a clean end of the data. */
    QString shortReadReason() const
    {
        int code = Z_OK;
        gzerror(m_file.get(), &code);
        // zlib reports a gzip stream that stops mid-way as a soft Z_BUF_ERROR.
        return code == Z_BUF_ERROR ? QStringLiteral(" (the compressed stream ends early)") : QString();
    }

private:
    QString errorText() const
    {
        int code = Z_OK;
        const char *message = gzerror(m_file.get(), &code);
        if (code == Z_ERRNO)
            return QString::fromLocal8Bit(std::strerror(errno));
        // zlib prefixes its messages with the path it was given; the caller names the file.
        QByteArray text(message ? message : "unknown zlib error");
        const QByteArray prefix = m_nativePath + ": ";
        if (text.startsWith(prefix))
            text.remove(0, prefix.size());
        if (code == Z_DATA_ERROR)
            return QStringLiteral("the compressed data is corrupt (%1)").arg(QString::fromLocal8Bit(text));
        return QString::fromLocal8Bit(text);
    }

    QString m_path;
    QByteArray m_nativePath;
    std::unique_ptr<gzFile_s, GzCloser> m_file;
};

} // namespace

IdxArray readIdxFile(const QString &path)
{
    GzInput input(path);

    // Magic number: two zero bytes, the element type and the number of dimensions.
    uchar magic[4] = {};
    const qint64 magicSize = input.read(magic, sizeof magic);
    if (magicSize == 0)
        fail(path, QStringLiteral("not an IDX file: the file is empty"));
    if (magicSize < qint64(sizeof magic) || magic[0] != 0 || magic[1] != 0)
        fail(path, QStringLiteral("not an IDX file (bad magic number)"));
    if (magic[2] != kUnsignedByteType)
        fail(path,
             QStringLiteral("unsupported IDX element type 0x%1; only unsigned bytes (0x08) are supported")
                 .arg(magic[2], 2, 16, QLatin1Char('0')));
    const int dimensionCount = magic[3];
    if (dimensionCount < 1 || dimensionCount > kMaxDimensions)
        fail(path, QStringLiteral("unsupported number of dimensions %1 (expected 1 to %2)")
                       .arg(dimensionCount)
                       .arg(kMaxDimensions));

    uchar sizes[4 * kMaxDimensions] = {};
    if (input.read(sizes, 4 * dimensionCount) < 4 * dimensionCount)
        fail(path, QStringLiteral("the header is truncated"));
    IdxArray array;
    qint64 total = 1;
    bool overflow = false;
    QStringList shown;
    for (int i = 0; i < dimensionCount; ++i) {
        const quint32 size = qFromBigEndian<quint32>(sizes + 4 * i);
        if (size > quint32(INT_MAX))
            fail(path, QStringLiteral("dimension %1 is too large: %2").arg(i + 1).arg(size));
        array.dims.push_back(int(size));
        shown.append(QString::number(size));
        overflow = overflow || qMulOverflow(total, qint64(size), &total);
    }
    if (overflow)
        fail(path, QStringLiteral("dimensions %1 are too large").arg(shown.join(QStringLiteral(" x "))));

    array.data.reserve(size_t(std::min(total, kInitialReserve)));
    qint64 done = 0;
    while (done < total) {
        const qint64 chunk = std::min(total - done, kChunkSize);
        array.data.resize(size_t(done + chunk));
        const qint64 got = input.read(array.data.data() + done, chunk);
        done += got;
        if (got < chunk)
            fail(path, QStringLiteral("data is truncated: expected %1 bytes, found %2%3")
                           .arg(total)
                           .arg(done)
                           .arg(input.shortReadReason()));
    }
    // Reading past the declared size also makes zlib check the gzip trailer's CRC.
    uchar extra = 0;
    if (input.read(&extra, 1) > 0)
        fail(path, QStringLiteral("unexpected extra bytes after the %1 bytes of data").arg(total));
    return array;
}

} // namespace loupe
