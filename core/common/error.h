#pragma once

#include <QString>

#include <stdexcept>

namespace loupe {

/**
 * The one exception type core throws for bad input and failed operations.
 *
 * The message is complete and user-facing: it names the file, the row or field when
 * there is one, and the problem, e.g. `samples.csv:12: unknown class "Shrt"`.
 */
class Error : public std::runtime_error
{
public:
    explicit Error(const QString &message);

    QString message() const { return m_message; }

private:
    QString m_message;
};

/** Formats `file:row: problem` (or `file: problem` when row < 1). */
QString locatedMessage(const QString &file, qint64 row, const QString &problem);

} // namespace loupe
