#include "formats/npyfile.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <type_traits>

#include <QFileInfo>
#include <QSaveFile>
#include <QtEndian>
#include <QtNumeric>

#include "common/error.h"

namespace loupe {

namespace {

using ConvertFn = void (*)(const uchar *src, qint64 count, float *out, qint64 outStride);

constexpr char kMagic[] = "\x93NUMPY";
constexpr qint64 kMagicSize = 6;
// numpy aligns the start of the data to 64 bytes so that it can be mapped and used in place.
constexpr qint64 kArrayAlign = 64;
// Far beyond any real shape, and small enough that products of two dimensions are checked
// with qMulOverflow rather than wrapping while parsing.
constexpr qint64 kMaxDimension = qint64(1) << 62;

[[noreturn]] void fail(const QString &path, const QString &problem)
{
    throw Error(locatedMessage(QFileInfo(path).fileName(), 0, problem));
}

QString shapeText(const std::vector<qint64> &shape)
{
    QString text = QStringLiteral("(");
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            text += QStringLiteral(", ");
        text += QString::number(shape[i]);
    }
    if (shape.size() == 1)
        text += QLatin1Char(',');
    return text + QLatin1Char(')');
}

// IEEE 754 binary16 to binary32. Every half value, subnormals included, is exactly
// representable as a float, so this is lossless.
float halfToFloat(quint16 half)
{
    const quint32 sign = quint32(half & 0x8000u) << 16;
    const quint32 exponent = (half >> 10) & 0x1fu;
    const quint32 mantissa = half & 0x3ffu;
    quint32 bits = 0;
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24, a normal float unless it is zero.
        bits = sign | std::bit_cast<quint32>(float(mantissa) * 0x1p-24f);
    } else if (exponent == 0x1f) {
        // Infinity or NaN; a NaN keeps its payload (and so stays a NaN).
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13);
    }
    return std::bit_cast<float>(bits);
}

struct Float16
{
};

// The unsigned integer an element is loaded as before it is interpreted.
template<typename T> struct Storage
{
    using Raw = std::make_unsigned_t<T>;
};
template<> struct Storage<Float16>
{
    using Raw = quint16;
};
template<> struct Storage<float>
{
    using Raw = quint32;
};
template<> struct Storage<double>
{
    using Raw = quint64;
};

template<typename T> float toFloat(typename Storage<T>::Raw raw)
{
    if constexpr (std::is_same_v<T, Float16>)
        return halfToFloat(raw);
    else if constexpr (std::is_floating_point_v<T>)
        return static_cast<float>(std::bit_cast<T>(raw));
    else
        return static_cast<float>(static_cast<T>(raw));
}

template<typename T, bool BigEndian>
void convertRun(const uchar *src, qint64 count, float *out, qint64 outStride)
{
    using Raw = typename Storage<T>::Raw;
    constexpr bool native = BigEndian == (std::endian::native == std::endian::big);
    if constexpr (std::is_same_v<T, float> && native) {
        if (outStride == 1) {
            std::memcpy(out, src, size_t(count) * sizeof(float));
            return;
        }
    }
    // The mapping gives no alignment guarantee beyond the header's padding, which
    // numpy's writers honour but others need not: load through qFrom*Endian, which
    // copies unaligned bytes safely.
    for (qint64 i = 0; i < count; ++i) {
        const uchar *p = src + i * qint64(sizeof(Raw));
        const Raw raw = BigEndian ? qFromBigEndian<Raw>(p) : qFromLittleEndian<Raw>(p);
        out[i * outStride] = toFloat<T>(raw);
    }
}

template<typename T> ConvertFn converterFor(bool bigEndian)
{
    return bigEndian ? &convertRun<T, true> : &convertRun<T, false>;
}

