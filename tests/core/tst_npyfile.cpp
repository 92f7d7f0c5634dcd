#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <QFloat16>

#include "common/error.h"
#include "formats/npyfile.h"

using loupe::NpyFile;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

/**
 * Builds a .npy file around a header dict. By default the header is padded the way
 * numpy pads it; padTo = 1 leaves it unpadded, which numpy's reader also accepts.
 */
QByteArray npyBytes(const QByteArray &dict, const QByteArray &data, int major = 1, int padTo = 64)
{
    const int preamble = major == 1 ? 10 : 12;
    QByteArray header = dict;
    const int unpadded = preamble + int(header.size()) + 1;
    header.append((padTo - unpadded % padTo) % padTo, ' ');
    header.append('\n');
    QByteArray out("\x93NUMPY", 6);
    out.append(char(major)).append(char(0));
    if (major == 1) {
        const quint16 length = qToLittleEndian(quint16(header.size()));
        out.append(reinterpret_cast<const char *>(&length), sizeof length);
    } else {
        const quint32 length = qToLittleEndian(quint32(header.size()));
        out.append(reinterpret_cast<const char *>(&length), sizeof length);
    }
    return out + header + data;
}

QByteArray dict(const QByteArray &descr, const QByteArray &shape, bool fortran = false)
{
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
           ", 'shape': " + shape + ", }";
}

template<typename T> QByteArray raw(std::initializer_list<T> values, bool bigEndian = false)
{
    QByteArray out;
    for (const T value : values) {
        char bytes[sizeof(T)];
        std::memcpy(bytes, &value, sizeof(T));
        if (bigEndian != (std::endian::native == std::endian::big))
            std::reverse(bytes, bytes + sizeof(T));
        out.append(bytes, sizeof(T));
    }
    return out;
}

template<typename T> QList<float> asFloats(std::initializer_list<T> values)
{
    QList<float> out;
    for (const T value : values)
        out.append(static_cast<float>(value));
    return out;
}

QList<float> toList(const std::vector<float> &values)
{
    return QList<float>(values.begin(), values.end());
}

bool sameFloat(float a, float b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

} // namespace

class TestNpyFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void roundTrip_data();
    void roundTrip();
    void writtenHeaderIsAlignedLikeNumpy();
    void readRowsSubset_data();
    void readRowsSubset();
    void formatVersions_data();
    void formatVersions();
    void headerVariants_data();
    void headerVariants();
    void dtypes_data();
    void dtypes();
    void float16_data();
    void float16();
    void float16AllValuesMatchQFloat16();
    void fortranOrder();
    void oneDimensionalReadsAsColumn();
    void emptyArrays_data();
    void emptyArrays();
    void unalignedDataIsReadSafely();
    void errors_data();
    void errors();
    void missingFile();
    void readRowsOutOfRange();
    void writeErrors();

private:
    QString writeFile(const QByteArray &bytes, const QString &name = QStringLiteral("bad.npy"));

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestNpyFile::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestNpyFile::writeFile(const QByteArray &bytes, const QString &name)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write test fixture %s", qPrintable(path));
    return path;
}

void TestNpyFile::roundTrip_data()
{
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<qint64>("cols");
    QTest::newRow("3x4") << qint64(3) << qint64(4);
    QTest::newRow("1x1") << qint64(1) << qint64(1);
    QTest::newRow("1x100") << qint64(1) << qint64(100);
    QTest::newRow("1000x7") << qint64(1000) << qint64(7);
    QTest::newRow("0x5") << qint64(0) << qint64(5);
}

