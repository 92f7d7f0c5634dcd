#pragma once

#include "formats/cocoreader.h"

#include <QString>

#include <memory>
#include <vector>

namespace loupe {

class ImportProblems;
class NpyFile;
class Progress;
class Project;

/**
 * The embeddings a detection folder may hold beside its predictions (docs/import-format.md):
 * box_embeddings.npy, the rows that predictions.json's `embedding` indexes name, and
 * embeddings.npy, one row per image in the order of annotations.json's `images`. Checked before
 * anything is written (shape, every value finite, every index inside the file, given for every
 * box or for none), each problem as `file: problem` or `predictions.json: box N: problem`; then
 * stored with the run, as its run arrays "box_embeddings" (one row per predicted box, in
 * the run's box order) and "embeddings" (one row per image), where analyses find them.
 */
class DetectionEmbeddings
{
public:
    /** Opens what folder holds; what cannot be read goes to problems. */
    DetectionEmbeddings(const QString &folder, ImportProblems &problems);
    ~DetectionEmbeddings();
    DetectionEmbeddings(const DetectionEmbeddings &) = delete;
    DetectionEmbeddings &operator=(const DetectionEmbeddings &) = delete;

    bool hasBoxEmbeddings() const { return m_boxes != nullptr; }
    bool hasImageEmbeddings() const { return m_images != nullptr; }

    /**
     * Checks the files against the boxes read from predictionsName (their embedding rows) and the
     * number of images; hasRun says whether there are predictions to belong to.
     */
    void check(const std::vector<CocoResult> &boxes, const QString &predictionsName, qint64 images,
               bool hasRun, ImportProblems &problems, Progress &progress) const;
    /** Stores what was given with run runId. The caller owns the transaction. */
    void write(Project &project, int runId, const std::vector<CocoResult> &boxes, Progress &progress) const;

private:
    std::unique_ptr<NpyFile> m_boxes;
    std::unique_ptr<NpyFile> m_images;
};

} // namespace loupe