QString kindDescription(char kind)
{
    switch (kind) {
    case 'O':
        return QStringLiteral(" (Python objects)");
    case 'c':
        return QStringLiteral(" (complex numbers)");
    case 'U':
        return QStringLiteral(" (Unicode strings)");
    case 'S':
    case 'a':
        return QStringLiteral(" (byte strings)");
    case 'V':
        return QStringLiteral(" (raw or structured records)");
    case 'b':
    case '?':
        return QStringLiteral(" (booleans)");
    case 'M':
    case 'm':
        return QStringLiteral(" (dates or time spans)");
    default:
        return {};
    }
}

struct DType
{
    char kind = 'f';
    int itemSize = 4;
    bool bigEndian = false;
    ConvertFn convert = nullptr;
};

[[noreturn]] void unsupportedDtype(const QString &path, const QString &descr, char kind)
{
    fail(path,
         QStringLiteral("unsupported dtype '%1'%2; only float16/32/64 and (u)int8/16/32/64 are supported")
             .arg(descr, kindDescription(kind)));
}

DType parseDescr(const QString &path, const QString &descr)
{
    const QByteArray text = descr.toLatin1();
    if (text.size() < 3 || !QByteArrayView("<>|=").contains(text[0]))
        unsupportedDtype(path, descr, text.size() > 1 ? text[1] : '\0');
    DType type;
    const char order = text[0];
    type.kind = text[1];
    bool ok = false;
    type.itemSize = text.mid(2).toInt(&ok);
    if (!ok || text.mid(2) != QByteArray::number(type.itemSize))
        unsupportedDtype(path, descr, type.kind);
    type.bigEndian = order == '>' || (order == '=' && std::endian::native == std::endian::big);
    // '|' means "byte order does not apply", which is only true of single bytes.
    if (order == '|' && type.itemSize != 1)
        unsupportedDtype(path, descr, type.kind);

    const bool big = type.bigEndian;
    if (type.kind == 'f') {
        switch (type.itemSize) {
        case 2:
            type.convert = converterFor<Float16>(big);
            break;
        case 4:
            type.convert = converterFor<float>(big);
            break;
        case 8:
            type.convert = converterFor<double>(big);
            break;
        }
    } else if (type.kind == 'i') {
        switch (type.itemSize) {
        case 1:
            type.convert = converterFor<qint8>(big);
            break;
        case 2:
            type.convert = converterFor<qint16>(big);
            break;
        case 4:
            type.convert = converterFor<qint32>(big);
            break;
        case 8:
            type.convert = converterFor<qint64>(big);
            break;
        }
    } else if (type.kind == 'u') {
        switch (type.itemSize) {
        case 1:
            type.convert = converterFor<quint8>(big);
            break;
        case 2:
            type.convert = converterFor<quint16>(big);
            break;
        case 4:
            type.convert = converterFor<quint32>(big);
            break;
        case 8:
            type.convert = converterFor<quint64>(big);
            break;
        }
    }
    if (!type.convert)
        unsupportedDtype(path, descr, type.kind);
    return type;
}

struct Header
{
    QString descr;
    bool fortranOrder = false;
    std::vector<qint64> shape;
};

/**
 * Parses the header, a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
 * Only the literal forms numpy writes are accepted; nothing is evaluated.
 */
class HeaderParser
{
public:
    HeaderParser(const QString &path, QByteArrayView text, bool utf8)
        : m_path(path), m_text(text), m_utf8(utf8)
    {
    }

