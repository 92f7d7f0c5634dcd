#pragma once

#include <QStringList>

namespace loupe {

class SqliteDatabase;

/**
 * Drops the explicit indexes of the named tables (not those SQLite makes for UNIQUE and
 * PRIMARY KEY) and returns the statements that create them again. Building an index once
 * over the finished rows is several times faster than keeping it through a million
 * random inserts: bulk writers drop, write, then run the statements.
 */
QStringList dropTableIndexes(SqliteDatabase &db, const QStringList &tables);

} // namespace loupe
