#include "storage/batchedinsert.h"

#include "common/sqlidentifier.h"
#include "storage/sqlitedatabase.h"

#include <algorithm>

namespace loupe {

namespace {

// SQLite's default limit on parameters before 3.32; a statement this size is compiled quickly.
constexpr int kMaxParameters = 999;

QString insertSql(const QString &table, const QStringList &columns, int rows)
{
    QStringList quoted;
    for (const QString &column : columns)
        quoted << quoteSqlIdentifier(column);
    const QString row =
        QLatin1Char('(') + QStringList(columns.size(), QStringLiteral("?")).join(u',') + QLatin1Char(')');
    return QStringLiteral("INSERT INTO %1(%2) VALUES %3")
        .arg(quoteSqlIdentifier(table), quoted.join(QStringLiteral(", ")), QStringList(rows, row).join(u','));
}

int rowsPerStatement(int columns)
{
    return std::clamp(kMaxParameters / std::max(columns, 1), 1, BatchedInsert::kRowsPerStatement);
}

} // namespace

BatchedInsert::BatchedInsert(SqliteDatabase &db, const QString &table, const QStringList &columns,
                             qint64 rows)
    : m_columns(int(columns.size())), m_rowsPerStatement(rowsPerStatement(m_columns)), m_rows(rows),
      m_batchedRows(rows - rows % m_rowsPerStatement),
      m_batch(db.prepare(insertSql(table, columns, m_rowsPerStatement)))
{
    if (m_batchedRows < m_rows)
        m_single.emplace(db.prepare(insertSql(table, columns, 1)));
}

BatchedInsert &BatchedInsert::bind(int column, qint64 value)
{
    statement().bind(parameter(column), value);
    return *this;
}

BatchedInsert &BatchedInsert::bind(int column, double value)
{
    statement().bind(parameter(column), value);
    return *this;
}

BatchedInsert &BatchedInsert::bindUtf8(int column, QByteArrayView utf8)
{
    statement().bindUtf8(parameter(column), utf8);
    return *this;
}

BatchedInsert &BatchedInsert::bindNull(int column)
{
    statement().bindNull(parameter(column));
    return *this;
}

void BatchedInsert::endRow()
{
    Q_ASSERT(m_row < m_rows);
    SqliteStatement &current = statement();
    ++m_row;
    m_parameterOffset += m_columns;
    // The many-row statement runs once all its rows are bound, the one-row statement every row.
    if (m_row <= m_batchedRows && m_row % m_rowsPerStatement != 0)
        return;
    current.execute();
    m_parameterOffset = 0;
}

} // namespace loupe
