#pragma once

#include <QString>
#include <QStringList>

namespace loupe {

/**
 * Collects the problems an import finds, so the user sees many at once instead of
 * fixing one per attempt. Each is `file:row: problem`; after kMaxListed the rest are
 * only counted.
 */
class ImportProblems
{
public:
    static constexpr int kMaxListed = 25;

    void add(const QString &file, qint64 row, const QString &problem);
    bool isEmpty() const { return m_count == 0; }
    qint64 count() const { return m_count; }
    /** True once enough problems are listed that further checks of a file are pointless. */
    bool isFull() const { return m_count >= kMaxListed * 40; }
    /** Throws loupe::Error with every listed problem when there is any. */
    void throwIfAny() const;

private:
    QStringList m_listed;
    qint64 m_count = 0;
};

} // namespace loupe
