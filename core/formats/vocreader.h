#pragma once

#include "formats/cocoreader.h"

#include <QString>

namespace loupe {

class Progress;

/**
 * Reads a Pascal VOC folder: Annotations/ with one .xml per image (<filename>, <size> with width
 * and height, and <object>s with <name>, <difficult> and <bndbox> xmin ymin xmax ymax), the
 * images under JPEGImages/ (else the folder itself). VOC's pixel coordinates are 1-based and
 * inclusive, so a box is [xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1]. A difficult
 * object is kept as a crowd region: VOC's evaluation neither credits nor penalises it, as
 * COCO does a crowd. The classes are classes.txt's names when the folder has one (an unknown
 * name is then an error), else every name found, sorted.
 *
 * Problems are Errors naming the file and line: `Annotations/0001.xml:14: xmax 20 is less
 * than xmin 31`.
 */
class VocReader
{
public:
    static bool isVocFolder(const QString &folder);
    /** The image root the file names are relative to: JPEGImages/ when present. */
    static QString imageRoot(const QString &folder);
    static CocoDataset read(const QString &folder, Progress &progress);
};

} // namespace loupe
