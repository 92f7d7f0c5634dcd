// The bad-input catalogue (issue 5): one case per kind of bad file a pipeline can hand
// Loupe, each asserting the exact outcome: a loupe::Error naming the file, the row or
// field and the problem, or a documented conversion (docs/import-format.md). Imports
// that fail must leave no project and no temporary file behind, and an existing
// project must keep every byte.
//
// Cases the older per-class tests already pin down are not repeated here; they count
// towards the catalogue and are listed in docs/import-format.md ("Bad input").

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <system_error>
#include <type_traits>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include "storage/runarrays.h"
#include "analysis/quality/duplicateimagescan.h"
#include "errorof.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "export/exports.h"
#include "formats/csvreader.h"
#include "import/datasetimport.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/projectschema.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

using loupe::DuplicateImageScan;
using loupe::ImageFacts;
using loupe::Project;

using loupe::test::errorOf;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

const QString kClasses = QStringLiteral("classes.txt");
const QString kSamples = QStringLiteral("samples.csv");
const QString kPredictions = QStringLiteral("predictions.npy");
const QString kEmbeddings = QStringLiteral("embeddings.npy");

// ---- image bytes ------------------------------------------------------------------

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
QByteArray png(quint32 width, quint32 height, int bitDepth = 8, int colorType = 2)
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

QByteArray dict(const char *descr, const char *shape, bool fortran = false)
{
    return QByteArray("{'descr': '") + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
           ", 'shape': " + shape + ", }";
}

/** values stored as T in the given byte order. */
template<typename T> QByteArray encode(const std::vector<double> &values, bool bigEndian = false)
{
    QByteArray out;
    for (const double value : values) {
        T stored{};
        if constexpr (std::is_same_v<T, qfloat16>)
            stored = qfloat16(float(value));
        else
            stored = T(value);
        uchar bytes[sizeof(T)];
        std::memcpy(bytes, &stored, sizeof(T));
        if (bigEndian == (std::endian::native == std::endian::little))
            std::reverse(bytes, bytes + sizeof(T));
        out.append(reinterpret_cast<const char *>(bytes), sizeof(T));
    }
    return out;
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

// Row i is sample s(i+1); every row sums to 1 exactly in binary too (halves and quarters).
const std::vector<double> kProbabilities = {0.5,  0.25, 0.25, 0.25, 0.5,   0.25,
                                            0.25, 0.25, 0.5,  0.75, 0.125, 0.125};

QByteArray predictionsF4()
{
    return npy(1, dict("<f4", "(4, 3)"), encode<float>(kProbabilities));
}

// ---- folders --------------------------------------------------------------------------

/** A Loupe folder as file name -> bytes, plus symbolic links; builders return changed copies. */
class Folder
{
public:
    Folder with(const QString &path, const QByteArray &bytes) const
    {
        Folder copy = *this;
        copy.m_links.remove(path);
        copy.m_files.insert(path, bytes);
        return copy;
    }
    Folder withLink(const QString &path, const QString &target) const
    {
        Folder copy = *this;
        copy.m_files.remove(path);
        copy.m_links.insert(path, target);
        return copy;
    }
    Folder without(const QString &path) const
    {
        Folder copy = *this;
        copy.m_files.remove(path);
        copy.m_links.remove(path);
        return copy;
    }

    /** Writes below root; returns the first failure, empty on success. */
    QString writeTo(const QString &root) const
    {
        const QDir dir(root);
        for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
            dir.mkpath(QFileInfo(dir.filePath(it.key())).path());
            QFile file(dir.filePath(it.key()));
            if (!file.open(QIODevice::WriteOnly) || file.write(it.value()) != it.value().size())
                return it.key() + QStringLiteral(": ") + file.errorString();
        }
        for (auto it = m_links.cbegin(); it != m_links.cend(); ++it) {
            dir.mkpath(QFileInfo(dir.filePath(it.key())).path());
            std::error_code error;
            std::filesystem::create_symlink(QFile::encodeName(it.value()).toStdString(),
                                            QFile::encodeName(dir.filePath(it.key())).toStdString(), error);
            if (error)
                return it.key() + QStringLiteral(": ") + QString::fromStdString(error.message());
        }
        return {};
    }

private:
    QMap<QString, QByteArray> m_files;
    QMap<QString, QString> m_links;
};

/** Three classes, four labelled samples (lines 2-5 of samples.csv) with real PNGs, no model outputs. */
Folder labelsOnly()
{
    Folder folder = Folder()
                        .with(kClasses, "cat\ndog\nbird\n")
                        .with(kSamples, "id,image,label\n"
                                        "s1,img/s1.png,cat\n"
                                        "s2,img/s2.png,dog\n"
                                        "s3,img/s3.png,bird\n"
                                        "s4,img/s4.png,cat\n");
    for (int i = 1; i <= 4; ++i)
        folder = folder.with(QStringLiteral("img/s%1.png").arg(i), png(2, 2));
    return folder;
}

Folder withPredictions()
{
    return labelsOnly().with(kPredictions, predictionsF4());
}

/** Sorted relative paths of every entry below folder, hidden ones included. */
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
QStringList textRows(loupe::SqliteDatabase &db, const QString &sql)
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

#define WRITE_FOLDER(folder, path)                                                                           \
    do {                                                                                                     \
        const QString problem_ = (folder).writeTo(path);                                                     \
        QVERIFY2(problem_.isEmpty(), qPrintable(QStringLiteral("cannot write the fixture: ") + problem_));   \
    } while (false)

} // namespace

