#pragma once

#include <QString>
#include <QStringList>

namespace loupe {

class SqliteDatabase;

/** A typed metadata column of the samples (see docs/project-format.md). */
struct MetadataColumn
{
    enum class Type { Integer, Real, Text };
    QString name;
    Type type = Type::Text;
};

QString metadataTypeName(MetadataColumn::Type type);
MetadataColumn::Type metadataTypeFromName(const QString &name);

/**
 * Creates and migrates the project schema. The version lives in PRAGMA user_version
 * and the file is marked as a Loupe project by PRAGMA application_id.
 */
namespace ProjectSchema {

/** 'LOUP' in ASCII. */
constexpr int kApplicationId = 0x4C4F5550;
/** The schema version this build writes and reads. */
constexpr int kCurrentVersion = 4;

/** Brings a database of version 0 (empty) up to kCurrentVersion, step by step, in one transaction. */
void migrate(SqliteDatabase &db);
/** Migrates up to target only; for tests that need a file in an older format. */
void migrateTo(SqliteDatabase &db, int target);
int version(SqliteDatabase &db);

/** Names the sample view reserves; metadata columns may not use them. */
QStringList reservedColumnNames();

/**
 * (Re)creates the documented `sample_view`, which joins each sample's current label,
 * its metadata and its latest run's prediction and scores.
 */
void recreateSampleView(SqliteDatabase &db, const QList<MetadataColumn> &metadata);

/** Quotes an SQL identifier ("name", with embedded quotes doubled). */
QString quoteIdentifier(const QString &name);

} // namespace ProjectSchema
} // namespace loupe
