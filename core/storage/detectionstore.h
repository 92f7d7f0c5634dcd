#pragma once

#include "detection/detections.h"

#include <vector>

namespace loupe {

class SqliteDatabase;

/**
 * The boxes of a detection project (project format 8): the annotated objects (`boxes`) and
 * each run's predicted boxes (`predicted_boxes`). Writes belong inside the caller's
 * transaction.
 */
class DetectionStore
{
public:
    explicit DetectionStore(SqliteDatabase &db);

    /** Appends annotations; sourceIds (the ids in the imported file, -1 none) is empty or parallel. */
    void writeAnnotations(const std::vector<Annotation> &annotations, const std::vector<qint64> &sourceIds);
    /** Replaces a run's predicted boxes (box_index = position); embeddingRows is empty or parallel (-1 none).
     */
    void writePredictions(int runId, const std::vector<Detection> &detections,
                          const std::vector<qint64> &embeddingRows);

    /** The annotations, in box_id order. */
    std::vector<Annotation> annotations() const;
    /** A run's predicted boxes, in box_index order. */
    std::vector<Detection> predictions(int runId) const;

    /** One image's annotations (box_id order) and a run's boxes on it (box_index order): what a view shows.
     */
    std::vector<Annotation> annotationsOf(qint64 sample) const;
    std::vector<Detection> predictionsOf(int runId, qint64 sample) const;
    /** The box_id of each of annotations(), in the same order. */
    std::vector<qint64> annotationIds() const;
    /** The box_id of each of annotationsOf(sample), in the same order. */
    std::vector<qint64> annotationIdsOf(qint64 sample) const;

    /** Annotated objects per image (crowd regions included), samples long. */
    std::vector<int> objectCounts(qint64 samples) const;

    /**
     * A run's per-box class probabilities (boxes x classes) and embeddings (boxes x dims), run
     * arrays box_probabilities and box_embeddings; each empty when the run has none.
     */
    BoxEvidence boxEvidence(int runId) const;
    /** A run's image embeddings (the run array of embeddings.npy); empty when it has none. */
    ImageEmbeddings imageEmbeddings(int runId) const;

    /**
     * Everything the metrics need: images, categories, the annotations and, when runId >= 0,
     * the run's predictions.
     */
    DetectionSet load(int runId) const;

private:
    SqliteDatabase &m_db;
};

} // namespace loupe
