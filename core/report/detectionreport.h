#pragma once

#include <QJsonObject>
#include <QString>

namespace loupe {

class Project;

/**
 * The figures of a detection project's newest run against its annotations: COCO AP (mAP at
 * IoU 0.50:0.95, AP50, AP75, by object size, per class with the recall reached), the boxes
 * by TIDE error type with the missed objects, and the confusion matrix with background at
 * the default score and IoU thresholds. Without a run, only the counts.
 */
QJsonObject detectionReportJson(Project &project);

/** The same as a text report for the terminal. */
QString detectionReportText(Project &project);

} // namespace loupe
