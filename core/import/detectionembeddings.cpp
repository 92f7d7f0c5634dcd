#include "import/detectionembeddings.h"

#include "formats/npyfile.h"
#include "import/importproblems.h"
#include "import/npychecks.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/runarrays.h"

namespace loupe {

namespace {

const QString kBoxEmbeddingsFile = QStringLiteral("box_embeddings.npy");
const QString kImageEmbeddingsFile = QStringLiteral("embeddings.npy");

/** Each box's embedding row: given for every box or for none, each inside the file. */
void checkBoxRows(const std::vector<CocoResult> &boxes, const NpyFile *file, const QString &predictionsName,
                  ImportProblems &problems)
{
    qint64 given = 0;
    for (size_t b = 0; b < boxes.size() && !problems.isFull(); ++b) {
        const qint64 row = boxes[b].embeddingRow;
        if (row < 0)
            continue;
        ++given;
        if (!file)
            continue;
        if (row >= file->rows())
            problems.add(predictionsName, 0,
                         QStringLiteral("box %1: embedding row %2 is past the %3 rows of %4")
                             .arg(b + 1)
                             .arg(row)
                             .arg(file->rows())
                             .arg(kBoxEmbeddingsFile));
    }
    if (given > 0 && !file)
        problems.add(predictionsName, 0,
                     QStringLiteral("%1 boxes name an embedding row, but there is no %2")
                         .arg(given)
                         .arg(kBoxEmbeddingsFile));
    else if (file && given != qint64(boxes.size()))
        problems.add(predictionsName, 0,
                     QStringLiteral("%1 of %2 boxes name an embedding row of %3; give one for every box")
                         .arg(given)
                         .arg(boxes.size())
                         .arg(kBoxEmbeddingsFile));
}

} // namespace

DetectionEmbeddings::DetectionEmbeddings(const QString &folder, ImportProblems &problems)
    : m_boxes(openOptionalNpy(folder, kBoxEmbeddingsFile, problems)),
      m_images(openOptionalNpy(folder, kImageEmbeddingsFile, problems))
{
}

DetectionEmbeddings::~DetectionEmbeddings() = default;

void DetectionEmbeddings::check(const std::vector<CocoResult> &boxes, const QString &predictionsName,
                                qint64 images, bool hasRun, ImportProblems &problems,
                                Progress &progress) const
{
    checkBoxRows(boxes, m_boxes.get(), predictionsName, problems);
    if (!hasRun) {
        for (const NpyFile *file : {m_boxes.get(), m_images.get()})
            if (file)
                problems.add(file->fileName(), 0,
                             QStringLiteral("belongs to a model run: add predictions.json too"));
        return;
    }
    if (m_images && m_images->rows() != images)
        problems.add(m_images->fileName(), 0,
                     QStringLiteral("has %1 rows but the annotations have %2 images")
                         .arg(m_images->rows())
                         .arg(images));
    for (const NpyFile *file : {m_boxes.get(), m_images.get()})
        if (file && problems.isEmpty())
            checkValues(*file, false, problems, progress);
}

void DetectionEmbeddings::write(Project &project, int runId, const std::vector<CocoResult> &boxes,
                                Progress &progress) const
{
    if (m_boxes) {
        const NpyFile &file = *m_boxes;
        ArrayStore(project.database())
            .write(
                runId, QStringLiteral("box_embeddings"), {qint64(boxes.size()), file.cols()},
                [&](qint64 first, qint64 count, float *out) {
                    for (qint64 b = 0; b < count; ++b)
                        file.readRows(boxes[size_t(first + b)].embeddingRow, 1, out + b * file.cols());
                },
                &progress);
    }
    if (m_images)
        RunArrays(project.database(), runId)
            .write(
                RunArray::Embeddings, {m_images->rows(), m_images->cols()},
                [this](qint64 first, qint64 count, float *out) { m_images->readRows(first, count, out); },
                &progress);
}

} // namespace loupe