void TestNpyFile::roundTrip()
{
    QFETCH(qint64, rows);
    QFETCH(qint64, cols);
    std::vector<float> values(size_t(rows * cols));
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = float(i) * 0.37f - 11.0f;
    // Special values must survive bit for bit.
    const float specials[] = {-0.0f,
                              kInf,
                              -kInf,
                              std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::denorm_min(),
                              std::numeric_limits<float>::max()};
    for (size_t i = 0; i < std::size(specials) && i < values.size(); ++i)
        values[i] = specials[i];

    const QString path = m_dir->filePath(QStringLiteral("round.npy"));
    loupe::writeNpy(path, values.data(), rows, cols);

    NpyFile file(path);
    QCOMPARE(file.rows(), rows);
    QCOMPARE(file.cols(), cols);
    QCOMPARE(file.dtype(), QStringLiteral("<f4"));
    QVERIFY(file.isFloatingPoint());
    QVERIFY(!file.isFortranOrder());
    QCOMPARE(file.fileName(), QStringLiteral("round.npy"));
    QCOMPARE(file.path(), path);
    const std::vector<float> back = file.readAll();
    QCOMPARE(back.size(), values.size());
    QVERIFY(back.empty() || std::memcmp(back.data(), values.data(), values.size() * sizeof(float)) == 0);
}

void TestNpyFile::writtenHeaderIsAlignedLikeNumpy()
{
    const float values[] = {1, 2, 3, 4, 5, 6};
    const QString path = m_dir->filePath(QStringLiteral("aligned.npy"));
    loupe::writeNpy(path, values, 2, 3);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)));
    const int headerLength = qFromLittleEndian<quint16>(bytes.constData() + 8);
    const int dataOffset = 10 + headerLength;
    QCOMPARE(dataOffset % 64, 0);
    QCOMPARE(bytes.size(), dataOffset + qsizetype(sizeof values));
    QCOMPARE(bytes.at(dataOffset - 1), '\n');
    const QByteArray header = bytes.mid(10, headerLength).trimmed();
    QCOMPARE(header, QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
    QCOMPARE(bytes.mid(dataOffset), QByteArray(reinterpret_cast<const char *>(values), sizeof values));
}

void TestNpyFile::readRowsSubset_data()
{
    QTest::addColumn<bool>("fortran");
    QTest::newRow("C order") << false;
    QTest::newRow("Fortran order") << true;
}

void TestNpyFile::readRowsSubset()
{
    QFETCH(bool, fortran);
    // 4x3 matrix with value 10 * row + col.
    QByteArray data;
    for (int outer = 0; outer < (fortran ? 3 : 4); ++outer)
        for (int inner = 0; inner < (fortran ? 4 : 3); ++inner)
            data += raw<qint16>({qint16(fortran ? 10 * inner + outer : 10 * outer + inner)});
    NpyFile file(writeFile(npyBytes(dict("<i2", "(4, 3)", fortran), data)));
    QCOMPARE(file.isFortranOrder(), fortran);
    QCOMPARE(file.isFloatingPoint(), false);
    float out[6] = {};
    file.readRows(1, 2, out);
    QCOMPARE(QList<float>(std::begin(out), std::end(out)), (QList<float>{10, 11, 12, 20, 21, 22}));
    file.readRows(3, 1, out);
    QCOMPARE(QList<float>(out, out + 3), (QList<float>{30, 31, 32}));
    file.readRows(4, 0, out); // empty range at the end is fine
}

void TestNpyFile::formatVersions_data()
{
    QTest::addColumn<int>("major");
    QTest::addColumn<int>("padding");
    QTest::newRow("1.0") << 1 << 0;
    QTest::newRow("2.0") << 2 << 0;
    QTest::newRow("3.0") << 3 << 0;
    // What 2.0 exists for: a header longer than a 16-bit length can hold.
    QTest::newRow("2.0 with a 70000-byte header") << 2 << 70000;
}

void TestNpyFile::formatVersions()
{
    QFETCH(int, major);
    QFETCH(int, padding);
    const QByteArray header = dict("<f4", "(2, 2)") + QByteArray(padding, ' ');
    NpyFile file(writeFile(npyBytes(header, raw<float>({1.5f, -2.0f, 3.25f, 4.0f}), major)));
    QCOMPARE(file.rows(), 2);
    QCOMPARE(file.cols(), 2);
    QCOMPARE(toList(file.readAll()), (QList<float>{1.5f, -2.0f, 3.25f, 4.0f}));
}

