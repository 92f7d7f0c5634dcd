#include "storage/samplestatereader.h"

#include "dataset/reviewstatus.h"
#include "storage/sqlitedatabase.h"

namespace loupe {

SampleState readSampleState(SqliteDatabase &db, int runId, qint64 sample)
{
    auto query = db.prepare(QStringLiteral(
        "SELECT s.label, p.predicted, r.status FROM samples AS s "
        "LEFT JOIN predictions AS p ON p.run_id = ?1 AND p.sample_index = s.sample_index "
        "LEFT JOIN sample_reviews AS r ON r.sample_index = s.sample_index WHERE s.sample_index = ?2"));
    query.bind(1, runId).bind(2, sample);
    SampleState state;
    if (!query.step())
        return state;
    state.label = query.isNull(0) ? -1 : query.columnInt(0);
    state.predicted = query.isNull(1) ? -1 : query.columnInt(1);
    state.excluded = !query.isNull(2) && reviewStatusFromName(query.columnText(2)) == ReviewStatus::Excluded;
    return state;
}

} // namespace loupe
