#include "storage/sqlitedatabase.h"

#include "common/error.h"

#include <QFileInfo>

#include <sqlite3.h>

namespace loupe {

namespace {
// How long a connection waits for another writer before reporting the project busy.
constexpr int kBusyTimeoutMs = 10000;

/**
 * Turns off SQLite's memory statistics, which Loupe never reads: with them on, every
 * allocation SQLite makes takes a process-wide mutex (3.8 % of a 1M import's CPU time went
 * to locking it). Must run before SQLite initialises itself, at the first connection.
 */
void configureSqliteOnce()
{
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    Q_UNUSED(configured);
}
} // namespace

SqliteDatabase::SqliteDatabase(const QString &path, Mode mode) : m_path(path)
{
    configureSqliteOnce();
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case Mode::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    case Mode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Mode::Create:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    }
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString reason =
            m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory");
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(QStringLiteral("%1: cannot open: %2").arg(QFileInfo(path).fileName(), reason));
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
}

SqliteDatabase::~SqliteDatabase()
{
    sqlite3_close_v2(m_db);
}

void SqliteDatabase::exec(const QString &sql)
{
    char *error = nullptr;
    const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        const QString message = QString::fromUtf8(error ? error : sqlite3_errstr(rc));
        sqlite3_free(error);
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
            throw Error(QStringLiteral("%1: the project is busy: another program is writing to it")
                            .arg(QFileInfo(m_path).fileName()));
        throw Error(QStringLiteral("%1: %2").arg(QFileInfo(m_path).fileName(), message));
    }
}

void SqliteDatabase::setBusyTimeout(int milliseconds)
{
    sqlite3_busy_timeout(m_db, milliseconds);
}

SqliteStatement SqliteDatabase::prepare(const QString &sql)
{
    return SqliteStatement(m_db, sql);
}

qint64 SqliteDatabase::queryInt(const QString &sql, qint64 defaultValue)
{
    SqliteStatement statement(m_db, sql);
    if (!statement.step() || statement.isNull(0))
        return defaultValue;
    return statement.columnInt64(0);
}

QString SqliteDatabase::queryText(const QString &sql, const QString &defaultValue)
{
    SqliteStatement statement(m_db, sql);
    if (!statement.step() || statement.isNull(0))
        return defaultValue;
    return statement.columnText(0);
}

bool SqliteDatabase::isReadOnly() const
{
    return sqlite3_db_readonly(m_db, "main") == 1;
}

} // namespace loupe
