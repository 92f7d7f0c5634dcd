#pragma once

#include "import/loupefolderimporter.h"

#include <QString>

namespace loupe {

class Progress;
class Project;

/** The detection folder layouts DetectionImporter reads. */
enum class DetectionFormat { None, Coco, Yolo, Voc };

/**
 * Imports an object-detection folder into a detection project (docs/import-format.md,
 * "Object detection"), in one of three layouts:
 *  - COCO: annotations.json (COCO instances: images, annotations with boxes, categories),
 *    the images under images/ when the folder has that subfolder and else under the folder
 *    itself, and optionally predictions.json (COCO results: image_id, category_id, bbox,
 *    score, and per box "probabilities" over the categories);
 *  - YOLO: images/, labels/ and classes.txt or data.yaml, optionally predictions/ (YoloReader);
 *  - Pascal VOC: Annotations/ and JPEGImages/ (VocReader), annotations only.
 *
 * An image becomes a sample (id: its COCO id; its other scalar keys become metadata,
 * "split" the split), a category a class, an annotation a row of `boxes` and a prediction
 * a row of `predicted_boxes` in a run. Everything is read and checked before anything is
 * written (files are streamed, so a gigabyte of JSON needs the memory of its boxes), and
 * the project is written to a temporary file renamed into place: a problem leaves no
 * project behind and names the file, line and entry.
 */
class DetectionImporter
{
public:
    explicit DetectionImporter(const QString &folder);

    /** The layout of folder: annotations.json (COCO), images/ + labels/ (YOLO), Annotations/ (VOC), or None.
     */
    static DetectionFormat format(const QString &folder);

    ImportSummary run(const QString &projectPath, const ImportOptions &options, Progress &progress);

    /**
     * Adds another model's boxes to a detection project as a new run named runName: the
     * predictions.json (COCO results) in folder, its image and category ids those of the
     * project's import. One transaction; nothing is written on a problem. Returns the run's id.
     */
    static int importRun(Project &project, const QString &folder, const QString &runName, Progress &progress,
                         qint64 *boxes = nullptr);

private:
    QString m_folder;
};

} // namespace loupe