Q_DECLARE_METATYPE(Folder)

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // Imports that must fail, naming file, row and problem, and write nothing.
    void refusedImports_data();
    void refusedImports();
    // Imports that succeed with a documented conversion.
    void acceptedImports_data();
    void acceptedImports();
    void npyConversions_data();
    void npyConversions();
    void tenMegabyteFieldIsKept();
    void formulaCellsStayTextThroughExport();
    void classFolderLinkLoopTerminates();

    // Images, as the analysis reads them.
    void images_data();
    void images();
    void hugeImageHeaderIsRefusedBeforeDecoding_data();
    void hugeImageHeaderIsRefusedBeforeDecoding();

    // Project files.
    void refusedProjectFiles_data();
    void refusedProjectFiles();
    void readOnlyProjectOpensReadOnly_data();
    void readOnlyProjectOpensReadOnly();
    void busyProjectWaitsThenReports();

private:
    QString dataFolder() const { return m_root->filePath(QStringLiteral("data")); }
    QString outputFolder() const { return m_root->filePath(QStringLiteral("out")); }
    QString projectPath() const { return QDir(outputFolder()).filePath(QStringLiteral("project.loupe")); }
    /** Imports dataFolder() into projectPath(); the error message, or empty on success. */
    QString importError(bool overwrite = false);
    /** A real project in outputFolder(), from a good folder; returns its path. */
    QString makeProject(const QString &name);

    std::unique_ptr<QTemporaryDir> m_root;
};

void TestBadInput::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    QVERIFY(QDir(m_root->path()).mkpath(QStringLiteral("out")));
    // A file beside the dataset folder, for the paths that try to reach it.
    WRITE_FOLDER(Folder().with(QStringLiteral("outside.png"), png(2, 2)), m_root->path());
}

void TestBadInput::cleanup()
{
    m_root.reset();
}

QString TestBadInput::importError(bool overwrite)
{
    loupe::ImportOptions options;
    options.overwrite = overwrite;
    loupe::Progress progress;
    return errorOf([&] { loupe::importDataset(dataFolder(), projectPath(), options, progress); });
}

QString TestBadInput::makeProject(const QString &name)
{
    const QString folder = m_root->filePath(QStringLiteral("good"));
    const QString problem = withPredictions().writeTo(folder);
    if (!problem.isEmpty())
        return {};
    const QString path = QDir(outputFolder()).filePath(name);
    loupe::Progress progress;
    loupe::importDataset(folder, path, loupe::ImportOptions(), progress);
    return path;
}

// ---- refused imports ----------------------------------------------------------------------

