#include "import/metadatatyping.h"

#include "storage/sqlitestatement.h"

namespace loupe {

void widenMetadataType(MetadataColumn &column, const QString &value)
{
    if (value.isEmpty() || column.type == MetadataColumn::Type::Text)
        return;
    bool ok = false;
    if (column.type == MetadataColumn::Type::Integer) {
        value.toLongLong(&ok);
        if (ok)
            return;
        column.type = MetadataColumn::Type::Real;
    }
    value.toDouble(&ok);
    if (!ok)
        column.type = MetadataColumn::Type::Text;
}

void bindMetadataValue(SqliteStatement &insert, int index, const MetadataColumn &column, const QString &value)
{
    if (value.isEmpty()) {
        insert.bindNull(index);
        return;
    }
    switch (column.type) {
    case MetadataColumn::Type::Integer:
        insert.bind(index, value.toLongLong());
        return;
    case MetadataColumn::Type::Real:
        insert.bind(index, value.toDouble());
        return;
    case MetadataColumn::Type::Text:
        insert.bind(index, value);
        return;
    }
}

} // namespace loupe