void TestNpyFile::headerVariants_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("numpy style") << QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }");
    QTest::newRow("no trailing comma")
        << QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1)}");
    QTest::newRow("other key order") << QByteArray(
        "{'shape': (2, 1), 'fortran_order': False, 'descr': '<f4'}");
    QTest::newRow("double quotes") << QByteArray(
        R"({"descr": "<f4", "fortran_order": False, "shape": (2, 1)})");
    QTest::newRow("no spaces") << QByteArray("{'descr':'<f4','fortran_order':False,'shape':(2,1)}");
    QTest::newRow("python 2 longs") << QByteArray(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 1L), }");
    QTest::newRow("1-D trailing comma")
        << QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }");
}

void TestNpyFile::headerVariants()
{
    QFETCH(QByteArray, header);
    NpyFile file(writeFile(npyBytes(header, raw<float>({7.0f, 8.0f}), 1, 1)));
    QCOMPARE(file.rows(), 2);
    QCOMPARE(file.cols(), 1);
    QCOMPARE(toList(file.readAll()), (QList<float>{7.0f, 8.0f}));
}

void TestNpyFile::dtypes_data()
{
    QTest::addColumn<QByteArray>("descr");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QList<float>>("expected");

    const auto f32 = {1.5f, -2.25f, 3.0e38f, -0.0f};
    QTest::newRow("<f4") << QByteArray("<f4") << raw(f32) << asFloats(f32);
    QTest::newRow(">f4") << QByteArray(">f4") << raw(f32, true) << asFloats(f32);
    QTest::newRow("=f4") << QByteArray("=f4") << raw(f32, std::endian::native == std::endian::big)
                         << asFloats(f32);
    const auto f64 = {1.5, -2.25, 1.0e-3, 1.0e300};
    QTest::newRow("<f8") << QByteArray("<f8") << raw(f64) << QList<float>{1.5f, -2.25f, 1.0e-3f, kInf};
    QTest::newRow(">f8") << QByteArray(">f8") << raw(f64, true) << QList<float>{1.5f, -2.25f, 1.0e-3f, kInf};
    // 1.0, -2.0, 65504 (largest half), 0.333251953125
    const auto f16 = {quint16(0x3c00), quint16(0xc000), quint16(0x7bff), quint16(0x3555)};
    const QList<float> f16Values{1.0f, -2.0f, 65504.0f, 0.333251953125f};
    QTest::newRow("<f2") << QByteArray("<f2") << raw(f16) << f16Values;
    QTest::newRow(">f2") << QByteArray(">f2") << raw(f16, true) << f16Values;

    const auto i8 = {qint8(-128), qint8(127), qint8(0), qint8(-1)};
    QTest::newRow("|i1") << QByteArray("|i1") << raw(i8) << asFloats(i8);
    QTest::newRow("<i1") << QByteArray("<i1") << raw(i8) << asFloats(i8);
    const auto u8 = {quint8(0), quint8(255), quint8(128)};
    QTest::newRow("|u1") << QByteArray("|u1") << raw(u8) << asFloats(u8);
    const auto i16 = {qint16(-32768), qint16(32767), qint16(-2)};
    QTest::newRow("<i2") << QByteArray("<i2") << raw(i16) << asFloats(i16);
    QTest::newRow(">i2") << QByteArray(">i2") << raw(i16, true) << asFloats(i16);
    const auto u16 = {quint16(65535), quint16(256), quint16(1)};
    QTest::newRow("<u2") << QByteArray("<u2") << raw(u16) << asFloats(u16);
    QTest::newRow(">u2") << QByteArray(">u2") << raw(u16, true) << asFloats(u16);
    const auto i32 = {std::numeric_limits<qint32>::min(), std::numeric_limits<qint32>::max(), qint32(-7)};
    QTest::newRow("<i4") << QByteArray("<i4") << raw(i32) << asFloats(i32);
    QTest::newRow(">i4") << QByteArray(">i4") << raw(i32, true) << asFloats(i32);
    const auto u32 = {std::numeric_limits<quint32>::max(), quint32(16777217), quint32(3)};
    QTest::newRow("<u4") << QByteArray("<u4") << raw(u32) << asFloats(u32);
    QTest::newRow(">u4") << QByteArray(">u4") << raw(u32, true) << asFloats(u32);
    const auto i64 = {std::numeric_limits<qint64>::min(), qint64(-5), qint64(1) << 40};
    QTest::newRow("<i8") << QByteArray("<i8") << raw(i64) << asFloats(i64);
    QTest::newRow(">i8") << QByteArray(">i8") << raw(i64, true) << asFloats(i64);
    const auto u64 = {std::numeric_limits<quint64>::max(), quint64(42)};
    QTest::newRow("<u8") << QByteArray("<u8") << raw(u64) << asFloats(u64);
    QTest::newRow(">u8") << QByteArray(">u8") << raw(u64, true) << asFloats(u64);
}

