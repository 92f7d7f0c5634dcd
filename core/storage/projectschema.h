#pragma once

#include "dataset/metadatacolumn.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace loupe {

class SqliteDatabase;

/**
 * Creates and migrates the project schema. The version lives in PRAGMA user_version
 * and the file is marked as a Loupe project by PRAGMA application_id.
 */
namespace ProjectSchema {

/** 'LOUP' in ASCII. */
constexpr int kApplicationId = 0x4C4F5550;
/** The schema version this build writes and reads. */
constexpr int kCurrentVersion = 10;

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

} // namespace ProjectSchema
} // namespace loupe