void TestBadInput::refusedImports_data()
{
    QTest::addColumn<Folder>("folder");
    QTest::addColumn<QString>("expected");

    const Folder labels = labelsOnly();
    const Folder model = withPredictions();
    const auto csv = [&labels](const char *text) {
        return labels.with(kSamples, text);
    };
    const auto predictions = [&model](const QByteArray &bytes) {
        return model.with(kPredictions, bytes);
    };

    // samples.csv
    QTest::newRow("csv: missing required column")
        << csv("id,image,split\ns1,img/s1.png,train\n")
        << QStringLiteral("samples.csv:1: missing required column \"label\"");
    QTest::newRow("csv: unknown class name")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,Dog\n")
        << QStringLiteral("samples.csv:3: unknown class \"Dog\" (not in classes.txt)");
    QTest::newRow("csv: duplicate id")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,dog\ns2,img/s3.png,bird\n")
        << QStringLiteral("samples.csv:4: id \"s2\" is already on line 3");
    QTest::newRow("csv: ragged row")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png\ns3,img/s3.png,bird\n")
        << QStringLiteral("samples.csv:3: has 2 fields; the header has 3");
    QTest::newRow("csv: quote inside an unquoted field")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s\"2\".png,dog\n")
        << QStringLiteral("samples.csv:3: field 2: unexpected '\"' in an unquoted field (a field containing "
                          "quotes must be quoted, with each quote inside it doubled)");
    QTest::newRow("csv: text after a closing quote")
        << csv("id,image,label\n\"s1\"x,img/s1.png,cat\n")
        << QStringLiteral("samples.csv:2: field 1: unexpected text after the closing quote (a quote inside a "
                          "quoted field must be doubled)");
    QTest::newRow("csv: unterminated quote")
        << csv("id,image,label\ns1,img/s1.png,cat\n\"s2,img/s2.png,dog\ns3,img/s3.png,bird\n")
        << QStringLiteral("samples.csv:3: unterminated quoted field");
    QTest::newRow("csv: empty file")
        << csv("") << QStringLiteral("samples.csv: is empty; expected a header line with id,image,label");
    QTest::newRow("csv: only a byte order mark")
        << csv("\xEF\xBB\xBF")
        << QStringLiteral("samples.csv: is empty; expected a header line with id,image,label");
    QTest::newRow("csv: header only")
        << csv("id,image,label\r\n") << QStringLiteral("samples.csv: has a header but no samples");
    QTest::newRow("csv: Latin-1 bytes")
        << labels.with(kClasses, "cat\ndog\nbird\n")
               .with(kSamples, "id,image,label,note\ns1,img/s1.png,cat,caf\xE9\n")
        << QStringLiteral("samples.csv:2: invalid UTF-8 text in field 4 (save the file as UTF-8)");
    QTest::newRow("csv: invalid UTF-8 in a quoted field")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,\"img/\xC3\x28.png\",dog\n")
        << QStringLiteral("samples.csv:3: invalid UTF-8 text in field 2 (save the file as UTF-8)");
    QTest::newRow("classes.txt: Latin-1 bytes")
        << labels.with(kClasses, "cat\ndog\nbird\ncaf\xE9\n")
        << QStringLiteral("classes.txt:4: invalid UTF-8 text (save the file as UTF-8)");

    // .npy files
    QTest::newRow("npy: wrong magic")
        << predictions(predictionsF4().replace(0, 6, "NUMPY!"))
        << QStringLiteral("predictions.npy: not a NumPy .npy file (bad magic number)");
    QTest::newRow("npy: zero bytes") << predictions(QByteArray())
                                     << QStringLiteral(
                                            "predictions.npy: not a NumPy .npy file: the file is empty");
    QTest::newRow("npy: version 4.0")
        << predictions(predictionsF4().replace(6, 1, "\x04"))
        << QStringLiteral(
               "predictions.npy: unsupported .npy format version 4.0 (supported: 1.0, 2.0 and 3.0)");
    QTest::newRow("npy: 3-D")
        << predictions(npy(1, dict("<f4", "(4, 3, 1)"), encode<float>(kProbabilities)))
        << QStringLiteral(
               "predictions.npy: only 1-D and 2-D arrays are supported, this one has shape (4, 3, 1)");
    QTest::newRow("npy: transposed shape")
        << predictions(npy(1, dict("<f4", "(3, 4)"), encode<float>(kProbabilities)))
        << QStringLiteral("predictions.npy: has 3 rows but samples.csv has 4 samples\n"
                          "predictions.npy: has 4 columns but classes.txt lists 3 classes");
    QTest::newRow("npy: truncated data")
        << predictions(predictionsF4().chopped(8))
        << QStringLiteral("predictions.npy: data is truncated: expected 48 bytes, found 40");
    QTest::newRow("npy: truncated header")
        << predictions(predictionsF4().left(30))
        << QStringLiteral(
               "predictions.npy: the header is truncated: it declares 118 bytes, the file has 20 after "
               "the preamble");
    QTest::newRow("npy: complex dtype")
        << predictions(npy(1, dict("<c8", "(4, 3)"), QByteArray(96, '\0')))
        << QStringLiteral(
               "predictions.npy: unsupported dtype '<c8' (complex numbers); only float16/32/64 and "
               "(u)int8/16/32/64 are supported");
    QTest::newRow("npy: NaN in float64")
        << predictions(
               npy(1, dict("<f8", "(4, 3)"),
                   encode<double>({0.5, 0.25, 0.25, 0.25, kNaN, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125, 0.125})))
        << QStringLiteral("predictions.npy: row 1: NaN in column 1");
    QTest::newRow("npy: infinity in float16 embeddings")
        << model.with(kEmbeddings,
                      npy(1, dict("<f2", "(4, 2)"), encode<qfloat16>({0, 1, 2, 3, 4, 1e6, 6, 7})))
        << QStringLiteral("embeddings.npy: row 2: infinity in column 1");
    QTest::newRow("npy: float64 beyond float32 range")
        << model.with(kEmbeddings, npy(1, dict("<f8", "(4, 1)"), encode<double>({0, 1e300, 0, 0})))
        << QStringLiteral("embeddings.npy: row 1: infinity in column 0");
    QTest::newRow("npy: row sums to 1.0011 (outside 0.001)")
        << predictions(
               npy(1, dict("<f8", "(4, 3)"),
                   encode<double>({0.5, 0.25, 0.2511, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125, 0.125})))
        << QStringLiteral(
               "predictions.npy: row 0: probabilities sum to 1.0011, not 1 (tolerance 0.001); save "
               "unnormalised scores as logits.npy instead");
    QTest::newRow("npy: sigmoid outputs")
        << predictions(
               npy(1, dict("<f4", "(4, 3)"),
                   encode<float>({0.9, 0.8, 0.1, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125, 0.125})))
        << QStringLiteral("predictions.npy: row 0: probabilities sum to 1.8, not 1 (tolerance 0.001); save "
                          "unnormalised scores as logits.npy instead");
    QTest::newRow("npy: more rows than samples")
        << predictions(npy(1, dict("<f4", "(5, 3)"),
                           encode<float>({0.5, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125,
                                          0.125, 1, 0, 0})))
        << QStringLiteral("predictions.npy: has 5 rows but samples.csv has 4 samples");
    QTest::newRow("npy: fewer rows than samples (one sample dropped from samples.csv)")
        << model.with(kSamples, "id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,dog\ns3,img/s3.png,bird\n")
        << QStringLiteral("predictions.npy: has 4 rows but samples.csv has 3 samples");

    // Image files, as far as the importer looks (it does not decode them).
    QTest::newRow("image: missing") << labels.without(QStringLiteral("img/s3.png"))
                                    << QStringLiteral("samples.csv:4: image \"img/s3.png\" does not exist");

    // Paths
    QTest::newRow("path: absolute")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,/etc/hostname,dog\n")
        << QStringLiteral(
               "samples.csv:3: image path \"/etc/hostname\" is absolute; paths must be relative to the "
               "dataset folder");
    QTest::newRow("path: absolute, to a file inside the folder")
        << labels.with(kSamples, "id,image,label\ns1,DATA/img/s1.png,cat\n")
        << QStringLiteral(
               "samples.csv:2: image path \"DATA/img/s1.png\" is absolute; paths must be relative to "
               "the dataset folder");
    QTest::newRow("path: .. escapes")
        << csv("id,image,label\ns1,../outside.png,cat\n")
        << QStringLiteral("samples.csv:2: image path \"../outside.png\" escapes the dataset folder");
    QTest::newRow("path: .. escapes and comes back")
        << csv("id,image,label\ns1,img/../../data/img/s1.png,cat\n")
        << QStringLiteral(
               "samples.csv:2: image path \"img/../../data/img/s1.png\" escapes the dataset folder");
    QTest::newRow("path: symlink loop")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/loop.png,dog\n")
               .withLink(QStringLiteral("img/loop.png"), QStringLiteral("loop.png"))
        << QStringLiteral("samples.csv:3: image \"img/loop.png\" is a broken link or a link loop");
    QTest::newRow("path: folder link loop")
        << csv("id,image,label\ns1,img/self/self/self/s1.png,cat\n")
               .withLink(QStringLiteral("img/self"), QStringLiteral("../img/self"))
        << QStringLiteral(
               "samples.csv:2: image \"img/self/self/self/s1.png\" is a broken link or a link loop");
    QTest::newRow("path: backslashes")
        << csv("id,image,label\ns1,img\\s1.png,cat\n")
        << QStringLiteral("samples.csv:2: image \"img\\s1.png\" does not exist");
}

