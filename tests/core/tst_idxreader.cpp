#include <array>

#include <zlib.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include "common/error.h"
#include "formats/idxreader.h"

using loupe::IdxArray;
using loupe::readIdxFile;

namespace {

QByteArray idxBytes(const QList<quint32> &dims, const QByteArray &data, int type = 0x08)
{
    QByteArray out;
    out.append('\0').append('\0').append(char(type)).append(char(dims.size()));
    for (const quint32 dim : dims) {
        const quint32 big = qToBigEndian(dim);
        out.append(reinterpret_cast<const char *>(&big), sizeof big);
    }
    return out + data;
}

QByteArray pattern(qsizetype size)
{
    QByteArray data(size, '\0');
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char((i * 7 + i / 251) & 0xff);
    return data;
}

QString fashionMnistDir()
{
    const QByteArray dir = qgetenv("LOUPE_FASHION_MNIST_DIR");
    return dir.isEmpty() ? QStringLiteral("/usr/share/datasets/fashion-mnist") : QString::fromLocal8Bit(dir);
}

} // namespace

class TestIdxReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void fashionMnistTestImages();
    void fashionMnistLabels_data();
    void fashionMnistLabels();
    void valid_data();
    void valid();
    void errors_data();
    void errors();
    void truncatedGzipStream();
    void corruptGzipData_data();
    void corruptGzipData();
    void missingFile();

private:
    QString writeFile(const QByteArray &bytes, bool compressed);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestIdxReader::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestIdxReader::writeFile(const QByteArray &bytes, bool compressed)
{
    const QString path =
        m_dir->filePath(compressed ? QStringLiteral("data.idx.gz") : QStringLiteral("data.idx"));
    if (compressed) {
        gzFile file = gzopen(QFile::encodeName(path).constData(), "wb");
        if (!file ||
            (!bytes.isEmpty() && gzwrite(file, bytes.constData(), unsigned(bytes.size())) != bytes.size()) ||
            gzclose(file) != Z_OK)
            qFatal("cannot write test fixture %s", qPrintable(path));
    } else {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            qFatal("cannot write test fixture %s", qPrintable(path));
    }
    return path;
}

void TestIdxReader::fashionMnistTestImages()
{
    const QString path = QDir(fashionMnistDir()).filePath(QStringLiteral("t10k-images-idx3-ubyte.gz"));
    if (!QFile::exists(path))
        QSKIP("Fashion-MNIST is not installed");
    const IdxArray images = readIdxFile(path);
    QCOMPARE(images.dims, (std::vector<int>{10000, 28, 28}));
    QCOMPARE(images.data.size(), size_t(10000 * 28 * 28));
    // Items are centred on a black background: corners are dark, the middle is not.
    qint64 corners = 0;
    qint64 centres = 0;
    for (size_t image = 0; image < 10000; ++image) {
        const uint8_t *pixels = images.data.data() + image * 784;
        corners += pixels[0] + pixels[27] + pixels[27 * 28] + pixels[783];
        centres += pixels[14 * 28 + 14];
    }
    QVERIFY(corners < centres);
}

void TestIdxReader::fashionMnistLabels_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("count");
    QTest::newRow("t10k") << QStringLiteral("t10k-labels-idx1-ubyte.gz") << 10000;
    QTest::newRow("train") << QStringLiteral("train-labels-idx1-ubyte.gz") << 60000;
}

void TestIdxReader::fashionMnistLabels()
{
    QFETCH(QString, file);
    QFETCH(int, count);
    const QString path = QDir(fashionMnistDir()).filePath(file);
    if (!QFile::exists(path))
        QSKIP("Fashion-MNIST is not installed");
    const IdxArray labels = readIdxFile(path);
    QCOMPARE(labels.dims, std::vector<int>{count});
    QCOMPARE(labels.data.size(), size_t(count));
    if (file.startsWith(QLatin1String("t10k")))
        QCOMPARE(labels.data[0], uint8_t(9)); // the first test item is an ankle boot
    // Both splits are balanced over the ten classes.
    std::array<int, 10> perClass{};
    for (const uint8_t label : labels.data) {
        QVERIFY(label < 10);
        ++perClass[label];
    }
    for (const int n : perClass)
        QCOMPARE(n, count / 10);
}

void TestIdxReader::valid_data()
{
    QTest::addColumn<QList<quint32>>("dims");
    QTest::addColumn<bool>("compressed");
    const QList<QList<quint32>> shapes = {{5}, {3, 4},      {2, 3, 4},   {2, 2, 3, 5},
                                          {0}, {0, 28, 28}, {3000, 1000}};
    for (const QList<quint32> &dims : shapes) {
        QStringList name;
        for (const quint32 dim : dims)
            name.append(QString::number(dim));
        for (const bool compressed : {false, true})
            QTest::addRow("%s%s", qPrintable(name.join(QLatin1Char('x'))), compressed ? " gz" : "")
                << dims << compressed;
    }
}

void TestIdxReader::valid()
{
    QFETCH(QList<quint32>, dims);
    QFETCH(bool, compressed);
    qsizetype size = 1;
    std::vector<int> expectedDims;
    for (const quint32 dim : dims) {
        size *= dim;
        expectedDims.push_back(int(dim));
    }
    const QByteArray data = pattern(size);
    const IdxArray array = readIdxFile(writeFile(idxBytes(dims, data), compressed));
    QCOMPARE(array.dims, expectedDims);
    QCOMPARE(array.data.size(), size_t(size));
    QVERIFY(std::equal(array.data.begin(), array.data.end(),
                       reinterpret_cast<const uint8_t *>(data.constData())));
}

