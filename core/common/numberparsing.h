#pragma once

#include <QByteArrayView>
#include <QStringView>

#include <optional>

namespace loupe {

/**
 * Numbers in imported text, read as QString::toLongLong() / toDouble() read them (C locale,
 * surrounding spaces and a leading '+' allowed), but without their cost in the common case:
 * a plain ASCII number is parsed with std::from_chars, anything else falls back to Qt.
 * A million-row samples.csv spent more time in QString::toDouble than in its own parsing.
 */
std::optional<qint64> parseInteger(QStringView text);
std::optional<double> parseReal(QStringView text);
/** The same, from UTF-8 text: the same numbers are accepted. */
std::optional<qint64> parseInteger(QByteArrayView utf8);
std::optional<double> parseReal(QByteArrayView utf8);

} // namespace loupe