void TestBadInput::refusedImports()
{
    QFETCH(Folder, folder);
    QFETCH(QString, expected);
    WRITE_FOLDER(folder, dataFolder());
    // "DATA/" stands for the dataset folder's absolute path, which the table cannot know.
    const QString data = dataFolder() + QLatin1Char('/');
    if (expected.contains(QStringLiteral("\"DATA/"))) {
        expected.replace(QStringLiteral("\"DATA/"), QLatin1Char('"') + data);
        QFile file(QDir(dataFolder()).filePath(kSamples));
        QVERIFY(file.open(QIODevice::ReadWrite));
        const QByteArray text = file.readAll().replace("DATA/", QFile::encodeName(data));
        QVERIFY(file.resize(0) && file.write(text) == text.size());
    }
    const QByteArray datasetBefore = treeHash(dataFolder());

    // Into a new project: the exact message, and nothing written.
    QString message = importError();
    QVERIFY2(message == expected, qPrintable(QStringLiteral("the message was:\n") + message));
    QCOMPARE(entriesBelow(outputFolder()), QStringList());

    // Over an existing project (--force): it keeps every byte, and no temporary file is left.
    const QString existing = makeProject(QStringLiteral("project.loupe"));
    QVERIFY(QFileInfo::exists(existing));
    const QByteArray projectBefore = fileHash(existing);
    message = importError(true);
    QVERIFY2(message == expected, qPrintable(QStringLiteral("the message was:\n") + message));
    QCOMPARE(fileHash(existing), projectBefore);
    QCOMPARE(entriesBelow(outputFolder()), QStringList{QStringLiteral("project.loupe")});
    QCOMPARE(treeHash(dataFolder()), datasetBefore);
}

// ---- accepted imports -------------------------------------------------------------------

void TestBadInput::acceptedImports_data()
{
    QTest::addColumn<Folder>("folder");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("rows");

    const Folder labels = labelsOnly();
    const QString samplesSql = QStringLiteral("SELECT id, image, label FROM samples ORDER BY sample_index");
    const QString predictionsSql = QStringLiteral(
        "SELECT sample_index, predicted, printf('%.5f', confidence) FROM predictions ORDER BY sample_index");

    QTest::newRow("csv: byte order mark")
        << labels.with(kSamples, "\xEF\xBB\xBFid,image,label\ns1,img/s1.png,cat\n") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0")};
    QTest::newRow("csv: CRLF, with a CRLF kept inside a quoted cell")
        << labels.with(kSamples, "id,image,label,note\r\ns1,img/s1.png,cat,\"two\r\nlines\"\r\n"
                                 "s2,img/s2.png,dog,x\r\n")
        << QStringLiteral("SELECT s.id, s.label, m.note FROM samples s JOIN sample_metadata m USING "
                          "(sample_index) ORDER BY s.sample_index")
        << QStringList{QStringLiteral("s1|0|two\r\nlines"), QStringLiteral("s2|1|x")};
    QTest::newRow("csv: lone CR line ends (classic Mac)")
        << labels.with(kSamples, "id,image,label\rs1,img/s1.png,cat\rs2,img/s2.png,dog\r") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0"), QStringLiteral("s2|img/s2.png|1")};
    QTest::newRow("classes.txt: BOM, CRLF and padding")
        << labels.with(kClasses, "\xEF\xBB\xBF"
                                 "cat\r\n dog \r\nbird\r\n")
        << QStringLiteral("SELECT class_index, name FROM classes ORDER BY class_index")
        << QStringList{QStringLiteral("0|cat"), QStringLiteral("1|dog"), QStringLiteral("2|bird")};
    QTest::newRow("path: spaces and non-ASCII names, kept verbatim")
        << labels
               .with(kSamples, "id,image,label\n"
                               "été 1,img/été photo 1.png,cat\n"
                               "猫,img/猫 子/ねこ.png,dog\n")
               .with(QStringLiteral("img/été photo 1.png"), png(2, 2))
               .with(QStringLiteral("img/猫 子/ねこ.png"), png(2, 2))
        << samplesSql
        << QStringList{QStringLiteral("été 1|img/été photo 1.png|0"),
                       QStringLiteral("猫|img/猫 子/ねこ.png|1")};
    QTest::newRow("path: ./ and doubled slashes are cleaned")
        << labels.with(kSamples, "id,image,label\ns1,./img//s1.png,cat\n") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0")};
    QTest::newRow("path: .. that stays inside")
        << labels.with(kSamples, "id,image,label\ns1,img/../img/s1.png,cat\n") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0")};
    // The importer checks that image files exist, not that they decode: a broken image is
    // the analysis's "malformed image" finding (see images()), not a reason to refuse labels.
    QTest::newRow("image: 0 bytes, truncated, unsupported format")
        << labels.with(QStringLiteral("img/s1.png"), QByteArray())
               .with(QStringLiteral("img/s2.png"), png(2, 2).left(40))
               .with(QStringLiteral("img/s3.png"), gif())
        << QStringLiteral("SELECT count(*) FROM samples") << QStringList{QStringLiteral("4")};
    QTest::newRow("npy: row sums to 1.0009 (inside 0.001), renormalised")
        << labels.with(kPredictions, npy(1, dict("<f8", "(4, 3)"),
                                         encode<double>({0.5, 0.25, 0.2509, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5,
                                                         0.75, 0.125, 0.125})))
        << predictionsSql
        << QStringList{QStringLiteral("0|0|%1").arg(0.5 / 1.0009, 0, 'f', 5), QStringLiteral("1|1|0.50000"),
                       QStringLiteral("2|2|0.50000"), QStringLiteral("3|0|0.75000")};
}