void TestIdxReader::errors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("compressed");
    QTest::addColumn<QString>("expected");

    const struct
    {
        const char *name;
        QByteArray bytes;
        QString expected;
    } cases[] = {
        {"empty file", QByteArray(), QStringLiteral("not an IDX file: the file is empty")},
        {"short magic", QByteArray(2, '\0'), QStringLiteral("not an IDX file (bad magic number)")},
        {"bad magic", QByteArray("\x01\x00\x08\x01\x00\x00\x00\x01x", 9),
         QStringLiteral("not an IDX file (bad magic number)")},
        {"text file", QByteArray("hello world\n"), QStringLiteral("not an IDX file (bad magic number)")},
        {"float elements", idxBytes({2}, QByteArray(8, '\0'), 0x0d),
         QStringLiteral("unsupported IDX element type 0x0d; only unsigned bytes (0x08) are supported")},
        {"signed byte elements", idxBytes({2}, QByteArray(2, '\0'), 0x09),
         QStringLiteral("unsupported IDX element type 0x09")},
        {"no dimensions", idxBytes({}, QByteArray(1, '\0')),
         QStringLiteral("unsupported number of dimensions 0 (expected 1 to 4)")},
        {"5 dimensions", idxBytes({1, 1, 1, 1, 1}, QByteArray(1, '\0')),
         QStringLiteral("unsupported number of dimensions 5 (expected 1 to 4)")},
        {"truncated header", idxBytes({10, 28, 28}, QByteArray()).left(9),
         QStringLiteral("the header is truncated")},
        {"truncated data", idxBytes({10, 10}, pattern(50)),
         QStringLiteral("data is truncated: expected 100 bytes, found 50")},
        {"no data", idxBytes({10, 28, 28}, QByteArray()),
         QStringLiteral("data is truncated: expected 7840 bytes, found 0")},
        {"dimension above INT_MAX", idxBytes({0x80000000u}, QByteArray()),
         QStringLiteral("dimension 1 is too large: 2147483648")},
        {"size overflows", idxBytes({0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff}, QByteArray()),
         QStringLiteral("dimensions 2147483647 x 2147483647 x 2147483647 x 2147483647 are too large")},
        // A corrupt header claiming an exabyte must fail on the missing data, not on allocation.
        {"huge claimed size", idxBytes({1u << 30, 1u << 30}, pattern(10)),
         QStringLiteral("data is truncated: expected 1152921504606846976 bytes, found 10")},
        {"extra bytes", idxBytes({2, 2}, pattern(5)),
         QStringLiteral("unexpected extra bytes after the 4 bytes of data")},
    };
    for (const auto &c : cases) {
        for (const bool compressed : {false, true})
            QTest::addRow("%s%s", c.name, compressed ? " gz" : "") << c.bytes << compressed << c.expected;
    }
}

void TestIdxReader::errors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, compressed);
    QFETCH(QString, expected);
    const QString path = writeFile(bytes, compressed);
    const QString prefix =
        (compressed ? QStringLiteral("data.idx.gz") : QStringLiteral("data.idx")) + QStringLiteral(": ");
    try {
        readIdxFile(path);
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QVERIFY2(error.message().startsWith(prefix + expected), qPrintable(error.message()));
    }
}

void TestIdxReader::truncatedGzipStream()
{
    // A download cut short: the gzip stream stops in the middle of the data.
    const QString path = writeFile(idxBytes({100, 28, 28}, pattern(78400)), true);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() / 2));
    file.close();
    try {
        readIdxFile(path);
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        const QString message = error.message();
        QVERIFY2(message.startsWith(
                     QStringLiteral("data.idx.gz: data is truncated: expected 78400 bytes, found ")),
                 qPrintable(message));
        QVERIFY2(message.endsWith(QStringLiteral(" (the compressed stream ends early)")),
                 qPrintable(message));
    }
}

void TestIdxReader::corruptGzipData_data()
{
    QTest::addColumn<int>("offsetFromEnd");
    QTest::addColumn<QString>("expected");
    // The last 8 bytes of a gzip file are the CRC-32 and size of the data.
    QTest::newRow("damaged CRC") << 8 << QStringLiteral("incorrect data check");
    QTest::newRow("damaged size") << 2 << QStringLiteral("incorrect length check");
}

void TestIdxReader::corruptGzipData()
{
    QFETCH(int, offsetFromEnd);
    QFETCH(QString, expected);
    const QString path = writeFile(idxBytes({100, 28, 28}, pattern(78400)), true);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray bytes = file.readAll();
    bytes[bytes.size() - offsetFromEnd] = char(bytes[bytes.size() - offsetFromEnd] ^ 0x5a);
    QVERIFY(file.seek(0));
    QCOMPARE(file.write(bytes), bytes.size());
    file.close();
    try {
        readIdxFile(path);
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QCOMPARE(
            error.message(),
            QStringLiteral("data.idx.gz: cannot read: the compressed data is corrupt (%1)").arg(expected));
    }
}

void TestIdxReader::missingFile()
{
    try {
        readIdxFile(m_dir->filePath(QStringLiteral("absent-idx1-ubyte.gz")));
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QCOMPARE(error.message(),
                 QStringLiteral("absent-idx1-ubyte.gz: cannot open: No such file or directory"));
    }
}

QTEST_APPLESS_MAIN(TestIdxReader)

#include "tst_idxreader.moc"
