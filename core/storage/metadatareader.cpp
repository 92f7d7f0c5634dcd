#include "storage/metadatareader.h"

#include "common/sqlidentifier.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QHash>

#include <cmath>

namespace loupe {

std::vector<SampleMetadataColumn> readSampleMetadata(Project &project)
{
    const QList<MetadataColumn> columns = project.metadataColumns();
    const qint64 n = project.sampleCount();
    std::vector<SampleMetadataColumn> result;
    if (columns.isEmpty())
        return result;
    QString sql = QStringLiteral("SELECT sample_index");
    std::vector<QHash<QString, int>> codeOf(size_t(columns.size()));
    for (const MetadataColumn &column : columns) {
        sql += QStringLiteral(", ") + quoteSqlIdentifier(column.name);
        SampleMetadataColumn slice;
        slice.name = column.name;
        slice.type = column.type;
        if (column.type == MetadataColumn::Type::Text)
            slice.codes.assign(size_t(n), -1);
        else
            slice.numbers.assign(size_t(n), NAN);
        result.push_back(std::move(slice));
    }
    auto statement = project.database().prepare(sql + QStringLiteral(" FROM sample_metadata"));
    while (statement.step()) {
        const qint64 sample = statement.columnInt64(0);
        if (sample < 0 || sample >= n)
            continue;
        for (size_t c = 0; c < result.size(); ++c) {
            const int field = int(c) + 1;
            if (statement.isNull(field))
                continue;
            SampleMetadataColumn &column = result[c];
            if (column.type != MetadataColumn::Type::Text) {
                column.numbers[size_t(sample)] = statement.columnDouble(field);
                continue;
            }
            const QString text = statement.columnText(field);
            auto it = codeOf[c].constFind(text);
            if (it == codeOf[c].cend()) {
                it = codeOf[c].insert(text, int(column.categories.size()));
                column.categories << text;
            }
            column.codes[size_t(sample)] = it.value();
        }
    }
    return result;
}

} // namespace loupe
