#pragma once

namespace loupe {

class SqliteDatabase;

/**
 * A write transaction: BEGIN IMMEDIATE on construction (taking the write lock up
 * front, so a busy project is reported before any work), ROLLBACK on destruction
 * unless commit() was called.
 */
class SqliteTransaction
{
public:
    explicit SqliteTransaction(SqliteDatabase &db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction &) = delete;
    SqliteTransaction &operator=(const SqliteTransaction &) = delete;

    void commit();

private:
    SqliteDatabase &m_db;
    bool m_open = true;
};

} // namespace loupe
