#include "import/metadatatyping.h"

#include "common/numberparsing.h"
#include "common/sqlidentifier.h"
#include "storage/sqlitedatabase.h"

namespace loupe {

namespace {

// Text: QStringView or QByteArrayView (UTF-8), which parseInteger() and parseReal() read alike.
template<typename Text> void widenFor(MetadataColumn &column, Text value)
{
    if (value.isEmpty() || column.type == MetadataColumn::Type::Text)
        return;
    if (column.type == MetadataColumn::Type::Integer) {
        if (parseInteger(value))
            return;
        column.type = MetadataColumn::Type::Real;
    }
    if (!parseReal(value))
        column.type = MetadataColumn::Type::Text;
}

} // namespace

void widenMetadataType(MetadataColumn &column, const QString &value)
{
    widenFor(column, QStringView(value));
}

void widenMetadataType(MetadataColumn &column, QByteArrayView utf8)
{
    widenFor(column, utf8);
}

SqliteStatement prepareMetadataInsert(SqliteDatabase &db, const QList<MetadataColumn> &columns)
{
    QString sql = QStringLiteral("INSERT INTO sample_metadata(sample_index");
    QString placeholders = QStringLiteral("?");
    for (const MetadataColumn &column : columns) {
        sql += QStringLiteral(", ") + quoteSqlIdentifier(column.name);
        placeholders += QStringLiteral(", ?");
    }
    return db.prepare(sql + QStringLiteral(") VALUES (") + placeholders + QStringLiteral(")"));
}

void bindMetadataValue(SqliteStatement &insert, int index, const MetadataColumn &column, const QString &value)
{
    // The same numbers are read from either encoding (tst_csvreader).
    bindMetadataValue(insert, index, column, QByteArrayView(value.toUtf8()));
}

void bindMetadataValue(SqliteStatement &insert, int index, const MetadataColumn &column, QByteArrayView utf8)
{
    if (utf8.isEmpty()) {
        insert.bindNull(index);
        return;
    }
    switch (column.type) {
    case MetadataColumn::Type::Integer:
        insert.bind(index, parseInteger(utf8).value_or(0));
        return;
    case MetadataColumn::Type::Real:
        insert.bind(index, parseReal(utf8).value_or(0.0));
        return;
    case MetadataColumn::Type::Text:
        insert.bindUtf8(index, utf8);
        return;
    }
}

} // namespace loupe
