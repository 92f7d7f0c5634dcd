#pragma once

#include "export/classfolderexport.h"

#include <QString>

namespace loupe {

class Progress;
class Project;

/** What exportYolo() wrote and left out. */
struct YoloExportSummary
{
    qint64 images = 0;
    qint64 boxes = 0;
    qint64 crowdRegions = 0; ///< left out: YOLO has no crowd regions
};

/**
 * Writes a detection project's annotations as they are now (corrections included) as a YOLO
 * folder that YoloReader and Ultralytics read back: classes.txt and data.yaml (the class names
 * in order), labels/<path>.txt per image with one "class cx cy w h" line per box, normalised to
 * the image's size (an empty file for an image without boxes), and images/<path>, a copy of
 * each image or an absolute symbolic link to it (mode), where <path> is the image's path in the
 * dataset without a leading images/. Crowd regions are left out and counted. (Loupe's own
 * import refuses links that leave the folder, so a folder to import again wants copies.)
 *
 * folder must not exist or be empty; the folder is built beside it and renamed into place, so
 * a failure or a cancel leaves nothing. Throws loupe::Error or Cancelled.
 */
YoloExportSummary exportYolo(Project &project, const QString &folder, ClassFolderMode mode,
                             Progress &progress);

} // namespace loupe
