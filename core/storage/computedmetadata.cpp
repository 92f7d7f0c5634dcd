#include "storage/computedmetadata.h"

#include "common/error.h"
#include "common/sqlidentifier.h"
#include "storage/project.h"
#include "storage/projectschema.h"
#include "storage/sqlitedatabase.h"

#include <cmath>

namespace loupe {

namespace {

/** Whether column exists in metadata_columns, and if so whether the analysis made it. */
struct ExistingColumn
{
    bool exists = false;
    bool computed = false;
};

ExistingColumn existingColumn(SqliteDatabase &db, const QString &name)
{
    auto query = db.prepare(QStringLiteral("SELECT computed FROM metadata_columns WHERE name = ?"));
    query.bind(1, name);
    if (!query.step())
        return {};
    return {true, query.columnInt(0) != 0};
}

void addColumn(SqliteDatabase &db, const ComputedColumn &column)
{
    const QString type = metadataTypeName(column.type);
    db.exec(QStringLiteral("ALTER TABLE sample_metadata ADD COLUMN %1 %2")
                .arg(quoteSqlIdentifier(column.name), type.toUpper()));
    auto insert = db.prepare(
        QStringLiteral("INSERT INTO metadata_columns(name, type, position, computed) "
                       "VALUES (?, ?, (SELECT coalesce(max(position) + 1, 0) FROM metadata_columns), 1)"));
    insert.bind(1, column.name).bind(2, type).execute();
}

void bindValue(SqliteStatement &statement, int index, const ComputedColumn &column, size_t sample)
{
    const double value = column.values[sample];
    if (!std::isfinite(value))
        statement.bindNull(index);
    else if (column.type == MetadataColumn::Type::Integer)
        statement.bind(index, qint64(std::llround(value)));
    else
        statement.bind(index, value);
}

} // namespace

QStringList writeComputedMetadata(Project &project, const std::vector<ComputedColumn> &columns)
{
    SqliteDatabase &db = project.database();
    const qint64 samples = db.queryInt(QStringLiteral("SELECT count(*) FROM samples"));
    QStringList skipped;
    std::vector<const ComputedColumn *> written;
    bool added = false;
    for (const ComputedColumn &column : columns) {
        if (qint64(column.values.size()) != samples)
            throw Error(QStringLiteral("computed metadata %1: %2 values for %3 samples")
                            .arg(column.name)
                            .arg(column.values.size())
                            .arg(samples));
        const ExistingColumn existing = existingColumn(db, column.name);
        if (existing.exists && !existing.computed) {
            skipped << column.name;
            continue;
        }
        if (!existing.exists) {
            addColumn(db, column);
            added = true;
        }
        written.push_back(&column);
    }
    if (written.empty())
        return skipped;

    // Samples imported without metadata have no sample_metadata row yet.
    db.exec(QStringLiteral(
        "INSERT OR IGNORE INTO sample_metadata(sample_index) SELECT sample_index FROM samples"));
    QStringList assignments;
    for (size_t c = 0; c < written.size(); ++c)
        assignments << QStringLiteral("%1 = ?%2").arg(quoteSqlIdentifier(written[c]->name)).arg(c + 2);
    auto update = db.prepare(QStringLiteral("UPDATE sample_metadata SET %1 WHERE sample_index = ?1")
                                 .arg(assignments.join(QStringLiteral(", "))));
    for (qint64 s = 0; s < samples; ++s) {
        update.bind(1, s);
        for (size_t c = 0; c < written.size(); ++c)
            bindValue(update, int(c + 2), *written[c], size_t(s));
        update.execute();
    }
    if (added)
        ProjectSchema::recreateSampleView(db, project.metadataColumns());
    return skipped;
}

} // namespace loupe
