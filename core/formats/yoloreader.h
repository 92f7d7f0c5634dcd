#pragma once

#include "formats/cocoreader.h"

#include <QString>

namespace loupe {

class Progress;

/** A YOLO folder read into the shapes COCO files give (CocoDataset, CocoResult). */
struct YoloFolder
{
    CocoDataset dataset;
    std::vector<CocoResult> predictions;
    bool hasPredictions = false; ///< a predictions/ folder was there
};

/**
 * Reads a YOLO (Darknet / Ultralytics) folder: images/ (any depth; png, jpg, jpeg, bmp), labels/
 * with one .txt per image at the same relative path (none: an image without objects), each
 * line "class cx cy w h" normalised to the image's size, and the class names in classes.txt
 * (one per line) or data.yaml (`names: [a, b]`, a `- a` list, or `0: a` lines). An optional
 * predictions/ folder has the same layout with a confidence after the box. Image sizes come
 * from the image headers (PNG, JPEG), so every image must be readable.
 *
 * Problems are Errors naming the file and line: `labels/a.txt:3: class 7 is not one of the 3
 * classes`, `labels/a.txt:1: expected 5 numbers (class cx cy w h), found 4`.
 */
class YoloReader
{
public:
    static bool isYoloFolder(const QString &folder);
    static YoloFolder read(const QString &folder, Progress &progress);
};

} // namespace loupe
