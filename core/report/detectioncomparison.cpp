#include "report/detectioncomparison.h"

#include "common/error.h"
#include "detection/boxerrors.h"
#include "detection/cocoevaluation.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QJsonArray>

#include <cmath>

namespace loupe {

namespace {

QString runName(Project &project, int runId)
{
    for (const RunInfo &run : project.runs()) {
        if (run.id == runId)
            return run.name;
    }
    throw Error(QStringLiteral("%1: no run %2").arg(project.fileName()).arg(runId));
}

/** Which annotations a run's boxes scoring at least minScore find. */
std::vector<bool> foundObjects(const DetectionSet &set, double minScore)
{
    BoxErrorParams params;
    params.minScore = minScore;
    const BoxErrors errors = BoxErrors::classify(set, params);
    std::vector<bool> found(set.annotations.size(), false);
    for (size_t g = 0; g < found.size(); ++g)
        found[g] = errors.annotations[g].detection >= 0;
    return found;
}

QJsonValue number(double value)
{
    return std::isnan(value) ? QJsonValue() : QJsonValue(value);
}

QString percent(double value)
{
    return std::isnan(value) ? QStringLiteral("-") : QString::number(100.0 * value, 'f', 1);
}

} // namespace

DetectionComparison DetectionComparison::compute(Project &project, int runBefore, int runAfter,
                                                 double minScore)
{
    if (project.task() != ProjectTask::Detection)
        throw Error(QStringLiteral("%1: not a detection project").arg(project.fileName()));
    DetectionComparison result;
    result.before = runName(project, runBefore);
    result.after = runName(project, runAfter);
    result.minScore = minScore;
    const DetectionStore store(project.database());
    const DetectionSet before = store.load(runBefore);
    DetectionSet after = before;
    after.detections = store.predictions(runAfter);
    const CocoEvaluation a = CocoEvaluation::compute(before), b = CocoEvaluation::compute(after);
    result.mapBefore = a.map;
    result.mapAfter = b.map;
    result.map50Before = a.map50;
    result.map50After = b.map50;
    const QStringList classes = project.classNames();
    for (size_t c = 0; c < a.perCategory.size(); ++c)
        result.perClass.push_back({classes.value(int(c)), a.perCategory[c].ap, b.perCategory[c].ap});
    const std::vector<bool> foundA = foundObjects(before, minScore), foundB = foundObjects(after, minScore);
    const std::vector<qint64> boxIds = store.annotationIds();
    for (size_t g = 0; g < before.annotations.size(); ++g) {
        if (before.annotations[g].crowd)
            continue;
        ++result.objects;
        result.foundBefore += foundA[g];
        result.foundAfter += foundB[g];
        if (!foundA[g] && foundB[g])
            result.fixed.push_back(boxIds[g]);
        if (foundA[g] && !foundB[g])
            result.regressed.push_back(boxIds[g]);
    }
    return result;
}

QJsonObject DetectionComparison::toJson() const
{
    QJsonArray classes, fixedIds, regressedIds;
    for (const ClassChange &c : perClass)
        classes.append(QJsonObject{{QStringLiteral("class"), c.name},
                                   {QStringLiteral("ap_before"), number(c.apBefore)},
                                   {QStringLiteral("ap_after"), number(c.apAfter)}});
    for (const qint64 id : fixed)
        fixedIds.append(id);
    for (const qint64 id : regressed)
        regressedIds.append(id);
    return {{QStringLiteral("task"), QStringLiteral("detection")},
            {QStringLiteral("before"), before},
            {QStringLiteral("after"), after},
            {QStringLiteral("map_before"), number(mapBefore)},
            {QStringLiteral("map_after"), number(mapAfter)},
            {QStringLiteral("map50_before"), number(map50Before)},
            {QStringLiteral("map50_after"), number(map50After)},
            {QStringLiteral("min_score"), minScore},
            {QStringLiteral("objects"), objects},
            {QStringLiteral("found_before"), foundBefore},
            {QStringLiteral("found_after"), foundAfter},
            {QStringLiteral("per_class"), classes},
            {QStringLiteral("fixed_boxes"), fixedIds},
            {QStringLiteral("regressed_boxes"), regressedIds}};
}

QString DetectionComparison::toText() const
{
    QString text = QStringLiteral("\"%1\" -> \"%2\": mAP %3 -> %4, AP50 %5 -> %6\n")
                       .arg(before, after, percent(mapBefore), percent(mapAfter), percent(map50Before),
                            percent(map50After));
    text += QStringLiteral("Objects found (a box of their class, IoU 0.5, score >= %1): %2 -> %3 of %4; "
                           "%5 fixed, %6 regressed\n\n")
                .arg(minScore, 0, 'f', 2)
                .arg(foundBefore)
                .arg(foundAfter)
                .arg(objects)
                .arg(fixed.size())
                .arg(regressed.size());
    text += QStringLiteral("%1 %2 %3\n")
                .arg(QStringLiteral("class"), -20)
                .arg(QStringLiteral("AP before"), 10)
                .arg(QStringLiteral("AP after"), 10);
    for (const ClassChange &c : perClass)
        text += QStringLiteral("%1 %2 %3\n")
                    .arg(c.name.left(20), -20)
                    .arg(percent(c.apBefore), 10)
                    .arg(percent(c.apAfter), 10);
    return text;
}

} // namespace loupe
