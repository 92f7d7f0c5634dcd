#include "common/numberparsing.h"

#include <QString>

#include <array>
#include <charconv>
#include <type_traits>

namespace loupe {

namespace {

// Longer numbers are rare enough to leave to Qt.
constexpr qsizetype kFastLength = 48;

/**
 * Copies text into buffer when it is a plain number: only digits, '.', 'e'/'E' and signs, the
 * first a digit, '-' or '.'. On these both parsers agree; words such as "inf", a '+' in front
 * or spaces around take Qt's path, so what is accepted never depends on the path taken.
 */
template<typename Text> char16_t unitAt(const Text &text, qsizetype i)
{
    if constexpr (std::is_same_v<Text, QStringView>)
        return text[i].unicode();
    else
        return char16_t(static_cast<unsigned char>(text[i]));
}

template<typename Text>
bool copyPlainNumber(const Text &text, std::array<char, kFastLength> &buffer, bool integer)
{
    if (text.isEmpty() || text.size() > kFastLength)
        return false;
    const char16_t first = unitAt(text, 0);
    if (!((first >= u'0' && first <= u'9') || first == u'-' || (!integer && first == u'.')))
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = unitAt(text, i);
        const bool digit = c >= u'0' && c <= u'9';
        const bool realPart = c == u'.' || c == u'e' || c == u'E' || c == u'+' || c == u'-';
        if (!digit && !(i == 0 && c == u'-') && !(!integer && realPart))
            return false;
        buffer[size_t(i)] = char(c);
    }
    return true;
}

template<typename Number, typename Text> std::optional<Number> parsePlain(const Text &text, bool integer)
{
    std::array<char, kFastLength> buffer;
    if (!copyPlainNumber(text, buffer, integer))
        return std::nullopt;
    Number value = 0;
    const char *end = buffer.data() + text.size();
    const auto [stop, error] = std::from_chars(buffer.data(), end, value);
    return error == std::errc() && stop == end ? std::optional(value) : std::nullopt;
}

} // namespace

std::optional<qint64> parseInteger(QStringView text)
{
    if (const auto value = parsePlain<qint64>(text, true))
        return value;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? std::optional(value) : std::nullopt;
}

std::optional<double> parseReal(QStringView text)
{
    if (const auto value = parsePlain<double>(text, false))
        return value;
    bool ok = false;
    const double value = text.toDouble(&ok);
    return ok ? std::optional(value) : std::nullopt;
}

// Plain numbers are ASCII, so they read the same from either encoding; the rest is decoded.
std::optional<qint64> parseInteger(QByteArrayView utf8)
{
    if (const auto value = parsePlain<qint64>(utf8, true))
        return value;
    return parseInteger(QStringView(QString::fromUtf8(utf8)));
}

std::optional<double> parseReal(QByteArrayView utf8)
{
    if (const auto value = parsePlain<double>(utf8, false))
        return value;
    return parseReal(QStringView(QString::fromUtf8(utf8)));
}

} // namespace loupe