void TestNpyFile::dtypes()
{
    QFETCH(QByteArray, descr);
    QFETCH(QByteArray, data);
    QFETCH(QList<float>, expected);
    const QByteArray shape = "(" + QByteArray::number(expected.size()) + ",)";
    NpyFile file(writeFile(npyBytes(dict(descr, shape), data)));
    QCOMPARE(file.dtype(), QString::fromLatin1(descr));
    QCOMPARE(file.isFloatingPoint(), descr.at(1) == 'f');
    QCOMPARE(file.rows(), expected.size());
    QCOMPARE(file.cols(), 1);
    const QList<float> values = toList(file.readAll());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        if (!sameFloat(values[i], expected[i]))
            QFAIL(qPrintable(QStringLiteral("element %1: got %2, expected %3")
                                 .arg(i)
                                 .arg(double(values[i]))
                                 .arg(double(expected[i]))));
    }
}

void TestNpyFile::float16_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<float>("expected");
    QTest::newRow("+0") << 0x0000 << 0.0f;
    QTest::newRow("-0") << 0x8000 << -0.0f;
    QTest::newRow("1") << 0x3c00 << 1.0f;
    QTest::newRow("-2") << 0xc000 << -2.0f;
    QTest::newRow("1/3") << 0x3555 << 0.333251953125f;
    QTest::newRow("max normal 65504") << 0x7bff << 65504.0f;
    QTest::newRow("min normal 2^-14") << 0x0400 << 0x1p-14f;
    QTest::newRow("min subnormal 2^-24") << 0x0001 << 0x1p-24f;
    QTest::newRow("-min subnormal") << 0x8001 << -0x1p-24f;
    QTest::newRow("max subnormal") << 0x03ff << 1023.0f * 0x1p-24f;
    QTest::newRow("mid subnormal") << 0x0200 << 0x1p-15f;
    QTest::newRow("+inf") << 0x7c00 << kInf;
    QTest::newRow("-inf") << 0xfc00 << -kInf;
    QTest::newRow("quiet nan") << 0x7e00 << std::numeric_limits<float>::quiet_NaN();
    QTest::newRow("signalling nan") << 0x7c01 << std::numeric_limits<float>::quiet_NaN();
    QTest::newRow("negative nan") << 0xfe00 << std::numeric_limits<float>::quiet_NaN();
}

void TestNpyFile::float16()
{
    QFETCH(int, bits);
    QFETCH(float, expected);
    for (const bool big : {false, true}) {
        const QByteArray descr = big ? ">f2" : "<f2";
        NpyFile file(writeFile(npyBytes(dict(descr, "(1, 1)"), raw({quint16(bits)}, big))));
        float value = 0;
        file.readRows(0, 1, &value);
        QVERIFY2(sameFloat(value, expected),
                 qPrintable(QStringLiteral("%1: got %2").arg(QString::fromLatin1(descr)).arg(double(value))));
    }
}

