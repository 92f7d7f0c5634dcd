#pragma once

#include "storage/projectschema.h"

#include "storage/sqlitestatement.h"

#include <QList>

namespace loupe {

class SqliteDatabase;

/**
 * Widens column's type so that it holds value: integer, then real, then text, as the
 * values of an imported metadata column are read (empty values fit any type).
 */
void widenMetadataType(MetadataColumn &column, const QString &value);
/** The same, for the value's UTF-8 bytes: the same numbers widen the same way. */
void widenMetadataType(MetadataColumn &column, QByteArrayView utf8);

/** `INSERT INTO sample_metadata(sample_index, <columns>)`: parameter 1 the sample, then one per column. */
SqliteStatement prepareMetadataInsert(SqliteDatabase &db, const QList<MetadataColumn> &columns);

/** Binds value to parameter index of insert as column's type; an empty value is NULL. */
void bindMetadataValue(SqliteStatement &insert, int index, const MetadataColumn &column,
                       const QString &value);
/** The same, for the value's UTF-8 bytes (a StringColumn's row). */
void bindMetadataValue(SqliteStatement &insert, int index, const MetadataColumn &column, QByteArrayView utf8);

} // namespace loupe
