#include "storage/metadatavalues.h"

#include "common/error.h"
#include "common/sqlidentifier.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QHash>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

void loadNumbers(SqliteDatabase &db, const QString &column, qint64 samples, MetadataValues &values)
{
    values.numbers.assign(size_t(samples), NAN);
    auto statement =
        db.prepare(QStringLiteral("SELECT sample_index, %1 FROM sample_metadata WHERE %1 IS NOT NULL")
                       .arg(quoteSqlIdentifier(column)));
    while (statement.step()) {
        const qint64 sample = statement.columnInt64(0);
        if (sample >= 0 && sample < samples)
            values.numbers[size_t(sample)] = float(statement.columnDouble(1));
    }
}

void loadCategories(SqliteDatabase &db, const QString &column, qint64 samples, int maxCategories,
                    MetadataValues &values)
{
    // The most frequent values get their own category; the long tail shares "other" (-1).
    auto counts =
        db.prepare(QStringLiteral("SELECT %1, count(*) AS n FROM sample_metadata WHERE %1 IS NOT NULL "
                                  "GROUP BY %1 ORDER BY n DESC, %1 LIMIT ?")
                       .arg(quoteSqlIdentifier(column)));
    counts.bind(1, maxCategories);
    QHash<QString, int> index;
    while (counts.step()) {
        index.insert(counts.columnText(0), int(values.categoryNames.size()));
        values.categoryNames << counts.columnText(0);
    }
    values.categories.assign(size_t(samples), -1);
    auto rows = db.prepare(QStringLiteral("SELECT sample_index, %1 FROM sample_metadata WHERE %1 IS NOT NULL")
                               .arg(quoteSqlIdentifier(column)));
    while (rows.step()) {
        const qint64 sample = rows.columnInt64(0);
        if (sample >= 0 && sample < samples)
            values.categories[size_t(sample)] = index.value(rows.columnText(1), -1);
    }
}

} // namespace

MetadataValues MetadataValues::load(Project &project, const QString &name, qint64 samples, int maxCategories)
{
    const QList<MetadataColumn> columns = project.metadataColumns();
    const auto it = std::find_if(columns.begin(), columns.end(), [&name](const MetadataColumn &c) {
        return c.name.compare(name, Qt::CaseInsensitive) == 0;
    });
    if (it == columns.end())
        throw Error(QStringLiteral("%1: no metadata column \"%2\"").arg(project.fileName(), name));
    MetadataValues values;
    values.column = *it;
    if (values.isNumeric())
        loadNumbers(project.database(), it->name, samples, values);
    else
        loadCategories(project.database(), it->name, samples, maxCategories, values);
    return values;
}

} // namespace loupe