void TestNpyFile::float16AllValuesMatchQFloat16()
{
    QByteArray data;
    for (int bits = 0; bits <= 0xffff; ++bits)
        data += raw({quint16(bits)});
    NpyFile file(writeFile(npyBytes(dict("<f2", "(256, 256)"), data)));
    const std::vector<float> values = file.readAll();
    QCOMPARE(values.size(), size_t(65536));
    for (int bits = 0; bits <= 0xffff; ++bits) {
        const qfloat16 half = std::bit_cast<qfloat16>(quint16(bits));
        if (!sameFloat(values[size_t(bits)], float(half)))
            QFAIL(qPrintable(QStringLiteral("0x%1: got %2, qfloat16 says %3")
                                 .arg(bits, 4, 16, QLatin1Char('0'))
                                 .arg(double(values[size_t(bits)]))
                                 .arg(double(float(half)))));
    }
}

void TestNpyFile::fortranOrder()
{
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    NpyFile file(writeFile(npyBytes(dict(">f8", "(2, 3)", true), raw<double>({1, 4, 2, 5, 3, 6}, true))));
    QVERIFY(file.isFortranOrder());
    QCOMPARE(file.rows(), 2);
    QCOMPARE(file.cols(), 3);
    QCOMPARE(toList(file.readAll()), (QList<float>{1, 2, 3, 4, 5, 6}));
    float row[3] = {};
    file.readRows(1, 1, row);
    QCOMPARE(QList<float>(std::begin(row), std::end(row)), (QList<float>{4, 5, 6}));
}

void TestNpyFile::oneDimensionalReadsAsColumn()
{
    for (const bool fortran : {false, true}) {
        NpyFile file(writeFile(npyBytes(dict("<i4", "(5,)", fortran), raw<qint32>({5, 4, 3, 2, 1}))));
        QCOMPARE(file.rows(), 5);
        QCOMPARE(file.cols(), 1);
        QCOMPARE(toList(file.readAll()), (QList<float>{5, 4, 3, 2, 1}));
        float tail[2] = {};
        file.readRows(3, 2, tail);
        QCOMPARE(QList<float>(std::begin(tail), std::end(tail)), (QList<float>{2, 1}));
    }
}

void TestNpyFile::emptyArrays_data()
{
    QTest::addColumn<QByteArray>("shape");
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<qint64>("cols");
    QTest::newRow("(0, 3)") << QByteArray("(0, 3)") << qint64(0) << qint64(3);
    QTest::newRow("(0,)") << QByteArray("(0,)") << qint64(0) << qint64(1);
    QTest::newRow("(4, 0)") << QByteArray("(4, 0)") << qint64(4) << qint64(0);
}

void TestNpyFile::emptyArrays()
{
    QFETCH(QByteArray, shape);
    QFETCH(qint64, rows);
    QFETCH(qint64, cols);
    NpyFile file(writeFile(npyBytes(dict("<f4", shape), QByteArray())));
    QCOMPARE(file.rows(), rows);
    QCOMPARE(file.cols(), cols);
    QVERIFY(file.readAll().empty());
}

void TestNpyFile::unalignedDataIsReadSafely()
{
    // Unpadded header: the doubles start at an odd offset (UBSan would flag a cast load).
    const QByteArray bytes = npyBytes(dict("<f8", "(3,)"), raw<double>({0.5, -1.5, 2.5}), 1, 1);
    QVERIFY((bytes.size() - 24) % 8 != 0);
    NpyFile file(writeFile(bytes));
    QCOMPARE(toList(file.readAll()), (QList<float>{0.5f, -1.5f, 2.5f}));
}

