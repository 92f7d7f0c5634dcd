#pragma once

#include "storage/project.h"
#include "storage/projectschema.h"

#include <QString>
#include <QStringList>

namespace loupe {

class Progress;

struct ImportOptions
{
    QString runName = QStringLiteral("model");
    bool overwrite = false;
};

/** What an import wrote. */
struct ImportSummary
{
    qint64 samples = 0;
    qint64 unlabeled = 0;
    int classes = 0;
    QList<MetadataColumn> metadata;
    bool hasPredictions = false;
    bool hasEmbeddings = false;
    bool hasCoords = false;
    bool hasHistory = false;
    ProjectTask task = ProjectTask::Classification;
    qint64 boxes = 0;          ///< annotated objects (detection)
    qint64 predictedBoxes = 0; ///< the run's boxes (detection)
    /** Conversions applied (e.g. renamed metadata columns, renormalised rows). */
    QStringList notes;
};

/**
 * Imports a "Loupe folder" (docs/import-format.md): classes.txt, samples.csv and the
 * optional predictions.npy or logits.npy, embeddings.npy, coords.npy and history.csv.
 *
 * Everything is validated before the project is written, and every problem found is
 * reported as `file:row: problem` in one loupe::Error. The project is written to a
 * temporary file and renamed into place, so a failed or cancelled import leaves no
 * project behind (or the previous one untouched). Memory stays bounded: samples.csv
 * is streamed twice and the .npy files are memory-mapped.
 */
class LoupeFolderImporter
{
public:
    explicit LoupeFolderImporter(const QString &folder);

    ImportSummary run(const QString &projectPath, const ImportOptions &options, Progress &progress);

private:
    QString m_folder;
};

} // namespace loupe
