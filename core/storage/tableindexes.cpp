#include "storage/tableindexes.h"

#include "common/sqlidentifier.h"
#include "storage/sqlitedatabase.h"

namespace loupe {

QStringList dropTableIndexes(SqliteDatabase &db, const QStringList &tables)
{
    auto indexes = db.prepare(QStringLiteral(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = ?"));
    QStringList names, creates;
    for (const QString &table : tables) {
        indexes.bind(1, table);
        while (indexes.step()) {
            names << indexes.columnText(0);
            creates << indexes.columnText(1);
        }
        indexes.reset();
    }
    for (const QString &name : names)
        db.exec(QStringLiteral("DROP INDEX %1").arg(quoteSqlIdentifier(name)));
    return creates;
}

} // namespace loupe
