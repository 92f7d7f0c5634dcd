#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

#include <functional>
#include <vector>

namespace loupe {

/**
 * A streaming JSON reader (RFC 8259): values are read one token at a time through a
 * buffer, so a COCO file of a gigabyte needs the memory of what the caller keeps, not of
 * the document. Values the caller does not want (a segmentation polygon, "info") are
 * skipped without being built.
 *
 * Problems throw loupe::Error naming the file and line: `instances.json:12: expected ','
 * or '}' after a value in an object`, `instances.json:3: invalid escape "\q" in a string`.
 */
class JsonStream
{
public:
    enum class Token { BeginObject, EndObject, BeginArray, EndArray, String, Number, True, False, Null, End };

    /** Opens the file; throws loupe::Error if it cannot be read. */
    explicit JsonStream(const QString &path);

    /** The next value's first token; String and Number carry text() and number(). */
    Token next();
    /** The text of the last String token (a key or a value). */
    const QString &text() const { return m_text; }
    /** The value of the last Number token. */
    double number() const { return m_number; }

    /** Reads one whole value and drops it. */
    void skipValue();
    /** Reads one whole value whose first token was just returned by next(), and drops it. */
    void skipRest(Token first);

    /**
     * Reads an object, its '{' not yet read: calls member(key) for each member with the
     * stream at the member's value, which member must read (or skip) wholly.
     */
    void readObject(const std::function<void(const QString &key)> &member, const QString &what);
    /** Reads an array, its '[' not yet read: calls element(index) for each element, which it must read. */
    void readArray(const std::function<void(qint64 index)> &element, const QString &what);

    /** A number, a string or null (NaN) value; anything else fails naming what. */
    double readNumber(const QString &what);
    QString readString(const QString &what);
    bool readBool(const QString &what);
    /** A string, a number (as written), a boolean or null (an empty string): a metadata value. */
    QString readScalarAsText(const QString &what);

    /** Checks that nothing but whitespace follows the document. */
    void expectEnd();

    /** 1-based line of the last token read. */
    qint64 line() const { return m_tokenLine; }
    QString fileName() const;
    qint64 bytesRead() const;
    qint64 fileSize() const;
    [[noreturn]] void fail(const QString &problem) const;

private:
    int peekByte();
    int takeByte();
    void skipWhitespace();
    void readStringToken();
    void readNumberToken(int first);
    Token readKey();
    Token readValue(int c);
    Token closeContainer(Token token);
    void afterValue();
    void expectLiteral(const char *rest);
    void appendUtf8(char32_t codePoint);
    char32_t readHexQuad();

    QString m_path;
    QFile m_file;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_consumed = 0; // bytes of the file before m_buffer
    qint64 m_line = 1;
    qint64 m_tokenLine = 1;
    QString m_text;
    QByteArray m_bytes; // a string token's UTF-8 bytes while it is read
    double m_number = 0.0;
    // What the grammar allows next.
    enum class State {
        Value,      // at the start, after ':' in an object or ',' in an array
        ValueOrEnd, // right after '['
        Key,        // after ',' in an object
        KeyOrEnd,   // right after '{'
        CommaOrEnd, // after a value inside an object or array
        Done,       // after the document's value
    };
    State m_state = State::Value;
    std::vector<bool> m_inObject; // the open containers: true for an object, false for an array
    // A token read ahead by readArray to see whether the array ends, handed out by the next next().
    bool m_hasPending = false;
    Token m_pending = Token::End;
};

} // namespace loupe