void TestBadInput::acceptedImports()
{
    QFETCH(Folder, folder);
    QFETCH(QString, sql);
    QFETCH(QStringList, rows);
    WRITE_FOLDER(folder, dataFolder());
    const QByteArray datasetBefore = treeHash(dataFolder());

    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    QCOMPARE(entriesBelow(outputFolder()), QStringList{QStringLiteral("project.loupe")});
    QCOMPARE(treeHash(dataFolder()), datasetBefore);
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    QCOMPARE(textRows(project->database(), sql), rows);
}

void TestBadInput::npyConversions_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("array"); // a RunArray
    QTest::addColumn<std::vector<double>>("expected");

    const std::vector<double> &p = kProbabilities;
    const std::vector<double> embedding = {-3, 0, 1, 2, 7, -32768, 32767, 5};
    QTest::newRow("format 2.0") << kPredictions << npy(2, dict("<f4", "(4, 3)"), encode<float>(p))
                                << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("format 3.0") << kPredictions << npy(3, dict("<f4", "(4, 3)"), encode<float>(p))
                                << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("big-endian float32")
        << kPredictions << npy(1, dict(">f4", "(4, 3)"), encode<float>(p, true))
        << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("big-endian float64")
        << kPredictions << npy(1, dict(">f8", "(4, 3)"), encode<double>(p, true))
        << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("float16") << kPredictions << npy(1, dict("<f2", "(4, 3)"), encode<qfloat16>(p))
                             << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("float64") << kPredictions << npy(1, dict("<f8", "(4, 3)"), encode<double>(p))
                             << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("Fortran order") << kPredictions
                                   << npy(1, dict("<f4", "(4, 3)", true), encode<float>(transposed(p, 4, 3)))
                                   << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("Fortran order, big-endian float64")
        << kPredictions << npy(1, dict(">f8", "(4, 3)", true), encode<double>(transposed(p, 4, 3), true))
        << int(loupe::RunArray::Probabilities) << p;
    const std::vector<double> oneHot = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
    QTest::newRow("uint8 one-hot predictions")
        << kPredictions << npy(1, dict("|u1", "(4, 3)"), encode<quint8>(oneHot))
        << int(loupe::RunArray::Probabilities) << oneHot;
    QTest::newRow("int16 embeddings")
        << kEmbeddings << npy(1, dict("<i2", "(4, 2)"), encode<qint16>(embedding))
        << int(loupe::RunArray::Embeddings) << embedding;
    QTest::newRow("big-endian int64 embeddings")
        << kEmbeddings << npy(1, dict(">i8", "(4, 2)"), encode<qint64>(embedding, true))
        << int(loupe::RunArray::Embeddings) << embedding;
    QTest::newRow("1-D embeddings are one column")
        << kEmbeddings << npy(1, dict("<f4", "(4,)"), encode<float>({1, 2, 3, 4}))
        << int(loupe::RunArray::Embeddings) << std::vector<double>{1, 2, 3, 4};
}

void TestBadInput::npyConversions()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, bytes);
    QFETCH(int, array);
    QFETCH(std::vector<double>, expected);
    WRITE_FOLDER(withPredictions().with(file, bytes), dataFolder());

    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    const std::vector<float> values =
        loupe::RunArrays(project->database(), project->latestRunId()).read(loupe::RunArray(array));
    QCOMPARE(values.size(), expected.size());
    for (size_t i = 0; i < values.size(); ++i)
        QVERIFY2(
            std::abs(values[i] - expected[i]) < 1e-6,
            qPrintable(QStringLiteral("value %1 is %2, expected %3").arg(i).arg(values[i]).arg(expected[i])));
}

void TestBadInput::tenMegabyteFieldIsKept()
{
    // A 10 MiB cell (a serialized mask, say) is far below the reader's 256 MiB cap, which
    // exists to stop a missing closing quote from swallowing the file: it is stored whole.
    QByteArray big(10 << 20, 'x');
    for (qsizetype i = 0; i < big.size(); i += 4096)
        big[i] = ",\n\""[(i / 4096) % 3]; // separators, line breaks and quotes inside the cell
    const QByteArray escaped = QByteArray(big).replace("\"", "\"\"");
    const QByteArray csv =
        "id,image,label,mask\ns1,img/s1.png,cat,\"" + escaped + "\"\ns2,img/s2.png,dog,small\n";
    WRITE_FOLDER(labelsOnly().with(kSamples, csv), dataFolder());

    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT length(CAST(mask AS BLOB)), typeof(mask) FROM sample_metadata "
                                     "ORDER BY sample_index")),
             (QStringList{QStringLiteral("%1|text").arg(big.size()), QStringLiteral("5|text")}));
    auto statement = project->database().prepare(
        QStringLiteral("SELECT mask FROM sample_metadata WHERE sample_index = 0"));
    QVERIFY(statement.step());
    QVERIFY(statement.columnText(0).toUtf8() == big);
}

