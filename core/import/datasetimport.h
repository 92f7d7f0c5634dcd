#pragma once

#include "import/loupefolderimporter.h"

#include <QString>

namespace loupe {

class Progress;

/** The layouts a dataset folder can have (docs/import-format.md). */
enum class DatasetFormat {
    LoupeFolder,  // samples.csv, classes.txt and optional .npy files
    ClassFolders, // root/<class>/<image> or root/<split>/<class>/<image>
    Coco,         // annotations.json (COCO instances) and optional predictions.json: object detection
    Yolo,         // images/, labels/, classes.txt or data.yaml, optional predictions/: object detection
    Voc,          // Annotations/ (one XML per image) and JPEGImages/: object detection
    Unknown,
};

/** Which importer reads folder; Unknown when it is neither (or not a folder). */
DatasetFormat detectDatasetFormat(const QString &folder);

/** A sentence describing format for people, e.g. in the New Project dialog. */
QString datasetFormatDescription(DatasetFormat format);

/**
 * Imports folder into a new project at projectPath with the importer its layout needs,
 * the one entry point of the CLI's `import` and the app's New Project. Throws
 * loupe::Error (nothing written) or Cancelled (nothing written).
 */
ImportSummary importDataset(const QString &folder, const QString &projectPath, const ImportOptions &options,
                            Progress &progress);

} // namespace loupe
