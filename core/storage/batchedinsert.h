#pragma once

#include "storage/sqlitestatement.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace loupe {

class SqliteDatabase;

/**
 * Inserts a known number of rows into a table, several rows per statement execution
 * (`INSERT INTO t(a, b) VALUES (?, ?), (?, ?), ...`).
 *
 * Each execution of a one-row INSERT opens the table's cursor, seeks, halts, resets and
 * clears its bindings; for the million rows of an import that was about a third of SQLite's
 * time. Here those costs are paid once per kRowsPerStatement rows. The caller binds each row's
 * values to statement() at parameter(column), then calls endRow(); the last rows, fewer than a
 * statement holds, go through a one-row statement.
 */
class BatchedInsert
{
public:
    /** Rows per statement; fewer when the table has many columns (SQLite's parameter limit). */
    static constexpr int kRowsPerStatement = 64;

    BatchedInsert(SqliteDatabase &db, const QString &table, const QStringList &columns, qint64 rows);

    /** The statement the current row's values are bound to. */
    SqliteStatement &statement() { return m_row < m_batchedRows ? m_batch : *m_single; }
    /** The parameter of column (1-based, in the order given) for the current row. */
    int parameter(int column) const { return m_parameterOffset + column; }

    BatchedInsert &bind(int column, qint64 value);
    BatchedInsert &bind(int column, double value);
    BatchedInsert &bindUtf8(int column, QByteArrayView utf8);
    BatchedInsert &bindNull(int column);

    /** Ends the current row: executes the statement once all its rows are bound. */
    void endRow();

private:
    int m_columns;
    int m_rowsPerStatement;
    qint64 m_rows;
    qint64 m_batchedRows; // rows that go through m_batch: whole statements' worth
    qint64 m_row = 0;
    int m_parameterOffset = 0;
    SqliteStatement m_batch;
    std::optional<SqliteStatement> m_single;
};

} // namespace loupe