void TestBadInput::formulaCellsStayTextThroughExport()
{
    // Spreadsheet formula injection: cells are never evaluated on import, and exports write
    // them back verbatim (RFC 4180 quoting only), so that ids join back to the user's data.
    // No "'" prefix (OWASP's advice for spreadsheet exports): it would change the ids.
    const QStringList formulas = {QStringLiteral("=cmd|' /C calc'!A0"), QStringLiteral("+1+1"),
                                  QStringLiteral("-2+3"), QStringLiteral("@SUM(A1:A9)")};
    WRITE_FOLDER(withPredictions().with(kSamples,
                                        "id,image,label,note\n"
                                        "=cmd|' /C calc'!A0,img/s1.png,cat,\"=HYPERLINK(\"\"http://x\"\")\"\n"
                                        "+1+1,img/s2.png,dog,=1+1\n"
                                        "-2+3,img/s3.png,bird,\t=1\n"
                                        "@SUM(A1:A9),img/s4.png,cat,-1\n"),
                 dataFolder());
    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));

    auto project = Project::open(projectPath());
    QCOMPARE(
        textRows(project->database(), QStringLiteral("SELECT s.id, m.note, typeof(m.note) FROM samples s "
                                                     "JOIN sample_metadata m USING (sample_index) ORDER BY "
                                                     "s.sample_index")),
        (QStringList{formulas[0] + QStringLiteral("|=HYPERLINK(\"http://x\")|text"),
                     formulas[1] + QStringLiteral("|=1+1|text"), formulas[2] + QStringLiteral("|\t=1|text"),
                     formulas[3] + QStringLiteral("|-1|text")}));

    const loupe::SampleTable table = loupe::loadSampleTable(*project);
    const QString labelsCsv = QDir(outputFolder()).filePath(QStringLiteral("labels.csv"));
    const QString suspectsCsv = QDir(outputFolder()).filePath(QStringLiteral("suspects.csv"));
    loupe::exportLabels(table, labelsCsv);
    loupe::exportSuspects(table, loupe::lossBasedSuspects(table), suspectsCsv);

    QFile labels(labelsCsv);
    QVERIFY(labels.open(QIODevice::ReadOnly));
    QCOMPARE(labels.readAll(), QByteArray("id,image,label,original_label,edited,review\n"
                                          "=cmd|' /C calc'!A0,img/s1.png,cat,cat,0,\n"
                                          "+1+1,img/s2.png,dog,dog,0,\n"
                                          "-2+3,img/s3.png,bird,bird,0,\n"
                                          "@SUM(A1:A9),img/s4.png,cat,cat,0,\n"));
    QStringList exportedIds;
    loupe::CsvReader reader(suspectsCsv);
    std::vector<QString> fields;
    QVERIFY(reader.readRecord(fields)); // header
    while (reader.readRecord(fields))
        exportedIds << fields[0];
    exportedIds.sort();
    QStringList sorted = formulas;
    sorted.sort();
    QCOMPARE(exportedIds, sorted);
}

void TestBadInput::classFolderLinkLoopTerminates()
{
    // Class-folder trees are walked without following links into folders, so a link back
    // up the tree, or a link to itself, cannot make the scan run forever.
    WRITE_FOLDER(Folder()
                     .with(QStringLiteral("cat/a.png"), png(2, 2))
                     .with(QStringLiteral("dog/b.png"), png(2, 2))
                     .withLink(QStringLiteral("cat/up"), QStringLiteral(".."))
                     .withLink(QStringLiteral("dog/self"), QStringLiteral("self")),
                 dataFolder());
    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT s.image, c.name FROM samples s JOIN classes c ON "
                                     "c.class_index = s.label ORDER BY s.sample_index")),
             (QStringList{QStringLiteral("cat/a.png|cat"), QStringLiteral("dog/b.png|dog")}));
}

// ---- images -------------------------------------------------------------------------------

