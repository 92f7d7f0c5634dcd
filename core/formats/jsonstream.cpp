#include "formats/jsonstream.h"

#include "common/error.h"

#include <QFileInfo>
#include <QStringDecoder>

#include <charconv>
#include <cmath>

namespace loupe {

namespace {

constexpr qint64 kChunk = 1 << 20;

bool isWhitespace(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

QString describe(int c)
{
    if (c < 0)
        return QStringLiteral("the end of the file");
    if (c >= 0x20 && c < 0x7f)
        return QStringLiteral("'%1'").arg(QChar(c));
    return QStringLiteral("byte 0x%1").arg(c, 2, 16, QLatin1Char('0'));
}

} // namespace

JsonStream::JsonStream(const QString &path) : m_path(path), m_file(path)
{
    if (!m_file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read (%2)").arg(fileName(), m_file.errorString()));
}

QString JsonStream::fileName() const
{
    return QFileInfo(m_path).fileName();
}

qint64 JsonStream::bytesRead() const
{
    return m_consumed + m_pos;
}

qint64 JsonStream::fileSize() const
{
    return m_file.size();
}

void JsonStream::fail(const QString &problem) const
{
    throw Error(locatedMessage(fileName(), m_tokenLine, problem));
}

int JsonStream::peekByte()
{
    if (m_pos >= m_buffer.size()) {
        m_consumed += m_buffer.size();
        m_buffer = m_file.read(kChunk);
        m_pos = 0;
        if (m_buffer.isEmpty())
            return -1;
    }
    return static_cast<unsigned char>(m_buffer[m_pos]);
}

int JsonStream::takeByte()
{
    const int c = peekByte();
    if (c >= 0) {
        ++m_pos;
        if (c == '\n')
            ++m_line;
    }
    return c;
}

void JsonStream::skipWhitespace()
{
    while (isWhitespace(peekByte()))
        takeByte();
}

JsonStream::Token JsonStream::next()
{
    if (m_hasPending) {
        m_hasPending = false;
        return m_pending;
    }
    for (;;) {
        skipWhitespace();
        m_tokenLine = m_line;
        const int c = peekByte();
        switch (m_state) {
        case State::Done:
            if (c >= 0)
                fail(QStringLiteral("unexpected %1 after the end of the document").arg(describe(c)));
            return Token::End;
        case State::CommaOrEnd:
            if (c == ',') {
                takeByte();
                m_state = m_inObject.back() ? State::Key : State::Value;
                continue;
            }
            if (c == (m_inObject.back() ? '}' : ']'))
                return closeContainer(m_inObject.back() ? Token::EndObject : Token::EndArray);
            fail(QStringLiteral("expected ',' or '%1' after a value in an %2, found %3")
                     .arg(m_inObject.back() ? QLatin1Char('}') : QLatin1Char(']'))
                     .arg(m_inObject.back() ? QStringLiteral("object") : QStringLiteral("array"),
                          describe(c)));
        case State::KeyOrEnd:
            if (c == '}')
                return closeContainer(Token::EndObject);
            return readKey();
        case State::Key:
            return readKey();
        case State::ValueOrEnd:
            if (c == ']')
                return closeContainer(Token::EndArray);
            return readValue(c);
        case State::Value:
            return readValue(c);
        }
    }
}

JsonStream::Token JsonStream::closeContainer(Token token)
{
    takeByte();
    m_inObject.pop_back();
    afterValue();
    return token;
}

void JsonStream::afterValue()
{
    m_state = m_inObject.empty() ? State::Done : State::CommaOrEnd;
}

JsonStream::Token JsonStream::readKey()
{
    const int c = peekByte();
    if (c != '"')
        fail(QStringLiteral("expected a member name in quotes, found %1").arg(describe(c)));
    readStringToken();
    skipWhitespace();
    const int colon = takeByte();
    if (colon != ':')
        fail(QStringLiteral("expected ':' after the member name \"%1\", found %2")
                 .arg(m_text, describe(colon)));
    m_state = State::Value;
    return Token::String;
}

JsonStream::Token JsonStream::readValue(int c)
{
    switch (c) {
    case '{':
        takeByte();
        m_inObject.push_back(true);
        m_state = State::KeyOrEnd;
        return Token::BeginObject;
    case '[':
        takeByte();
        m_inObject.push_back(false);
        m_state = State::ValueOrEnd;
        return Token::BeginArray;
    case '"':
        readStringToken();
        afterValue();
        return Token::String;
    case 't':
        expectLiteral("true");
        afterValue();
        return Token::True;
    case 'f':
        expectLiteral("false");
        afterValue();
        return Token::False;
    case 'n':
        expectLiteral("null");
        afterValue();
        return Token::Null;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            readNumberToken(c);
            afterValue();
            return Token::Number;
        }
        fail(QStringLiteral("expected a value, found %1").arg(describe(c)));
    }
}

void JsonStream::expectLiteral(const char *literal)
{
    for (const char *p = literal; *p != '\0'; ++p) {
        if (takeByte() != *p)
            fail(QStringLiteral("expected %1").arg(QLatin1String(literal)));
    }
}

void JsonStream::readNumberToken(int first)
{
    char text[64];
    size_t length = 0;
    for (int c = first; c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9');
         c = peekByte()) {
        if (length + 1 >= sizeof(text))
            fail(QStringLiteral("a number longer than 63 characters"));
        text[length++] = char(takeByte());
    }
    const auto [end, error] = std::from_chars(text, text + length, m_number);
    if (error != std::errc() || end != text + length || text[0] == '+' ||
        (length > 1 && text[0] == '0' && text[1] >= '0' && text[1] <= '9'))
        fail(QStringLiteral("\"%1\" is not a number").arg(QString::fromLatin1(text, qsizetype(length))));
    if (!std::isfinite(m_number))
        fail(QStringLiteral("\"%1\" is out of range").arg(QString::fromLatin1(text, qsizetype(length))));
}

char32_t JsonStream::readHexQuad()
{
    char32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        const int c = takeByte();
        int digit = -1;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        if (digit < 0)
            fail(QStringLiteral("a \\u escape needs four hex digits"));
        value = value * 16 + char32_t(digit);
    }
    return value;
}

void JsonStream::appendUtf8(char32_t cp)
{
    if (cp < 0x80) {
        m_bytes.append(char(cp));
    } else if (cp < 0x800) {
        m_bytes.append(char(0xC0 | (cp >> 6)));
        m_bytes.append(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        m_bytes.append(char(0xE0 | (cp >> 12)));
        m_bytes.append(char(0x80 | ((cp >> 6) & 0x3F)));
        m_bytes.append(char(0x80 | (cp & 0x3F)));
    } else {
        m_bytes.append(char(0xF0 | (cp >> 18)));
        m_bytes.append(char(0x80 | ((cp >> 12) & 0x3F)));
        m_bytes.append(char(0x80 | ((cp >> 6) & 0x3F)));
        m_bytes.append(char(0x80 | (cp & 0x3F)));
    }
}

void JsonStream::readStringToken()
{
    takeByte(); // the opening quote
    m_bytes.clear();
    bool ascii = true;
    for (;;) {
        // The run of plain characters up to the next quote, escape or control character, at once:
        // most of a file's strings are plain, and one byte at a time through takeByte() is slow.
        const char *data = m_buffer.constData();
        qsizetype end = m_pos;
        while (end < m_buffer.size()) {
            const auto ch = static_cast<unsigned char>(data[end]);
            if (ch == '"' || ch == '\\' || ch < 0x20)
                break;
            ascii = ascii && ch < 0x80;
            ++end;
        }
        if (end > m_pos) {
            m_bytes.append(data + m_pos, end - m_pos);
            m_pos = end;
        }
        const int c = takeByte();
        if (c < 0)
            fail(QStringLiteral("a string is not closed before the end of the file"));
        if (c == '"')
            break;
        if (c < 0x20)
            fail(QStringLiteral("a line break or control character inside a string"));
        if (c != '\\') {
            m_bytes.append(char(c));
            ascii = ascii && c < 0x80;
            continue;
        }
        ascii = false; // an escape: decoded below
        const int escape = takeByte();
        switch (escape) {
        case '"':
        case '\\':
        case '/':
            m_bytes.append(char(escape));
            break;
        case 'b':
            m_bytes.append('\b');
            break;
        case 'f':
            m_bytes.append('\f');
            break;
        case 'n':
            m_bytes.append('\n');
            break;
        case 'r':
            m_bytes.append('\r');
            break;
        case 't':
            m_bytes.append('\t');
            break;
        case 'u': {
            char32_t cp = readHexQuad();
            if (cp >= 0xD800 && cp < 0xDC00) { // a high surrogate: its low half follows
                if (takeByte() != '\\' || takeByte() != 'u')
                    fail(QStringLiteral("a \\u escape of a surrogate pair lacks its second half"));
                const char32_t low = readHexQuad();
                if (low < 0xDC00 || low >= 0xE000)
                    fail(QStringLiteral("a \\u escape of a surrogate pair lacks its second half"));
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                fail(QStringLiteral("a lone low surrogate in a \\u escape"));
            }
            appendUtf8(cp);
            break;
        }
        default:
            fail(QStringLiteral("invalid escape \"\\%1\" in a string").arg(describe(escape)));
        }
    }
    if (ascii) {
        m_text = QString::fromLatin1(m_bytes);
        return;
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    m_text = decoder(m_bytes);
    if (decoder.hasError())
        fail(QStringLiteral("invalid UTF-8 text in a string (save the file as UTF-8)"));
}

void JsonStream::skipValue()
{
    skipRest(next());
}

void JsonStream::skipRest(Token first)
{
    if (first != Token::BeginObject && first != Token::BeginArray)
        return;
    for (int depth = 1; depth > 0;) {
        const Token token = next();
        if (token == Token::BeginObject || token == Token::BeginArray)
            ++depth;
        else if (token == Token::EndObject || token == Token::EndArray)
            --depth;
    }
}

void JsonStream::readObject(const std::function<void(const QString &)> &member, const QString &what)
{
    if (next() != Token::BeginObject)
        fail(QStringLiteral("%1: expected an object").arg(what));
    for (Token token = next(); token != Token::EndObject; token = next()) {
        const QString key = m_text; // a String: the grammar allows nothing else here
        member(key);
    }
}

void JsonStream::readArray(const std::function<void(qint64)> &element, const QString &what)
{
    if (next() != Token::BeginArray)
        fail(QStringLiteral("%1: expected an array").arg(what));
    for (qint64 index = 0;; ++index) {
        const Token token = next();
        if (token == Token::EndArray)
            return;
        m_pending = token;
        m_hasPending = true;
        element(index);
    }
}

double JsonStream::readNumber(const QString &what)
{
    const Token token = next();
    if (token == Token::Number)
        return m_number;
    if (token == Token::Null)
        return std::nan("");
    skipRest(token);
    fail(QStringLiteral("%1: expected a number").arg(what));
}

QString JsonStream::readString(const QString &what)
{
    const Token token = next();
    if (token == Token::String)
        return m_text;
    skipRest(token);
    fail(QStringLiteral("%1: expected a string").arg(what));
}

bool JsonStream::readBool(const QString &what)
{
    const Token token = next();
    if (token == Token::True || token == Token::False)
        return token == Token::True;
    if (token == Token::Number && (m_number == 0.0 || m_number == 1.0))
        return m_number == 1.0; // COCO writes iscrowd as 0 or 1
    skipRest(token);
    fail(QStringLiteral("%1: expected true, false, 0 or 1").arg(what));
}

QString JsonStream::readScalarAsText(const QString &what)
{
    switch (const Token token = next()) {
    case Token::String:
        return m_text;
    case Token::Number:
        return QString::number(m_number, 'g', 17);
    case Token::True:
        return QStringLiteral("true");
    case Token::False:
        return QStringLiteral("false");
    case Token::Null:
        return {};
    default:
        skipRest(token);
        fail(QStringLiteral("%1: expected a string, a number or a boolean").arg(what));
    }
}

void JsonStream::expectEnd()
{
    if (next() != Token::End)
        fail(QStringLiteral("more than one value in the document"));
}

} // namespace loupe
