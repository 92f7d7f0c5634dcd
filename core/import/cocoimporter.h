#pragma once

#include "import/loupefolderimporter.h"

#include <QString>

namespace loupe {

class Progress;

/**
 * Imports a COCO folder into a detection project (docs/import-format.md, "Object
 * detection"): annotations.json (COCO instances: images, annotations with boxes,
 * categories), the images under images/ when the folder has that subfolder and else under
 * the folder itself, and optionally predictions.json (COCO results: image_id, category_id,
 * bbox, score, and per box "probabilities" over the categories).
 *
 * An image becomes a sample (id: its COCO id; its other scalar keys become metadata,
 * "split" the split), a category a class, an annotation a row of `boxes` and a prediction
 * a row of `predicted_boxes` in a run. Everything is read and checked before anything is
 * written (files are streamed, so a gigabyte of JSON needs the memory of its boxes), and
 * the project is written to a temporary file renamed into place: a problem leaves no
 * project behind and names the file, line and entry.
 */
class CocoImporter
{
public:
    explicit CocoImporter(const QString &folder);

    /** Whether folder holds annotations.json, the mark of a COCO folder. */
    static bool isCocoFolder(const QString &folder);

    ImportSummary run(const QString &projectPath, const ImportOptions &options, Progress &progress);

private:
    QString m_folder;
};

} // namespace loupe
