#pragma once

#include "common/progress.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <future>

namespace loupe {

class ProjectWriter;
class SqliteDatabase;

/**
 * Rows of some of a new project's tables, written on a thread of their own into a scratch
 * database beside the project while the import writes other tables, then moved in with
 * ProjectWriter::moveRowsFrom().
 *
 * SQLite writes a file from one connection at a time, so a 1M import wrote its samples and
 * then its predictions on one core while the other idled. The scratch tables are created
 * from the project's own definitions, which lets SQLite move their records whole.
 */
class StagedRows
{
public:
    /** Fills the scratch database's tables; runs on the staging thread. */
    using Writer = std::function<void(SqliteDatabase &scratch, Progress &progress)>;

    /**
     * Creates the scratch database with writer's definitions of tables and starts write on a
     * thread. The write stops when cancellation is cancelled.
     */
    StagedRows(ProjectWriter &writer, const QStringList &tables, Writer write, const Progress &cancellation);
    /** Cancels and waits for an unfinished write, and deletes the scratch database. */
    ~StagedRows();
    StagedRows(const StagedRows &) = delete;
    StagedRows &operator=(const StagedRows &) = delete;

    /**
     * Waits for the write, throws what it threw, and moves its rows into writer's project; a
     * cancel of the write's cancellation stops the move too.
     */
    void moveInto(ProjectWriter &writer);

private:
    void write(const QStringList &definitions, qint64 pageSize, const Writer &write);

    QString m_path;
    QStringList m_tables;
    Progress m_progress;
    std::future<void> m_done;
};

} // namespace loupe