void TestNpyFile::errors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const QByteArray f4x6 = raw<float>({1, 2, 3, 4, 5, 6});
    const auto version = [](int major, int minor) {
        QByteArray bytes = npyBytes(dict("<f4", "(1,)"), raw<float>({1}));
        bytes[6] = char(major);
        bytes[7] = char(minor);
        return bytes;
    };

    QTest::newRow("empty file") << QByteArray() << QStringLiteral("not a NumPy .npy file: the file is empty");
    QTest::newRow("bad magic") << npyBytes(dict("<f4", "(1,)"), f4x6.left(4)).replace(1, 1, "X")
                               << QStringLiteral("not a NumPy .npy file (bad magic number)");
    QTest::newRow("text file") << QByteArray("a,b,c\n1,2,3\n") << QStringLiteral("bad magic number");
    QTest::newRow("shorter than magic") << QByteArray("\x93NU") << QStringLiteral("bad magic number");
    QTest::newRow("version 4.0") << version(4, 0)
                                 << QStringLiteral("unsupported .npy format version 4.0 (supported: 1.0, 2.0 "
                                                   "and 3.0)");
    QTest::newRow("version 1.1") << version(1, 1) << QStringLiteral("unsupported .npy format version 1.1");
    QTest::newRow("version 0.0") << version(0, 0) << QStringLiteral("unsupported .npy format version 0.0");
    QTest::newRow("no header length")
        << QByteArray("\x93NUMPY\x01\x00", 8) << QStringLiteral("the header is truncated");
    QTest::newRow("header longer than file") << npyBytes(dict("<f4", "(1,)"), QByteArray()).left(40)
                                             << QStringLiteral("the header is truncated: it declares 118 "
                                                               "bytes, the file has 30");

    QTest::newRow("not a dict") << npyBytes("hello", f4x6) << QStringLiteral("cannot parse the header hello");
    QTest::newRow("missing shape") << npyBytes("{'descr': '<f4', 'fortran_order': False}", f4x6)
                                   << QStringLiteral(
                                          "it needs the keys 'descr', 'fortran_order' and 'shape'");
    QTest::newRow("unknown key") << npyBytes(dict("<f4", "(6,)").replace("}", "'extra': 1}"), f4x6)
                                 << QStringLiteral("unexpected key 'extra'");
    QTest::newRow("duplicate key") << npyBytes(dict("<f4", "(6,)").replace("}", "'shape': (6,)}"), f4x6)
                                   << QStringLiteral("key 'shape' appears twice");
    QTest::newRow("fortran_order not a bool")
        << npyBytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", f4x6)
        << QStringLiteral("expected True or False");
    QTest::newRow("negative dimension")
        << npyBytes(dict("<f4", "(-6,)"), f4x6) << QStringLiteral("expected a non-negative integer");
    QTest::newRow("unterminated string")
        << npyBytes("{'descr: '<f4'}", f4x6) << QStringLiteral("cannot parse the header");
    QTest::newRow("text after dict") << npyBytes(dict("<f4", "(6,)") + " x", f4x6)
                                     << QStringLiteral("unexpected text after the dictionary");
    QTest::newRow("dimension overflows")
        << npyBytes(dict("<f4", "(99999999999999999999,)"), f4x6) << QStringLiteral("is too large");
    QTest::newRow("size overflows") << npyBytes(dict("<f4", "(4611686018427387904, 4)"), f4x6)
                                    << QStringLiteral("shape (4611686018427387904, 4) is too large");

    QTest::newRow("object dtype") << npyBytes(dict("|O", "(6,)"), f4x6)
                                  << QStringLiteral("unsupported dtype '|O' (Python objects); only "
                                                    "float16/32/64 and (u)int8/16/32/64 are supported");
    QTest::newRow("complex") << npyBytes(dict("<c8", "(3,)"), f4x6)
                             << QStringLiteral("unsupported dtype '<c8' (complex numbers)");
    QTest::newRow("unicode strings") << npyBytes(dict("<U6", "(1,)"), f4x6)
                                     << QStringLiteral("unsupported dtype '<U6' (Unicode strings)");
    QTest::newRow("byte strings") << npyBytes(dict("|S4", "(6,)"), f4x6)
                                  << QStringLiteral("unsupported dtype '|S4' (byte strings)");
    QTest::newRow("bool") << npyBytes(dict("|b1", "(24,)"), f4x6)
                          << QStringLiteral("unsupported dtype '|b1' (booleans)");
    QTest::newRow("datetime") << npyBytes(dict("<M8[s]", "(3,)"), f4x6)
                              << QStringLiteral("unsupported dtype '<M8[s]' (dates or time spans)");
    QTest::newRow("long double") << npyBytes(dict("<f16", "(1,)"), f4x6) << QStringLiteral("dtype '<f16'");
    QTest::newRow("3-byte int") << npyBytes(dict("<i3", "(8,)"), f4x6) << QStringLiteral("dtype '<i3'");
    QTest::newRow("float without byte order")
        << npyBytes(dict("|f4", "(6,)"), f4x6) << QStringLiteral("dtype '|f4'");
    QTest::newRow("type name") << npyBytes(dict("float32", "(6,)"), f4x6)
                               << QStringLiteral("dtype 'float32'");
    QTest::newRow("structured")
        << npyBytes("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (3,)}", f4x6)
        << QStringLiteral("unsupported dtype: structured arrays are not supported");

    QTest::newRow("3-D") << npyBytes(dict("<f4", "(1, 2, 3)"), f4x6)
                         << QStringLiteral(
                                "only 1-D and 2-D arrays are supported, this one has shape (1, 2, 3)");
    QTest::newRow("0-D") << npyBytes(dict("<f4", "()"), f4x6.left(4))
                         << QStringLiteral("only 1-D and 2-D arrays are supported, this one has shape ()");
    QTest::newRow("truncated data") << npyBytes(dict("<f4", "(2, 3)"), f4x6.left(20))
                                    << QStringLiteral("data is truncated: expected 24 bytes, found 20");
    QTest::newRow("no data") << npyBytes(dict("<f8", "(2, 3)"), QByteArray())
                             << QStringLiteral("data is truncated: expected 48 bytes, found 0");
    QTest::newRow("extra bytes") << npyBytes(dict("<f4", "(2, 3)"), f4x6 + "abcd")
                                 << QStringLiteral("unexpected 4 extra bytes after the data");
}