    Header parse()
    {
        Header header;
        bool haveDescr = false;
        bool haveOrder = false;
        bool haveShape = false;
        skipSpace();
        expect('{');
        for (;;) {
            skipSpace();
            if (consume('}'))
                break;
            const QString key = parseString();
            skipSpace();
            expect(':');
            skipSpace();
            bool *seen = nullptr;
            if (key == QLatin1String("descr")) {
                if (peek() == '[')
                    fail(m_path, QStringLiteral("unsupported dtype: structured arrays are not supported"));
                header.descr = parseString();
                seen = &haveDescr;
            } else if (key == QLatin1String("fortran_order")) {
                header.fortranOrder = parseBool();
                seen = &haveOrder;
            } else if (key == QLatin1String("shape")) {
                header.shape = parseTuple();
                seen = &haveShape;
            } else {
                syntaxError(QStringLiteral("unexpected key '%1'").arg(key));
            }
            if (*seen)
                syntaxError(QStringLiteral("key '%1' appears twice").arg(key));
            *seen = true;
            skipSpace();
            if (consume(','))
                continue;
            if (!consume('}'))
                syntaxError(QStringLiteral("expected ',' or '}' at offset %1").arg(m_pos));
            break;
        }
        skipSpace();
        if (m_pos != m_text.size())
            syntaxError(QStringLiteral("unexpected text after the dictionary"));
        if (!haveDescr || !haveOrder || !haveShape)
            syntaxError(QStringLiteral("it needs the keys 'descr', 'fortran_order' and 'shape'"));
        return header;
    }

private:
    [[noreturn]] void syntaxError(const QString &problem) const
    {
        QString shown = QString::fromLatin1(m_text.first(std::min<qsizetype>(m_text.size(), 120))).trimmed();
        if (m_text.size() > 120)
            shown += QStringLiteral("...");
        fail(m_path, QStringLiteral("cannot parse the header %1: %2").arg(shown, problem));
    }

    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }

    void skipSpace()
    {
        while (m_pos < m_text.size() && QByteArrayView(" \t\r\n").contains(m_text[m_pos]))
            ++m_pos;
    }

    bool consume(char c)
    {
        if (m_pos == m_text.size() || m_text[m_pos] != c)
            return false;
        ++m_pos;
        return true;
    }

    void expect(char c)
    {
        if (!consume(c))
            syntaxError(QStringLiteral("expected '%1' at offset %2").arg(QLatin1Char(c)).arg(m_pos));
    }

    QString parseString()
    {
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            syntaxError(QStringLiteral("expected a string at offset %1").arg(m_pos));
        const qsizetype start = ++m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] != quote) {
            if (m_text[m_pos] == '\\')
                syntaxError(QStringLiteral("escape sequences in strings are not supported"));
            ++m_pos;
        }
        if (m_pos == m_text.size())
            syntaxError(QStringLiteral("unterminated string"));
        const QByteArrayView body = m_text.sliced(start, m_pos - start);
        ++m_pos;
        // Format 3.0 exists to allow UTF-8 in headers; 1.0 and 2.0 are Latin-1.
        return m_utf8 ? QString::fromUtf8(body) : QString::fromLatin1(body);
    }

    bool parseBool()
    {
        const QByteArrayView rest = m_text.sliced(m_pos);
        if (rest.startsWith("True")) {
            m_pos += 4;
            return true;
        }
        if (rest.startsWith("False")) {
            m_pos += 5;
            return false;
        }
        syntaxError(QStringLiteral("expected True or False at offset %1").arg(m_pos));
    }

    qint64 parseDimension()
    {
        if (!std::isdigit(uchar(peek())))
            syntaxError(QStringLiteral("expected a non-negative integer at offset %1").arg(m_pos));
        qint64 value = 0;
        while (std::isdigit(uchar(peek()))) {
            const int digit = m_text[m_pos] - '0';
            if (value > (kMaxDimension - digit) / 10)
                syntaxError(QStringLiteral("dimension at offset %1 is too large").arg(m_pos));
            value = value * 10 + digit;
            ++m_pos;
        }
        // Python 2 wrote long integers with a suffix: (3L, 4L).
        if (peek() == 'L')
            ++m_pos;
        return value;
    }

    std::vector<qint64> parseTuple()
    {
        std::vector<qint64> values;
        expect('(');
        skipSpace();
        while (!consume(')')) {
            values.push_back(parseDimension());
            skipSpace();
            if (consume(',')) {
                skipSpace();
                continue;
            }
            if (!consume(')'))
                syntaxError(QStringLiteral("expected ',' or ')' in the shape at offset %1").arg(m_pos));
            break;
        }
        return values;
    }

    QString m_path;
    QByteArrayView m_text;
    qsizetype m_pos = 0;
    bool m_utf8 = false;
};

} // namespace