void TestBadInput::images_data()
{
    QTest::addColumn<QByteArray>("bytes"); // null: no file at all
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error"); // empty: any non-empty reason is fine for Undecodable
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("depth");

    using S = ImageFacts::Status;
    QTest::newRow("missing") << QByteArray() << int(S::Missing) << QStringLiteral("No such file or directory")
                             << 0 << 0 << 0 << 0;
    QTest::newRow("0 bytes") << QByteArray("") << int(S::Empty) << QString() << 0 << 0 << 0 << 0;
    QTest::newRow("truncated PNG") << png(8, 6).chopped(30) << int(S::Undecodable) << QString() << 0 << 0 << 0
                                   << 0;
    QTest::newRow("truncated JPEG, in the headers")
        << rgbJpeg().chopped(40) << int(S::Undecodable) << QString() << 0 << 0 << 0 << 0;
    // libjpeg would fill the missing rows with grey and call it decoded.
    const QString truncatedJpeg = QStringLiteral("the JPEG file is truncated (no end-of-image marker)");
    QTest::newRow("truncated JPEG, in the image data")
        << rgbJpeg().chopped(8) << int(S::Undecodable) << truncatedJpeg << 0 << 0 << 0 << 0;
    QTest::newRow("truncated JPEG, only the end marker lost")
        << rgbJpeg().chopped(2) << int(S::Undecodable) << truncatedJpeg << 0 << 0 << 0 << 0;
    QTest::newRow("CMYK JPEG, converted to 3 channels")
        << cmykJpeg() << int(S::Decoded) << QString() << 8 << 6 << 3 << 0;
    QTest::newRow("16-bit PNG, kept 16-bit")
        << png(8, 6, 16, 0) << int(S::Decoded) << QString() << 8 << 6 << 1 << 2;
    // The scan hashes stored pixels and deliberately ignores EXIF orientation (see
    // duplicateimagescan.h); thumbnails honour it (QImageReader::setAutoTransform in ui/).
    QTest::newRow("EXIF orientation 6, stored pixels")
        << rotatedJpeg() << int(S::Decoded) << QString() << 8 << 6 << 3 << 0;
    QTest::newRow("unsupported format (GIF)")
        << gif() << int(S::Undecodable) << QStringLiteral("not a readable image") << 0 << 0 << 0 << 0;
    QTest::newRow("text file named .png") << QByteArray("id,image,label\n") << int(S::Undecodable)
                                          << QStringLiteral("not a readable image") << 0 << 0 << 0 << 0;
}

void TestBadInput::images()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, channels);
    QFETCH(int, depth);
    const QString path = m_root->filePath(QStringLiteral("image.png"));
    if (!bytes.isNull()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
    const ImageFacts facts = DuplicateImageScan::scan(path);
    QVERIFY2(int(facts.status) == status,
             qPrintable(QStringLiteral("status %1 (%2)").arg(int(facts.status)).arg(facts.error)));
    if (!error.isEmpty())
        QCOMPARE(facts.error, error);
    if (facts.status == ImageFacts::Status::Undecodable || facts.status == ImageFacts::Status::Missing)
        QVERIFY(!facts.error.isEmpty());
    QCOMPARE(facts.width, width);
    QCOMPARE(facts.height, height);
    QCOMPARE(facts.channels, channels);
    QCOMPARE(facts.depth, depth);
}

void TestBadInput::hugeImageHeaderIsRefusedBeforeDecoding_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");

    QTest::newRow("PNG, 50000 x 50000")
        << hugePngHeader(50000, 50000)
        << QStringLiteral("the header claims 50000 x 50000 pixels; images over "
                          "134 megapixels are not decoded");
    // Under OpenCV's own limit (2^30 pixels), so only Loupe's check stands in the way.
    QTest::newRow("PNG, 12000 x 12000")
        << hugePngHeader(12000, 12000)
        << QStringLiteral("the header claims 12000 x 12000 pixels; images over "
                          "134 megapixels are not decoded");
    QTest::newRow("JPEG, 20000 x 20000")
        << jpegClaiming(20000, 20000)
        << QStringLiteral("the header claims 20000 x 20000 pixels; images over "
                          "134 megapixels are not decoded");
}

void TestBadInput::hugeImageHeaderIsRefusedBeforeDecoding()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    const QString path = m_root->filePath(QStringLiteral("huge.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();

    const long peakBefore = peakResidentKiB();
    QElapsedTimer timer;
    timer.start();
    const ImageFacts facts = DuplicateImageScan::scan(path);
    QCOMPARE(int(facts.status), int(ImageFacts::Status::Undecodable));
    QCOMPARE(facts.error, error);
    // Refused from the header: no time spent decoding, no memory spent on pixels.
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(peakResidentKiB() - peakBefore < 32 * 1024,
             qPrintable(QStringLiteral("peak memory grew by %1 KiB").arg(peakResidentKiB() - peakBefore)));
}

// ---- project files --------------------------------------------------------------------------

void TestBadInput::refusedProjectFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected"); // a "..." at the end: the rest is SQLite's own words

    QTest::newRow("not SQLite") << QStringLiteral("text")
                                << QStringLiteral(
                                       "project.loupe: not a Loupe project (not an SQLite database)");
    QTest::newRow("0 bytes") << QStringLiteral("empty")
                             << QStringLiteral("project.loupe: not a Loupe project (not an SQLite database)");
    QTest::newRow("newer schema version")
        << QStringLiteral("newer")
        << QStringLiteral(
               "project.loupe: written by a newer Loupe (project format 99; this Loupe reads up to "
               "format %1): update Loupe to open it")
               .arg(loupe::ProjectSchema::kCurrentVersion);
    QTest::newRow("corrupted pages") << QStringLiteral("corrupt")
                                     << QStringLiteral("project.loupe: the file is damaged (SQLite integrity "
                                                       "check: ...");
    // Damage SQLite trips over while reading the schema, before the integrity check runs.
    QTest::newRow("truncated to half")
        << QStringLiteral("truncated")
        << QStringLiteral("project.loupe: the file is damaged (database disk image "
                          "is malformed)");
    // SQLite reads and writes the project through project.loupe-wal; a folder there stops
    // even reading, for root too.
    QTest::newRow("write-ahead log is a folder")
        << QStringLiteral("wal folder")
        << QStringLiteral("project.loupe: cannot be opened: project.loupe-wal, where SQLite keeps the "
                          "project's write-ahead log, is a folder; move it out of the way");
}

