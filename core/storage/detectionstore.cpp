#include "storage/detectionstore.h"

#include "storage/arraystore.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <algorithm>

namespace loupe {

DetectionStore::DetectionStore(SqliteDatabase &db) : m_db(db) {}

void DetectionStore::writeAnnotations(const std::vector<Annotation> &annotations,
                                      const std::vector<qint64> &sourceIds)
{
    auto insert = m_db.prepare(QStringLiteral(
        "INSERT INTO boxes(sample_index, class_index, x, y, width, height, area, crowd, source_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (size_t i = 0; i < annotations.size(); ++i) {
        const Annotation &a = annotations[i];
        insert.bind(1, a.image).bind(2, a.category).bind(3, a.box.x).bind(4, a.box.y);
        insert.bind(5, a.box.width).bind(6, a.box.height);
        if (a.area > 0.0)
            insert.bind(7, a.area);
        else
            insert.bindNull(7);
        insert.bind(8, int(a.crowd));
        const qint64 source = i < sourceIds.size() ? sourceIds[i] : -1;
        if (source >= 0)
            insert.bind(9, source);
        else
            insert.bindNull(9);
        insert.execute();
    }
}

void DetectionStore::writePredictions(int runId, const std::vector<Detection> &detections,
                                      const std::vector<qint64> &embeddingRows)
{
    auto remove = m_db.prepare(QStringLiteral("DELETE FROM predicted_boxes WHERE run_id = ?"));
    remove.bind(1, runId).execute();
    auto insert = m_db.prepare(QStringLiteral(
        "INSERT INTO predicted_boxes(run_id, box_index, sample_index, class_index, x, y, width, "
        "height, score, embedding_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (size_t i = 0; i < detections.size(); ++i) {
        const Detection &d = detections[i];
        insert.bind(1, runId).bind(2, qint64(i)).bind(3, d.image).bind(4, d.category);
        insert.bind(5, d.box.x).bind(6, d.box.y).bind(7, d.box.width).bind(8, d.box.height).bind(9, d.score);
        const qint64 row = i < embeddingRows.size() ? embeddingRows[i] : -1;
        if (row >= 0)
            insert.bind(10, row);
        else
            insert.bindNull(10);
        insert.execute();
    }
}

namespace {

const char *const kAnnotationColumns =
    "SELECT sample_index, class_index, x, y, width, height, area, crowd FROM boxes ";
const char *const kDetectionColumns =
    "SELECT sample_index, class_index, x, y, width, height, score FROM predicted_boxes WHERE run_id = ? ";

std::vector<Annotation> readAnnotations(SqliteStatement &query)
{
    std::vector<Annotation> result;
    while (query.step()) {
        result.push_back(
            {query.columnInt64(0),
             query.columnInt(1),
             {query.columnDouble(2), query.columnDouble(3), query.columnDouble(4), query.columnDouble(5)},
             query.isNull(6) ? 0.0 : query.columnDouble(6),
             query.columnInt(7) != 0});
    }
    return result;
}

std::vector<Detection> readDetections(SqliteStatement &query)
{
    std::vector<Detection> result;
    while (query.step()) {
        result.push_back(
            {query.columnInt64(0),
             query.columnInt(1),
             {query.columnDouble(2), query.columnDouble(3), query.columnDouble(4), query.columnDouble(5)},
             query.columnDouble(6)});
    }
    return result;
}

} // namespace

std::vector<Annotation> DetectionStore::annotations() const
{
    auto query = m_db.prepare(QLatin1String(kAnnotationColumns) + QStringLiteral("ORDER BY box_id"));
    return readAnnotations(query);
}

std::vector<Detection> DetectionStore::predictions(int runId) const
{
    auto query = m_db.prepare(QLatin1String(kDetectionColumns) + QStringLiteral("ORDER BY box_index"));
    query.bind(1, runId);
    return readDetections(query);
}

std::vector<Annotation> DetectionStore::annotationsOf(qint64 sample) const
{
    auto query = m_db.prepare(QLatin1String(kAnnotationColumns) +
                              QStringLiteral("WHERE sample_index = ? ORDER BY box_id"));
    query.bind(1, sample);
    return readAnnotations(query);
}

std::vector<qint64> DetectionStore::annotationIds() const
{
    std::vector<qint64> ids;
    auto query = m_db.prepare(QStringLiteral("SELECT box_id FROM boxes ORDER BY box_id"));
    while (query.step())
        ids.push_back(query.columnInt64(0));
    return ids;
}

std::vector<qint64> DetectionStore::annotationIdsOf(qint64 sample) const
{
    std::vector<qint64> ids;
    auto query =
        m_db.prepare(QStringLiteral("SELECT box_id FROM boxes WHERE sample_index = ? ORDER BY box_id"));
    query.bind(1, sample);
    while (query.step())
        ids.push_back(query.columnInt64(0));
    return ids;
}

std::vector<Detection> DetectionStore::predictionsOf(int runId, qint64 sample) const
{
    auto query = m_db.prepare(QLatin1String(kDetectionColumns) +
                              QStringLiteral("AND sample_index = ? ORDER BY box_index"));
    query.bind(1, runId).bind(2, sample);
    return readDetections(query);
}

std::vector<int> DetectionStore::objectCounts(qint64 samples) const
{
    std::vector<int> counts(size_t(std::max<qint64>(0, samples)), 0);
    auto query =
        m_db.prepare(QStringLiteral("SELECT sample_index, count(*) FROM boxes GROUP BY sample_index"));
    while (query.step()) {
        const qint64 sample = query.columnInt64(0);
        if (sample >= 0 && sample < samples)
            counts[size_t(sample)] = query.columnInt(1);
    }
    return counts;
}

BoxEvidence DetectionStore::boxEvidence(int runId) const
{
    BoxEvidence evidence;
    if (runId < 0)
        return evidence;
    const ArrayStore arrays(m_db);
    evidence.probabilities = arrays.readAll(runId, QStringLiteral("box_probabilities"));
    const QString embeddings = QStringLiteral("box_embeddings");
    if (const auto shape = arrays.shape(runId, embeddings); shape && shape->cols > 0) {
        evidence.embeddings = arrays.readAll(runId, embeddings);
        evidence.dimensions = int(shape->cols);
    }
    return evidence;
}

ImageEmbeddings DetectionStore::imageEmbeddings(int runId) const
{
    ImageEmbeddings embeddings;
    if (runId < 0)
        return embeddings;
    const RunArrays arrays(m_db, runId);
    if (const auto shape = arrays.shape(RunArray::Embeddings); shape && shape->cols > 0) {
        embeddings.rows = arrays.read(RunArray::Embeddings);
        embeddings.dimensions = int(shape->cols);
    }
    return embeddings;
}

DetectionSet DetectionStore::load(int runId) const
{
    DetectionSet set;
    set.images = m_db.queryInt(QStringLiteral("SELECT count(*) FROM samples"));
    set.categories = int(m_db.queryInt(QStringLiteral("SELECT count(*) FROM classes")));
    set.annotations = annotations();
    if (runId >= 0)
        set.detections = predictions(runId);
    return set;
}

} // namespace loupe
