#pragma once

#include <QString>

namespace loupe {

/**
 * A folder written whole or not at all. The target must not exist or be empty (so no file is
 * mixed into or overwritten); the content is built in a hidden sibling folder (path()) and
 * renamed into place by commit(). Never committed (an error, a cancel), the sibling is
 * removed and the target is untouched. Throws loupe::Error.
 */
class StagedFolder
{
public:
    explicit StagedFolder(QString target);
    ~StagedFolder();
    StagedFolder(const StagedFolder &) = delete;
    StagedFolder &operator=(const StagedFolder &) = delete;

    QString path() const { return m_staging; }
    /** Moves the content to the target; throws when the target was filled meanwhile. */
    void commit();

private:
    QString m_target;
    QString m_staging;
    bool m_committed = false;
};

} // namespace loupe
