#include "import/datasetimport.h"

#include "common/error.h"
#include "import/classfolderimporter.h"
#include "import/detectionimporter.h"

#include <QDir>
#include <QFileInfo>

namespace loupe {

DatasetFormat detectDatasetFormat(const QString &folder)
{
    if (!QFileInfo(folder).isDir())
        return DatasetFormat::Unknown;
    if (QFileInfo::exists(QDir(folder).filePath(QStringLiteral("samples.csv"))))
        return DatasetFormat::LoupeFolder;
    switch (DetectionImporter::format(folder)) {
    case DetectionFormat::Coco:
        return DatasetFormat::Coco;
    case DetectionFormat::Yolo:
        return DatasetFormat::Yolo;
    case DetectionFormat::Voc:
        return DatasetFormat::Voc;
    case DetectionFormat::None:
        break;
    }
    if (ClassFolderImporter::looksLikeClassFolders(folder))
        return DatasetFormat::ClassFolders;
    return DatasetFormat::Unknown;
}

QString datasetFormatDescription(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::LoupeFolder:
        return QStringLiteral("A Loupe folder: samples.csv with labels, and predictions, embeddings and "
                              "training history when present.");
    case DatasetFormat::ClassFolders:
        return QStringLiteral("A class-folder tree: one folder per class (optionally inside split folders); "
                              "labels only, no predictions.");
    case DatasetFormat::Coco:
        return QStringLiteral("A COCO folder (object detection): annotations.json with boxes, and a model's "
                              "boxes in predictions.json when present.");
    case DatasetFormat::Yolo:
        return QStringLiteral("A YOLO folder (object detection): images/, labels/ and the class names, and a "
                              "model's boxes in predictions/ when present.");
    case DatasetFormat::Voc:
        return QStringLiteral(
            "A Pascal VOC folder (object detection): Annotations/ with one XML file per image.");
    case DatasetFormat::Unknown:
        break;
    }
    return QStringLiteral(
        "Neither a Loupe folder (no samples.csv), a COCO folder (no annotations.json) nor a "
        "tree of class folders.");
}

ImportSummary importDataset(const QString &folder, const QString &projectPath, const ImportOptions &options,
                            Progress &progress)
{
    switch (detectDatasetFormat(folder)) {
    case DatasetFormat::ClassFolders:
        return ClassFolderImporter(folder).run(projectPath, options, progress);
    case DatasetFormat::Coco:
    case DatasetFormat::Yolo:
    case DatasetFormat::Voc:
        return DetectionImporter(folder).run(projectPath, options, progress);
    case DatasetFormat::LoupeFolder:
    case DatasetFormat::Unknown:
        break;
    }
    // Unknown goes to the Loupe folder importer too: its error names the missing samples.csv.
    return LoupeFolderImporter(folder).run(projectPath, options, progress);
}

} // namespace loupe