void TestBadInput::refusedProjectFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QString path = QDir(outputFolder()).filePath(QStringLiteral("project.loupe"));
    if (kind == QLatin1String("text") || kind == QLatin1String("empty")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(kind == QLatin1String("text") ? "id,image,label\n" : "");
    } else {
        path = makeProject(QStringLiteral("project.loupe"));
        QVERIFY(QFileInfo::exists(path));
        if (kind == QLatin1String("wal folder"))
            QVERIFY(QDir().mkdir(path + QStringLiteral("-wal")));
        if (kind == QLatin1String("newer")) {
            loupe::SqliteDatabase db(path, loupe::SqliteDatabase::Mode::ReadWrite);
            db.exec(QStringLiteral("PRAGMA user_version = 99"));
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 pageSize = 4096;
        const qint64 pages = file.size() / pageSize;
        QVERIFY(pages > 4);
        if (kind == QLatin1String("corrupt")) {
            // Garbage over every page after the schema page: what a bad disk or a copy
            // interrupted at the wrong moment leaves.
            for (qint64 page = 1; page < pages; ++page) {
                file.seek(page * pageSize);
                file.write(QByteArray(pageSize, char(0xA5)));
            }
        } else if (kind == QLatin1String("truncated")) {
            QVERIFY(file.resize(pages / 2 * pageSize));
        }
    }
    const QByteArray before = fileHash(path);
    const QStringList entries = entriesBelow(outputFolder());

    const QString message = errorOf([&] { Project::open(path); });
    if (expected.endsWith(QLatin1String("...")))
        QVERIFY2(message.startsWith(expected.chopped(3)) && message.size() > expected.size() + 60 &&
                     message.endsWith(QLatin1String("); it was not opened or changed: restore a backup")),
                 qPrintable(message));
    else
        QVERIFY2(message == expected, qPrintable(message));
    QCOMPARE(fileHash(path), before);
    QCOMPARE(entriesBelow(outputFolder()), entries);
}

void TestBadInput::readOnlyProjectOpensReadOnly_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reason");

    QTest::newRow("opened read-only") << QStringLiteral("access") << QStringLiteral("opened read-only");
    // Root writes to a file whatever its mode says (and CI runs as root), so only other users
    // get this row; the next one makes the project unwritable in a way root cannot override.
    if (::geteuid() != 0)
        QTest::newRow("file mode 0444")
            << QStringLiteral("mode") << QStringLiteral("the file is read-only on disk");
    // Nobody, root included, can write a folder as a file. SQLite then treats its WAL index
    // as read-only and refuses every write, so the project must open read-only and say so
    // rather than fail at the first edit.
    QTest::newRow("shared-memory file is a folder")
        << QStringLiteral("shm folder")
        << QStringLiteral("SQLite cannot write its shared-memory file project.loupe-shm (a folder)");
}

void TestBadInput::readOnlyProjectOpensReadOnly()
{
    QFETCH(QString, kind);
    QFETCH(QString, reason);
    const QString path = makeProject(QStringLiteral("project.loupe"));
    const QByteArray before = fileHash(path);
    if (kind == QLatin1String("mode"))
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadUser));
    else if (kind == QLatin1String("shm folder"))
        QVERIFY(QDir().mkdir(path + QStringLiteral("-shm")));
    {
        auto project = Project::open(path, kind == QLatin1String("access") ? Project::Access::ReadOnly
                                                                           : Project::Access::ReadWrite);
        QVERIFY(project->isReadOnly());
        QCOMPARE(project->readOnlyReason(), reason);
        QCOMPARE(project->sampleCount(), qint64(4));
        QCOMPARE(
            errorOf([&] { project->setInfo(QStringLiteral("note"), QStringLiteral("x")); }),
            QStringLiteral("project.loupe: cannot write: the project is open read-only (attempt to write a "
                           "readonly database)"));
    }
    QCOMPARE(fileHash(path), before);
    // SQLite opens (and may create) the write-ahead log even to read; nothing may land in it.
    QCOMPARE(QFileInfo(path + QStringLiteral("-wal")).size(), qint64(0));
    if (kind == QLatin1String("mode"))
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
}

void TestBadInput::busyProjectWaitsThenReports()
{
    const QString path = makeProject(QStringLiteral("project.loupe"));
    auto project = Project::open(path);
    const QString created = project->info(QStringLiteral("created"));

    // Another program (loupe-cli, a second app) holds the write lock.
    loupe::SqliteDatabase other(path, loupe::SqliteDatabase::Mode::ReadWrite);
    other.exec(QStringLiteral("BEGIN IMMEDIATE"));
    other.exec(QStringLiteral("UPDATE project_info SET value = 'other' WHERE key = 'created'"));

    // The app waits 10 s (kBusyTimeoutMs) before giving up; the test waits less.
    project->database().exec(QStringLiteral("PRAGMA busy_timeout = 300"));
    QElapsedTimer timer;
    timer.start();
    const QString message =
        errorOf([&] { project->setInfo(QStringLiteral("created"), QStringLiteral("mine")); });
    QVERIFY2(timer.elapsed() >= 250, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(message, QStringLiteral("project.loupe: the project is busy: another program is writing to it "
                                     "(database is locked)"));
    // Readers are not blocked, and see the last committed state.
    QCOMPARE(project->info(QStringLiteral("created")), created);

    // Once the other writer is done, both edits are kept, in order.
    other.exec(QStringLiteral("COMMIT"));
    QCOMPARE(project->info(QStringLiteral("created")), QStringLiteral("other"));
    project->setInfo(QStringLiteral("created"), QStringLiteral("mine"));
    QCOMPARE(Project::open(path, Project::Access::ReadOnly)->info(QStringLiteral("created")),
             QStringLiteral("mine"));
}

QTEST_APPLESS_MAIN(TestBadInput)

#include "tst_badinput.moc"
