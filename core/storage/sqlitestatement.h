#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstdint>

struct sqlite3;
struct sqlite3_stmt;

namespace loupe {

/**
 * A prepared SQLite statement (RAII). Bind indexes are 1-based, column indexes
 * 0-based, as in the SQLite C API. Errors throw loupe::Error with SQLite's message.
 */
class SqliteStatement
{
public:
    SqliteStatement(sqlite3 *db, const QString &sql);
    ~SqliteStatement();
    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) = delete;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    SqliteStatement &bind(int index, int value);
    SqliteStatement &bind(int index, qint64 value);
    SqliteStatement &bind(int index, double value);
    SqliteStatement &bind(int index, const QString &value);
    /** Text already in UTF-8 (a StringColumn's row, say), bound without converting it. */
    SqliteStatement &bindUtf8(int index, QByteArrayView utf8);
    SqliteStatement &bindBlob(int index, const void *data, qint64 bytes);
    /**
     * Binds the bytes without SQLite copying them first: they must stay as they are until the
     * statement has executed or is reset. For large blobs, such as an array's megabyte chunks.
     */
    SqliteStatement &bindBlobInPlace(int index, const void *data, qint64 bytes);
    SqliteStatement &bindNull(int index);

    /** Executes one step; true while a row is available. */
    bool step();
    /** Runs a statement that returns no rows, then resets it for reuse. */
    void execute();
    /** Resets for re-execution and clears bindings. */
    void reset();

    int columnCount() const;
    bool isNull(int column) const;
    int columnInt(int column) const;
    qint64 columnInt64(int column) const;
    double columnDouble(int column) const;
    QString columnText(int column) const;
    /** The column's UTF-8 text without a copy: valid until the next step() or reset(). */
    QByteArrayView columnUtf8(int column) const;
    QByteArray columnBlob(int column) const;
    const void *columnBlobData(int column) const;
    int columnBytes(int column) const;

    sqlite3_stmt *handle() const { return m_stmt; }

private:
    void check(int rc) const;

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
};

} // namespace loupe