NpyFile::NpyFile(const QString &path) : m_path(path), m_file(std::make_unique<QFile>(path))
{
    if (!m_file->open(QIODevice::ReadOnly))
        fail(m_path, QStringLiteral("cannot open: %1").arg(m_file->errorString()));
    const qint64 size = m_file->size();
    if (size == 0)
        fail(m_path, QStringLiteral("not a NumPy .npy file: the file is empty"));
    // The mapping lives as long as m_file: QFile unmaps when it is closed or destroyed.
    const uchar *bytes = m_file->map(0, size);
    if (!bytes)
        fail(m_path, QStringLiteral("cannot map the file into memory: %1").arg(m_file->errorString()));

    if (size < kMagicSize || std::memcmp(bytes, kMagic, kMagicSize) != 0)
        fail(m_path, QStringLiteral("not a NumPy .npy file (bad magic number)"));
    if (size < kMagicSize + 2)
        fail(m_path, QStringLiteral("the header is truncated"));
    const int major = bytes[6];
    const int minor = bytes[7];
    if (major < 1 || major > 3 || minor != 0)
        fail(m_path, QStringLiteral("unsupported .npy format version %1.%2 (supported: 1.0, 2.0 and 3.0)")
                         .arg(major)
                         .arg(minor));
    // Version 1.0 has a 16-bit header length, 2.0 and 3.0 a 32-bit one; both little-endian.
    const qint64 preamble = kMagicSize + 2 + (major == 1 ? 2 : 4);
    if (size < preamble)
        fail(m_path, QStringLiteral("the header is truncated"));
    const qint64 headerLength =
        major == 1 ? qFromLittleEndian<quint16>(bytes + 8) : qFromLittleEndian<quint32>(bytes + 8);
    if (headerLength > size - preamble)
        fail(m_path, QStringLiteral("the header is truncated: it declares %1 bytes, the file has %2 after "
                                    "the preamble")
                         .arg(headerLength)
                         .arg(size - preamble));

    const QByteArrayView headerText(bytes + preamble, headerLength);
    const Header header = HeaderParser(m_path, headerText, major == 3).parse();

    const DType type = parseDescr(m_path, header.descr);
    m_descr = header.descr;
    m_kind = type.kind;
    m_itemSize = type.itemSize;
    m_bigEndian = type.bigEndian;
    m_convert = type.convert;
    m_fortranOrder = header.fortranOrder;

    if (header.shape.size() == 1) {
        m_rows = header.shape[0];
        m_cols = 1;
    } else if (header.shape.size() == 2) {
        m_rows = header.shape[0];
        m_cols = header.shape[1];
    } else {
        fail(m_path, QStringLiteral("only 1-D and 2-D arrays are supported, this one has shape %1")
                         .arg(shapeText(header.shape)));
    }

    qint64 expected = 0;
    if (qMulOverflow(m_rows, m_cols, &expected) || qMulOverflow(expected, qint64(m_itemSize), &expected))
        fail(m_path, QStringLiteral("shape %1 is too large").arg(shapeText(header.shape)));
    const qint64 available = size - preamble - headerLength;
    if (available < expected)
        fail(m_path,
             QStringLiteral("data is truncated: expected %1 bytes, found %2").arg(expected).arg(available));
    if (available > expected)
        fail(m_path, QStringLiteral("unexpected %1 extra bytes after the data").arg(available - expected));
    m_data = bytes + preamble + headerLength;
}

NpyFile::~NpyFile() = default;

QString NpyFile::fileName() const
{
    return QFileInfo(m_path).fileName();
}

