#include "storage/sqlitestatement.h"

#include "common/error.h"

#include <sqlite3.h>

#include <QFileInfo>

namespace loupe {

SqliteStatement::SqliteStatement(sqlite3 *db, const QString &sql) : m_db(db)
{
    const QByteArray utf8 = sql.toUtf8();
    const int rc = sqlite3_prepare_v2(db, utf8.constData(), int(utf8.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        throw Error(QStringLiteral("SQL error: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement &&other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt)
{
    other.m_stmt = nullptr;
}

void SqliteStatement::check(int rc) const
{
    if (rc != SQLITE_OK)
        throw Error(QStringLiteral("SQL error: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_db))));
}

SqliteStatement &SqliteStatement::bind(int index, int value)
{
    check(sqlite3_bind_int(m_stmt, index, value));
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, qint64 value)
{
    check(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, double value)
{
    check(sqlite3_bind_double(m_stmt, index, value));
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, const QString &value)
{
    return bindUtf8(index, value.toUtf8());
}

SqliteStatement &SqliteStatement::bindUtf8(int index, QByteArrayView utf8)
{
    // An empty view may have no data pointer, which SQLite would bind as NULL.
    check(sqlite3_bind_text(m_stmt, index, utf8.isEmpty() ? "" : utf8.data(), int(utf8.size()),
                            SQLITE_TRANSIENT));
    return *this;
}

SqliteStatement &SqliteStatement::bindBlob(int index, const void *data, qint64 bytes)
{
    check(sqlite3_bind_blob64(m_stmt, index, data, sqlite3_uint64(bytes), SQLITE_TRANSIENT));
    return *this;
}

SqliteStatement &SqliteStatement::bindBlobInPlace(int index, const void *data, qint64 bytes)
{
    check(sqlite3_bind_blob64(m_stmt, index, data, sqlite3_uint64(bytes), SQLITE_STATIC));
    return *this;
}

SqliteStatement &SqliteStatement::bindNull(int index)
{
    check(sqlite3_bind_null(m_stmt, index));
    return *this;
}

bool SqliteStatement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const QString message = QString::fromUtf8(sqlite3_errmsg(m_db));
    sqlite3_reset(m_stmt);
    // These are about the file, not the statement, so the message names the file.
    const QString file = QFileInfo(QString::fromUtf8(sqlite3_db_filename(m_db, "main"))).fileName();
    // Extended result codes are on: compare the primary code (SQLITE_BUSY_SNAPSHOT is busy too).
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        throw Error(QStringLiteral("%1: the project is busy: another program is writing to it (%2)")
                        .arg(file, message));
    if (primary == SQLITE_READONLY)
        throw Error(
            QStringLiteral("%1: cannot write: the project is open read-only (%2)").arg(file, message));
    if (primary == SQLITE_CORRUPT)
        throw Error(QStringLiteral("%1: the file is damaged (%2)").arg(file, message));
    throw Error(QStringLiteral("SQL error: %1").arg(message));
}

void SqliteStatement::execute()
{
    while (step()) {
    }
    reset();
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int SqliteStatement::columnCount() const
{
    return sqlite3_column_count(m_stmt);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

int SqliteStatement::columnInt(int column) const
{
    return sqlite3_column_int(m_stmt, column);
}

qint64 SqliteStatement::columnInt64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double SqliteStatement::columnDouble(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

QString SqliteStatement::columnText(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column));
}

QByteArrayView SqliteStatement::columnUtf8(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return QByteArrayView(text, sqlite3_column_bytes(m_stmt, column));
}

QByteArray SqliteStatement::columnBlob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    return QByteArray(data, sqlite3_column_bytes(m_stmt, column));
}

const void *SqliteStatement::columnBlobData(int column) const
{
    return sqlite3_column_blob(m_stmt, column);
}

int SqliteStatement::columnBytes(int column) const
{
    return sqlite3_column_bytes(m_stmt, column);
}

} // namespace loupe
