#include "common/numberformat.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace loupe::format {

QString percent(double share, int decimals)
{
    return QString::number(100.0 * share, 'f', decimals) + QLatin1Char('%');
}

QString signedPoints(double change, int decimals)
{
    return (change >= 0 ? QStringLiteral("+") : QString()) + QString::number(change * 100.0, 'f', decimals) +
           QStringLiteral(" pt");
}

QString count(qint64 value)
{
    QString digits = QString::number(std::llabs(value));
    for (qsizetype i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QChar(0x202F));
    return value < 0 ? QChar(0x2212) + digits : digits;
}

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

QString significant(double value, int digits)
{
    if (!std::isfinite(value))
        return QStringLiteral("n/a");
    if (value == 0.0)
        return QStringLiteral("0");
    const int magnitude = int(std::floor(std::log10(std::abs(value))));
    if (magnitude + 1 >= digits)
        return count(std::llround(value));
    return QString::number(value, 'f', std::min(9, digits - 1 - magnitude));
}

QString fixed3(double value)
{
    return fixed(value, 3);
}

} // namespace loupe::format