void TestNpyFile::errors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QString path = writeFile(bytes);
    try {
        NpyFile file(path);
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QVERIFY2(error.message().startsWith(QStringLiteral("bad.npy: ")), qPrintable(error.message()));
        QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
    }
}

void TestNpyFile::missingFile()
{
    try {
        NpyFile file(m_dir->filePath(QStringLiteral("missing.npy")));
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QVERIFY2(error.message().startsWith(QStringLiteral("missing.npy: cannot open: ")),
                 qPrintable(error.message()));
    }
}

void TestNpyFile::readRowsOutOfRange()
{
    NpyFile file(writeFile(npyBytes(dict("<f4", "(2, 3)"), raw<float>({1, 2, 3, 4, 5, 6}))));
    float out[9] = {};
    QVERIFY_THROWS_EXCEPTION(loupe::Error, file.readRows(1, 2, out));
    QVERIFY_THROWS_EXCEPTION(loupe::Error, file.readRows(-1, 1, out));
    QVERIFY_THROWS_EXCEPTION(loupe::Error, file.readRows(3, 0, out));
    QVERIFY_THROWS_EXCEPTION(loupe::Error, file.readRows(0, -1, out));
    try {
        file.readRows(2, 1, out);
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QCOMPARE(error.message(),
                 QStringLiteral("bad.npy: cannot read 1 rows from row 2: the array has 2 rows"));
    }
}

void TestNpyFile::writeErrors()
{
    const float value = 1;
    QVERIFY_THROWS_EXCEPTION(loupe::Error,
                             loupe::writeNpy(m_dir->filePath(QStringLiteral("neg.npy")), &value, -1, 1));
    try {
        loupe::writeNpy(m_dir->filePath(QStringLiteral("no/such/dir/out.npy")), &value, 1, 1);
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QVERIFY2(error.message().startsWith(QStringLiteral("out.npy: cannot write: ")),
                 qPrintable(error.message()));
    }
}

QTEST_APPLESS_MAIN(TestNpyFile)

#include "tst_npyfile.moc"
