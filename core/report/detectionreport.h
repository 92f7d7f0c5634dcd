#pragma once

#include "detection/boxerrors.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace loupe {

class Project;

/** What a view shows of a detection project's newest run: its headline figures and tables. */
struct DetectionSummary
{
    struct ClassRow
    {
        QString name;
        qint64 objects = 0;
        qint64 boxes = 0;
        double ap = 0.0;   ///< NaN: nothing to find
        double ap50 = 0.0; ///< NaN: nothing to find
        double recall50 = 0.0;
        std::vector<double> precisionAt50; ///< interpolated, at 101 recall points; empty: nothing to find
    };
    qint64 images = 0;
    qint64 objects = 0;
    qint64 boxes = 0; ///< predicted
    bool hasRun = false;
    double map = 0.0, map50 = 0.0, map75 = 0.0;
    std::vector<ClassRow> perClass;
    qint64 errors[kBoxErrorTypes] = {}; ///< boxes by TIDE type
    qint64 missed = 0;
    QStringList confusionNames;                 ///< the classes, then "background"
    std::vector<std::vector<qint64>> confusion; ///< annotated x predicted, background last
    double confusionMinScore = 0.0;
};

/**
 * The summary of the project's newest run (everything `report` computes but the annotation
 * errors); the TIDE types and the confusion matrix at the given score and IoU thresholds.
 */
DetectionSummary detectionSummary(Project &project, double minScore = 0.25, double matchIou = 0.5);

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
