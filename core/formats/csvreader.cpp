#include "formats/csvreader.h"

#include <cstring>

#include <QFileInfo>

#include "common/error.h"

namespace loupe {

namespace {

// Large enough that read() calls and their bookkeeping vanish in the profile. The fuzz
// build (fuzz/CMakeLists.txt) makes it tiny so that short inputs cross buffer refills.
#ifdef LOUPE_CSV_BUFFER_SIZE
constexpr qsizetype kBufferSize = LOUPE_CSV_BUFFER_SIZE;
#else
constexpr qsizetype kBufferSize = qsizetype(1) << 20;
#endif
// No real cell is this long; a field that grows past it is almost always a missing
// closing quote swallowing the rest of the file, and stopping keeps memory bounded.
constexpr qsizetype kMaxFieldSize = qsizetype(256) << 20;
constexpr QByteArrayView kBom("\xEF\xBB\xBF");

inline bool endsUnquotedField(uchar c)
{
    return c == ',' || c == '\n' || c == '\r' || c == '"';
}

} // namespace

CsvReader::CsvReader(const QString &path) : m_path(path), m_file(path)
{
    // Unbuffered: reads come in large blocks already, QIODevice's buffer would only add a copy.
    if (!m_file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        throw Error(
            locatedMessage(fileName(), 0, QStringLiteral("cannot open: %1").arg(m_file.errorString())));
}

QString CsvReader::fileName() const
{
    return QFileInfo(m_path).fileName();
}

qint64 CsvReader::bytesRead() const
{
    return m_consumedBefore + m_pos;
}

qint64 CsvReader::fileSize() const
{
    return m_file.size();
}

bool CsvReader::readRecord(std::vector<QString> &fields)
{
    fields.clear();
    if (!readRecord(m_record))
        return false;
    fields.reserve(size_t(m_record.size()));
    for (qsizetype i = 0; i < m_record.size(); ++i)
        fields.push_back(m_record.text(i));
    return true;
}

bool CsvReader::readRecord(CsvRecord &record)
{
    record.clear();
    if (m_atStart) {
        m_atStart = false;
        if (fillBuffer() && m_buffer.startsWith(kBom))
            m_pos = kBom.size();
    }
    if (m_pos == m_buffer.size() && !fillBuffer())
        return false;
    // Give back the memory of an unusually long field from an earlier record.
    if (record.m_bytes.capacity() > kBufferSize)
        record.m_bytes = QByteArray();

    m_recordLine = m_line;
    for (;;) {
        const int field = int(record.size()) + 1;
        FieldEnd end = FieldEnd::File;
        if (m_pos == m_buffer.size() && !fillBuffer())
            end = FieldEnd::File; // "a," at the very end: the last field is empty
        else if (m_buffer.at(m_pos) == '"')
            end = readQuotedField(record, field);
        else
            end = readUnquotedField(record, field);
        record.endField();
        if (end != FieldEnd::Separator)
            return true;
    }
}

CsvReader::FieldEnd CsvReader::readUnquotedField(CsvRecord &record, int field)
{
    uchar high = 0; // all bytes OR-ed: bit 7 clear means the field is ASCII
    for (;;) {
        const char *data = m_buffer.constData();
        const qsizetype size = m_buffer.size();
        const qsizetype start = m_pos;
        qsizetype i = start;
        while (i < size && !endsUnquotedField(uchar(data[i]))) {
            high |= uchar(data[i]);
            ++i;
        }
        append(record, QByteArrayView(data + start, i - start), field);
        if (i == size) {
            m_pos = size;
            if (!fillBuffer()) {
                checkUtf8(record, !(high & 0x80), field);
                return FieldEnd::File;
            }
            continue;
        }
        if (data[i] == '"')
            fail(QStringLiteral("field %1: unexpected '\"' in an unquoted field (a field containing quotes "
                                "must be quoted, with each quote inside it doubled)")
                     .arg(field));
        checkUtf8(record, !(high & 0x80), field);
        m_pos = i;
        return finishField(field);
    }
}

CsvReader::FieldEnd CsvReader::readQuotedField(CsvRecord &record, int field)
{
    ++m_pos; // the opening quote
    uchar high = 0;
    // Physical lines end at LF, CRLF or a lone CR; a CRLF split by a quote-free scan
    // boundary must still count once, so the state carries across buffers.
    bool previousCr = false;
    for (;;) {
        const char *data = m_buffer.constData();
        const qsizetype size = m_buffer.size();
        const qsizetype start = m_pos;
        const void *quote = std::memchr(data + start, '"', size_t(size - start));
        const qsizetype end = quote ? static_cast<const char *>(quote) - data : size;
        for (qsizetype i = start; i < end; ++i) {
            const uchar c = uchar(data[i]);
            high |= c;
            if (c == '\n') {
                if (!previousCr)
                    ++m_line;
                previousCr = false;
            } else if (c == '\r') {
                ++m_line;
                previousCr = true;
            } else {
                previousCr = false;
            }
        }
        previousCr = previousCr && end == size;

        if (end == size) {
            append(record, QByteArrayView(data + start, end - start), field);
            m_pos = size;
            if (!fillBuffer())
                fail(QStringLiteral("unterminated quoted field"));
            continue;
        }
        // data[end] is a quote: the closing one, or the first of a doubled pair.
        if (end + 1 == size) {
            // Which one depends on the next buffer.
            append(record, QByteArrayView(data + start, end - start), field);
            m_pos = size;
            if (peekByte() == '"') {
                append(record, QByteArrayView("\""), field);
                ++m_pos;
                continue;
            }
            checkUtf8(record, !(high & 0x80), field);
            return finishField(field);
        }
        if (data[end + 1] == '"') {
            append(record, QByteArrayView(data + start, end + 1 - start), field); // keeps one quote
            m_pos = end + 2;
            continue;
        }
        append(record, QByteArrayView(data + start, end - start), field);
        checkUtf8(record, !(high & 0x80), field);
        m_pos = end + 1;
        return finishField(field);
    }
}

CsvReader::FieldEnd CsvReader::finishField(int field)
{
    switch (peekByte()) {
    case -1:
        return FieldEnd::File;
    case ',':
        ++m_pos;
        return FieldEnd::Separator;
    case '\n':
        ++m_pos;
        ++m_line;
        return FieldEnd::Record;
    case '\r':
        ++m_pos;
        if (peekByte() == '\n')
            ++m_pos;
        ++m_line;
        return FieldEnd::Record;
    default:
        // An unquoted field only stops at the cases above, so this follows a closing quote.
        fail(QStringLiteral("field %1: unexpected text after the closing quote (a quote inside a quoted "
                            "field must be doubled)")
                 .arg(field));
    }
}

void CsvReader::append(CsvRecord &record, QByteArrayView bytes, int field)
{
    if (bytes.size() > kMaxFieldSize - record.openField().size())
        fail(QStringLiteral("field %1 is longer than %2 MiB; is a closing quote missing?")
                 .arg(field)
                 .arg(kMaxFieldSize >> 20));
    record.append(bytes);
}

void CsvReader::checkUtf8(const CsvRecord &record, bool ascii, int field) const
{
    // The same strictness as QStringDecoder: overlong forms and encoded surrogates are refused.
    if (!ascii && !record.openField().isValidUtf8())
        fail(QStringLiteral("invalid UTF-8 text in field %1 (save the file as UTF-8)").arg(field));
}

bool CsvReader::fillBuffer()
{
    m_consumedBefore += m_buffer.size();
    m_buffer.resize(kBufferSize); // allocates once; later calls reuse the capacity
    qsizetype filled = 0;
    // A pipe may return less than asked for before its end, so read until full or EOF.
    while (filled < kBufferSize) {
        const qint64 n = m_file.read(m_buffer.data() + filled, kBufferSize - filled);
        if (n < 0)
            fail(QStringLiteral("read error: %1").arg(m_file.errorString()));
        if (n == 0)
            break;
        filled += qsizetype(n);
    }
    m_buffer.resize(filled);
    m_pos = 0;
    return filled > 0;
}

int CsvReader::peekByte()
{
    if (m_pos == m_buffer.size() && !fillBuffer())
        return -1;
    return uchar(m_buffer.at(m_pos));
}

void CsvReader::fail(const QString &problem) const
{
    throw Error(locatedMessage(fileName(), m_recordLine, problem));
}

} // namespace loupe
