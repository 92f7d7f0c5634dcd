#pragma once

#include "dataset/samplestate.h"

#include <QtGlobal>

namespace loupe {

class SqliteDatabase;

/** One sample's label, prediction in runId and exclusion, as stored now (for the edit hooks). */
SampleState readSampleState(SqliteDatabase &db, int runId, qint64 sample);

} // namespace loupe
