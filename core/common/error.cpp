#include "common/error.h"

namespace loupe {

Error::Error(const QString &message) : std::runtime_error(message.toStdString()), m_message(message) {}

QString locatedMessage(const QString &file, qint64 row, const QString &problem)
{
    if (row < 1)
        return file + QStringLiteral(": ") + problem;
    return file + QLatin1Char(':') + QString::number(row) + QStringLiteral(": ") + problem;
}

} // namespace loupe