bool NpyFile::isFloatingPoint() const
{
    return m_kind == 'f';
}

void NpyFile::readRows(qint64 first, qint64 count, float *out) const
{
    if (first < 0 || count < 0 || first > m_rows || count > m_rows - first)
        fail(m_path, QStringLiteral("cannot read %1 rows from row %2: the array has %3 rows")
                         .arg(count)
                         .arg(first)
                         .arg(m_rows));
    if (count == 0 || m_cols == 0)
        return;
    if (!m_fortranOrder) {
        m_convert(m_data + first * m_cols * m_itemSize, count * m_cols, out, 1);
        return;
    }
    // Fortran order stores each column contiguously: convert a run per column and
    // scatter it into the row-major output.
    for (qint64 col = 0; col < m_cols; ++col)
        m_convert(m_data + (col * m_rows + first) * m_itemSize, count, out + col, m_cols);
}

std::vector<float> NpyFile::readAll() const
{
    std::vector<float> values(size_t(m_rows * m_cols));
    readRows(0, m_rows, values.data());
    return values;
}

namespace {

/** Writes a C-order, version 1.0 .npy file of 4-byte elements described by descr ("<f4", "<i4"). */
template<typename T>
void writeNpyArray(const QString &path, const T *data, qint64 rows, qint64 cols, const char *descr)
{
    static_assert(sizeof(T) == 4);
    qint64 count = 0;
    qint64 byteCount = 0;
    if (rows < 0 || cols < 0 || qMulOverflow(rows, cols, &count) ||
        qMulOverflow(count, qint64(sizeof(T)), &byteCount))
        fail(path, QStringLiteral("cannot write an array of shape (%1, %2)").arg(rows).arg(cols));

    QByteArray header = "{'descr': '" + QByteArray(descr) + "', 'fortran_order': False, 'shape': (" +
                        QByteArray::number(rows) + ", " + QByteArray::number(cols) + "), }";
    // The same padding numpy's writer uses: spaces and a final newline, so that the data
    // starts on a 64-byte boundary. numpy always pads by at least one byte.
    const qint64 preamble = kMagicSize + 2 + 2;
    const qint64 unpadded = preamble + header.size() + 1;
    header.append(kArrayAlign - unpadded % kArrayAlign, ' ');
    header.append('\n');

    QByteArray prefix(kMagic, kMagicSize);
    prefix.append(char(1)).append(char(0));
    const quint16 headerLength = qToLittleEndian(quint16(header.size()));
    prefix.append(reinterpret_cast<const char *>(&headerLength), sizeof headerLength);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        fail(path, QStringLiteral("cannot write: %1").arg(file.errorString()));
    bool ok = file.write(prefix) == prefix.size() && file.write(header) == header.size();
    if constexpr (std::endian::native == std::endian::little) {
        ok = ok &&
             (byteCount == 0 || file.write(reinterpret_cast<const char *>(data), byteCount) == byteCount);
    } else {
        std::vector<quint32> chunk(65536);
        for (qint64 done = 0; ok && done < count;) {
            const qint64 n = std::min<qint64>(qint64(chunk.size()), count - done);
            for (qint64 i = 0; i < n; ++i)
                chunk[size_t(i)] = qToLittleEndian(std::bit_cast<quint32>(data[done + i]));
            ok = file.write(reinterpret_cast<const char *>(chunk.data()), n * 4) == n * 4;
            done += n;
        }
    }
    if (!ok || !file.commit())
        fail(path, QStringLiteral("cannot write: %1").arg(file.errorString()));
}

} // namespace

void writeNpy(const QString &path, const float *data, qint64 rows, qint64 cols)
{
    writeNpyArray(path, data, rows, cols, "<f4");
}

void writeNpy(const QString &path, const qint32 *data, qint64 rows, qint64 cols)
{
    writeNpyArray(path, data, rows, cols, "<i4");
}

} // namespace loupe
