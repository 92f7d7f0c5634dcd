#include "storage/sqlitetransaction.h"

#include "storage/sqlitedatabase.h"

namespace loupe {

SqliteTransaction::SqliteTransaction(SqliteDatabase &db) : m_db(db)
{
    m_db.exec(QStringLiteral("BEGIN IMMEDIATE"));
}

SqliteTransaction::~SqliteTransaction()
{
    if (!m_open)
        return;
    try {
        m_db.exec(QStringLiteral("ROLLBACK"));
    } catch (...) {
        // Destructors must not throw; SQLite rolls back on close anyway.
    }
}

void SqliteTransaction::commit()
{
    m_db.exec(QStringLiteral("COMMIT"));
    m_open = false;
}

} // namespace loupe
