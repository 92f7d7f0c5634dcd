#pragma once

#include "storage/sqlitestatement.h"

#include <QString>

struct sqlite3;

namespace loupe {

/**
 * One SQLite connection (RAII). Not thread-safe: use one connection per thread,
 * as the house style asks. Errors throw loupe::Error.
 */
class SqliteDatabase
{
public:
    enum class Mode { ReadOnly, ReadWrite, Create };

    SqliteDatabase(const QString &path, Mode mode);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase &) = delete;
    SqliteDatabase &operator=(const SqliteDatabase &) = delete;

    /** Runs one or more statements that return no rows. */
    void exec(const QString &sql);
    /** How long a statement waits for another writer before failing with "the project is busy" (default 10
     * s). */
    void setBusyTimeout(int milliseconds);
    SqliteStatement prepare(const QString &sql);
    /** The first column of the first row of a query, or defaultValue without rows. */
    qint64 queryInt(const QString &sql, qint64 defaultValue = 0);
    QString queryText(const QString &sql, const QString &defaultValue = {});

    bool isReadOnly() const;
    QString path() const { return m_path; }
    sqlite3 *handle() const { return m_db; }

private:
    QString m_path;
    sqlite3 *m_db = nullptr;
};

} // namespace loupe
