#include "import/importproblems.h"

#include "common/error.h"

namespace loupe {

void ImportProblems::add(const QString &file, qint64 row, const QString &problem)
{
    ++m_count;
    if (m_listed.size() < kMaxListed)
        m_listed << locatedMessage(file, row, problem);
}

void ImportProblems::throwIfAny() const
{
    if (m_count == 0)
        return;
    QString message = m_listed.join(QLatin1Char('\n'));
    if (m_count > m_listed.size())
        message += QStringLiteral("\n... and %1 more problems").arg(m_count - m_listed.size());
    throw Error(message);
}

} // namespace loupe
