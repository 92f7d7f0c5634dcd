#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace loupe {

class Project;

/**
 * Two runs of a detection project compared on the same annotations: COCO AP before and
 * after, overall and per class, and the objects each run finds (a box of their class at IoU
 * 0.5 scoring at least minScore, the "shipped" threshold): fixed (missed before, found
 * after) and regressed (found before, missed after).
 */
struct DetectionComparison
{
    QString before, after; ///< run names
    double minScore = 0.5;
    double mapBefore = 0.0, mapAfter = 0.0;
    double map50Before = 0.0, map50After = 0.0;
    struct ClassChange
    {
        QString name;
        double apBefore = 0.0; ///< NaN: nothing to find
        double apAfter = 0.0;
    };
    std::vector<ClassChange> perClass;
    qint64 foundBefore = 0, foundAfter = 0, objects = 0;
    std::vector<qint64> fixed;     ///< box_ids of the objects found after only
    std::vector<qint64> regressed; ///< box_ids of the objects found before only

    static DetectionComparison compute(Project &project, int runBefore, int runAfter, double minScore = 0.5);

    QJsonObject toJson() const;
    QString toText() const;
};

} // namespace loupe
