#include "badinputfixtures.h"

#include "common/progress.h"
#include "import/datasetimport.h"
#include "storage/sqlitedatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <sys/resource.h>

namespace loupe::test {

namespace {

quint32 crc32(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : bytes) {
        crc ^= uchar(byte);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray bigEndian32(quint32 value)
{
    const quint32 big = qToBigEndian(value);
    return QByteArray(reinterpret_cast<const char *>(&big), 4);
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &data)
{
    return bigEndian32(quint32(data.size())) + type + data + bigEndian32(crc32(type + data));
}

/** A valid PNG of width x height grey pixels (colorType 0) or RGB (2), 8 or 16 bits deep. */

} // namespace

QByteArray png(quint32 width, quint32 height, int bitDepth, int colorType)
{
    const int channels = colorType == 2 ? 3 : 1;
    const qsizetype rowBytes = qsizetype(width) * channels * (bitDepth / 8);
    QByteArray raw;
    for (quint32 y = 0; y < height; ++y) {
        raw.append('\0'); // filter: none
        for (qsizetype x = 0; x < rowBytes; ++x)
            raw.append(char((x * 37 + y * 11) & 0xFF));
    }
    const QByteArray header =
        bigEndian32(width) + bigEndian32(height) + char(bitDepth) + char(colorType) + QByteArray(3, '\0');
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", header) +
           pngChunk("IDAT", qCompress(raw).mid(4)) + pngChunk("IEND", {});
}

/** Only the header of a PNG claiming a huge size: a few hundred bytes on disk. */
QByteArray hugePngHeader(quint32 width, quint32 height)
{
    const QByteArray header =
        bigEndian32(width) + bigEndian32(height) + char(16) + char(6) + QByteArray(3, '\0'); // 16-bit RGBA
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", header) +
           pngChunk("IDAT", qCompress(QByteArray(4096, '\0')).mid(4));
}

// 8 x 6 pixels, written by ImageMagick: a baseline RGB JPEG and one in CMYK (Adobe APP14).
QByteArray rgbJpeg()
{
    return QByteArray::fromBase64(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/"
        "2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFR"
        "UVDA8XGBYUGBIUFRT/"
        "2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"
        "FBQUFBT/wAARCAAGAAgDAREAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAACP/EABgQAAIDAAAAAAAAAAAAAAAAAAAEF2KR/"
        "8QAFQ"
        "EBAQAAAAAAAAAAAAAAAAAABwj/xAAaEQAABwAAAAAAAAAAAAAAAAAAAgUXUZHh/"
        "9oADAMBAAIRAxEAPwATSI1fSqWFSZLWBdetSg16"
        "P//Z");
}

QByteArray cmykJpeg()
{
    return QByteArray::fromBase64(
        "/9j/7gAOQWRvYmUAZAAAAAAC/"
        "9sAQwADAgIDAgIDAwMDBAMDBAUIBQUEBAUKBwcGCAwKDAwLCgsLDQ4SEA0OEQ4LCxAWEBETFBUVFQwP"
        "FxgWFBgSFBUU/"
        "9sAQwEDBAQFBAUJBQUJFA0LDRQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"
        "/8AAFAgABgAIBAERAAIRAQMRAQQRAP/EABQAAQAAAAAAAAAAAAAAAAAAAAj/"
        "xAAeEAABAQkAAAAAAAAAAAAAAAAAFwECBAdVV5Kj0f/E"
        "ABUBAQEAAAAAAAAAAAAAAAAAAAcI/8QAHBEAAAYDAAAAAAAAAAAAAAAAAAEEF5HhBlJU/9oADgQBAAIRAxEEAAA/"
        "AFsj0ZWm4EdvvlG5"
        "RYAmCTdRxQdqYzNuFre4f//Z");
}

// A GIF (8 x 6): a real image in a format the OpenCV build does not read.
QByteArray gif()
{
    return QByteArray::fromBase64("R0lGODlhCAAGAPIAAP8AAMwAM5kAZmYAmTMAzAAA/"
                                  "wAAAAAAACH5BAAAAAAALAAAAAAIAAYAAAMQCLoa/k7IKYe9luiti/9eAgA7");
}

/** rgbJpeg() with an EXIF block saying "rotate 90 degrees clockwise to display" (orientation 6). */
QByteArray rotatedJpeg()
{
    // Big-endian TIFF with one IFD entry: tag 0x0112 (Orientation), SHORT, count 1, value 6.
    const QByteArray tiff = QByteArray("MM\0\x2a\0\0\0\x08", 8) + QByteArray("\0\x01", 2) +
                            QByteArray("\x01\x12\0\x03\0\0\0\x01\0\x06\0\0", 12) + QByteArray(4, '\0');
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    const quint16 length = qToBigEndian(quint16(payload.size() + 2));
    const QByteArray app1 =
        QByteArray("\xFF\xE1", 2) + QByteArray(reinterpret_cast<const char *>(&length), 2) + payload;
    QByteArray jpeg = rgbJpeg();
    return jpeg.insert(2, app1);
}

/** rgbJpeg() whose start-of-frame claims width x height. */
QByteArray jpegClaiming(quint16 width, quint16 height)
{
    QByteArray jpeg = rgbJpeg();
    const qsizetype sof = jpeg.indexOf("\xFF\xC0");
    Q_ASSERT(sof > 0);
    const quint16 h = qToBigEndian(height);
    const quint16 w = qToBigEndian(width);
    jpeg.replace(sof + 5, 2, QByteArray(reinterpret_cast<const char *>(&h), 2));
    jpeg.replace(sof + 7, 2, QByteArray(reinterpret_cast<const char *>(&w), 2));
    return jpeg;
}

// ---- .npy bytes ---------------------------------------------------------------------

/** A .npy file of the given format version with the header dict and raw data as given. */
QByteArray npy(int major, const QByteArray &dict, const QByteArray &data)
{
    const int lengthBytes = major == 1 ? 2 : 4;
    QByteArray header = dict;
    const qsizetype unpadded = 8 + lengthBytes + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.append('\n');
    QByteArray out("\x93NUMPY", 6);
    out.append(char(major)).append(char(0));
    const quint32 length = qToLittleEndian(quint32(header.size()));
    out.append(reinterpret_cast<const char *>(&length), lengthBytes);
    return out + header + data;
}

QByteArray dict(const char *descr, const char *shape, bool fortran)
{
    return QByteArray("{'descr': '") + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
           ", 'shape': " + shape + ", }";
}

/** Row-major values in column-major order, for Fortran-order files. */
std::vector<double> transposed(const std::vector<double> &values, int rows, int cols)
{
    std::vector<double> out(values.size());
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            out[size_t(c * rows + r)] = values[size_t(r * cols + c)];
    return out;
}

QByteArray predictionsF4()
{
    return npy(1, dict("<f4", "(4, 3)"), encode<float>(kProbabilities));
}

FolderSpec labelsOnly()
{
    FolderSpec folder = FolderSpec()
                            .withFile(kClasses, "cat\ndog\nbird\n")
                            .withFile(kSamples, "id,image,label\n"
                                                "s1,img/s1.png,cat\n"
                                                "s2,img/s2.png,dog\n"
                                                "s3,img/s3.png,bird\n"
                                                "s4,img/s4.png,cat\n");
    for (int i = 1; i <= 4; ++i)
        folder = folder.withFile(QStringLiteral("img/s%1.png").arg(i), png(2, 2));
    return folder;
}

FolderSpec withPredictions()
{
    return labelsOnly().withFile(kPredictions, predictionsF4());
}

QString makeGoodProject(const QString &scratch, const QString &path)
{
    if (!withPredictions().writeTo(scratch).isEmpty())
        return {};
    Progress progress;
    importDataset(scratch, path, ImportOptions(), progress);
    return path;
}

QStringList entriesBelow(const QString &folder)
{
    QStringList entries;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        entries << QDir(folder).relativeFilePath(it.next());
    entries.sort();
    return entries;
}

/** A hash of every file below folder, names included: "changed at all?" in one value. */
QByteArray treeHash(const QString &folder)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &entry : entriesBelow(folder)) {
        hash.addData(entry.toUtf8());
        QFile file(QDir(folder).filePath(entry));
        if (QFileInfo(file.fileName()).isFile() && file.open(QIODevice::ReadOnly))
            hash.addData(file.readAll());
    }
    return hash.result();
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

/** Each row's cells joined by '|', NULL as "NULL". */
QStringList textRows(SqliteDatabase &db, const QString &sql)
{
    QStringList rows;
    auto statement = db.prepare(sql);
    while (statement.step()) {
        QStringList cells;
        for (int c = 0; c < statement.columnCount(); ++c)
            cells << (statement.isNull(c) ? QStringLiteral("NULL") : statement.columnText(c));
        rows << cells.join(QLatin1Char('|'));
    }
    return rows;
}

long peakResidentKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace loupe::test
