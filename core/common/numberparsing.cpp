#include "common/numberparsing.h"

#include <QString>

#include <array>
#include <charconv>

namespace loupe {

namespace {

// Longer numbers are rare enough to leave to Qt.
constexpr qsizetype kFastLength = 48;

/**
 * Copies text into buffer when it is a plain number: only digits, '.', 'e'/'E' and signs, the
 * first a digit, '-' or '.'. On these both parsers agree; words such as "inf", a '+' in front
 * or spaces around take Qt's path, so what is accepted never depends on the path taken.
 */
bool copyPlainNumber(QStringView text, std::array<char, kFastLength> &buffer, bool integer)
{
    if (text.isEmpty() || text.size() > kFastLength)
        return false;
    const char16_t first = text.front().unicode();
    if (!((first >= u'0' && first <= u'9') || first == u'-' || (!integer && first == u'.')))
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        const bool digit = c >= u'0' && c <= u'9';
        const bool realPart = c == u'.' || c == u'e' || c == u'E' || c == u'+' || c == u'-';
        if (!digit && !(i == 0 && c == u'-') && !(!integer && realPart))
            return false;
        buffer[size_t(i)] = char(c);
    }
    return true;
}

} // namespace

std::optional<qint64> parseInteger(QStringView text)
{
    std::array<char, kFastLength> buffer;
    if (copyPlainNumber(text, buffer, true)) {
        qint64 value = 0;
        const char *end = buffer.data() + text.size();
        const auto [stop, error] = std::from_chars(buffer.data(), end, value);
        if (error == std::errc() && stop == end)
            return value;
    }
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? std::optional(value) : std::nullopt;
}

std::optional<double> parseReal(QStringView text)
{
    std::array<char, kFastLength> buffer;
    if (copyPlainNumber(text, buffer, false)) {
        double value = 0.0;
        const char *end = buffer.data() + text.size();
        const auto [stop, error] = std::from_chars(buffer.data(), end, value);
        if (error == std::errc() && stop == end)
            return value;
    }
    bool ok = false;
    const double value = text.toDouble(&ok);
    return ok ? std::optional(value) : std::nullopt;
}

} // namespace loupe
