#include "report/detectionreport.h"

#include "analysis/labels/annotationneighbours.h"
#include "detection/annotationerrors.h"
#include "detection/boxerrors.h"
#include "detection/cocoevaluation.h"
#include "common/progress.h"
#include "detection/detectionconfusion.h"
#include "analysis/clustering/objectclusters.h"
#include "analysis/slices/objectslices.h"
#include "storage/arraystore.h"
#include "storage/detectionstore.h"
#include "storage/metadatareader.h"
#include "storage/sampletableloader.h"
#include "storage/project.h"

#include <QJsonArray>

#include <algorithm>
#include <functional>
#include <cmath>

namespace loupe {

namespace {

constexpr size_t kReportedSlices = 20;
constexpr size_t kTextSlices = 8;
constexpr size_t kTextClusters = 5;

/** The figures, computed once for both reports. */
struct DetectionFigures
{
    QStringList classes;
    DetectionSet set;
    QString runName; ///< empty: no run
    CocoEvaluation evaluation;
    BoxErrors errors;
    DetectionConfusion confusion;
    DetectionConfusionParams confusionParams;
    std::vector<AnnotationSuggestion> suggestions; ///< strongest first, above 0.1
    std::vector<Slice> objectSlices;               ///< where objects are missed at the confusion's thresholds
    ObjectClusters objectClusters;                 ///< the same misses, by what the objects look like
    ObjectClusters falseBoxClusters;               ///< wrong boxes, by the model's box embeddings (if given)
    ObjectClusters imageClusters;                  ///< images with misses, by the image embeddings (if given)
};

/**
 * Where objects are missed at the confusion matrix's thresholds (a shipped model): by slice
 * of the objects and the images' metadata, and by failure cluster of what the objects look like.
 */
void findMissedObjects(Project &project, const BoxEvidence &evidence, DetectionFigures &figures)
{
    BoxErrorParams shipped;
    shipped.minScore = figures.confusionParams.minScore;
    shipped.foreground = figures.confusionParams.minIou;
    const BoxErrors errors = BoxErrors::classify(figures.set, shipped);
    const SampleTable images = loadSampleTable(project);
    Progress progress;
    figures.objectSlices = ObjectSlices::find(figures.set, errors, figures.classes, images.splitIndex,
                                              images.splitNames, readSampleMetadata(project), progress);
    figures.objectClusters = ObjectClusters::find(
        figures.set, errors,
        [&](qint64 image) { return project.absoluteImagePath(images.images.value(image)); }, progress);
    figures.falseBoxClusters = ObjectClusters::ofPredictedBoxes(figures.set, errors, evidence, progress);
    const ImageEmbeddings imageVectors =
        DetectionStore(project.database()).imageEmbeddings(project.latestRunId());
    figures.imageClusters =
        ObjectClusters::ofImages(figures.set, errors, imageVectors.rows, imageVectors.dimensions, progress);
}

/**
 * Everything the reports and the summary show, computed in one place: COCO AP, the TIDE types
 * and the confusion matrix at their thresholds, and the suggestions when asked for.
 */
DetectionFigures figuresOf(Project &project, const BoxErrorParams &errorParams,
                           const DetectionConfusionParams &confusionParams, bool withSuggestions)
{
    DetectionFigures figures;
    figures.classes = project.classNames();
    figures.confusionParams = confusionParams;
    const int runId = project.latestRunId();
    const DetectionStore store(project.database());
    figures.set = store.load(runId);
    if (runId < 0)
        return figures;
    for (const RunInfo &run : project.runs()) {
        if (run.id == runId)
            figures.runName = run.name;
    }
    figures.evaluation = CocoEvaluation::compute(figures.set);
    figures.errors = BoxErrors::classify(figures.set, errorParams);
    figures.confusion = DetectionConfusion::compute(figures.set, confusionParams);
    if (withSuggestions) {
        const BoxEvidence evidence = store.boxEvidence(runId);
        figures.suggestions = findAnnotationErrors(figures.set, evidence).ranked(figures.set, 0.1);
        findMissedObjects(project, evidence, figures);
    }
    return figures;
}

/** The reports' figures: every box typed (score 0 and up), the confusion matrix at its defaults. */
DetectionFigures reportFigures(Project &project)
{
    return figuresOf(project, {}, {}, true);
}

/** NaN (nothing to find) as null. */
QJsonValue number(double value)
{
    return std::isnan(value) ? QJsonValue() : QJsonValue(value);
}

QJsonObject errorsJson(const BoxErrors &errors)
{
    QJsonObject json;
    for (int t = 0; t < kBoxErrorTypes; ++t)
        json.insert(boxErrorName(BoxError(t)), errors.counts[t]);
    json.insert(QStringLiteral("missed"), errors.missed);
    return json;
}

QJsonObject confusionJson(const DetectionFigures &figures)
{
    QJsonArray names;
    for (const QString &name : figures.classes)
        names.append(name);
    names.append(QStringLiteral("background"));
    QJsonArray rows;
    const int side = int(figures.classes.size()) + 1;
    for (int r = 0; r < side; ++r) {
        QJsonArray row;
        for (int c = 0; c < side; ++c)
            row.append(figures.confusion.at(r, c));
        rows.append(row);
    }
    return {{QStringLiteral("classes"), names},
            {QStringLiteral("rows_are"), QStringLiteral("annotated class")},
            {QStringLiteral("columns_are"), QStringLiteral("predicted class")},
            {QStringLiteral("min_score"), figures.confusionParams.minScore},
            {QStringLiteral("min_iou"), figures.confusionParams.minIou},
            {QStringLiteral("matrix"), rows}};
}

/** The JSON names of one kind of failure cluster: its members, their failures and the failure rate. */
struct ClusterKeys
{
    QString members;  ///< "objects", "boxes", "images"
    QString failures; ///< "missed", "wrong", "with_a_miss"
    QString rate;     ///< "miss_rate", "error_rate"
};

/**
 * The clusters of one kind, each with its figures, what it shares (extra) and its description;
 * null when nothing was clustered (no embeddings for that kind).
 */
QJsonValue clustersJson(const ObjectClusters &found, const ClusterKeys &keys, const QStringList &classes,
                        const std::function<void(const ObjectCluster &, QJsonObject &)> &extra)
{
    if (found.clustered == 0 && found.items != ClusteredItems::Objects)
        return QJsonValue::Null;
    QJsonArray clusters;
    for (const ObjectCluster &cluster : found.clusters) {
        const ClusterStats &s = cluster.stats;
        QJsonObject json{{keys.members, s.size},
                         {keys.failures, s.errors},
                         {keys.rate, number(s.errorRate)},
                         {QStringLiteral("expected_") + keys.rate, number(s.expectedErrorRate)},
                         {QStringLiteral("severity"), s.severity},
                         {QStringLiteral("dominant_class"), classes.value(s.dominantLabel)},
                         {QStringLiteral("dominant_class_share"), s.dominantLabelShare},
                         {QStringLiteral("description"), found.describeCluster(cluster, classes)}};
        extra(cluster, json);
        clusters.append(json);
    }
    return QJsonObject{{keys.members, found.total},
                       {QStringLiteral("clustered"), found.clustered},
                       {keys.rate, number(found.missRate)},
                       {QStringLiteral("clusters"), clusters}};
}

/** The missed objects by what they look like. */
QJsonValue objectClustersJson(const DetectionFigures &figures)
{
    QJsonValue json =
        clustersJson(figures.objectClusters,
                     {QStringLiteral("objects"), QStringLiteral("missed"), QStringLiteral("miss_rate")},
                     figures.classes, [](const ObjectCluster &cluster, QJsonObject &c) {
                         c.insert(QStringLiteral("median_side"), cluster.medianSide);
                         c.insert(QStringLiteral("mean_brightness"), cluster.meanBrightness);
                     });
    QJsonObject object = json.toObject();
    object.insert(QStringLiteral("unreadable"), figures.objectClusters.unreadable);
    return object;
}

/** The images with misses, by the image embeddings; null without them. */
QJsonValue imageClustersJson(const DetectionFigures &figures)
{
    return clustersJson(
        figures.imageClusters,
        {QStringLiteral("images"), QStringLiteral("with_a_miss"), QStringLiteral("miss_rate")},
        figures.classes, [](const ObjectCluster &, QJsonObject &) {});
}

/** The wrong boxes, by the box embeddings; null without them. */
QJsonValue falseBoxClustersJson(const DetectionFigures &figures)
{
    return clustersJson(figures.falseBoxClusters,
                        {QStringLiteral("boxes"), QStringLiteral("wrong"), QStringLiteral("error_rate")},
                        figures.classes, [](const ObjectCluster &cluster, QJsonObject &c) {
                            c.insert(QStringLiteral("common_error"), boxErrorName(cluster.commonError));
                            c.insert(QStringLiteral("common_error_share"), cluster.commonErrorShare);
                            c.insert(QStringLiteral("median_side"), cluster.medianSide);
                        });
}

/**
 * One kind of failure cluster as text: the heading (its %1 clustered of %2, %3 the failure
 * rate), then the worst groups with an excess; nothing for a kind without embeddings.
 */
void appendClusters(const ObjectClusters &found, const QString &heading, const QStringList &classes,
                    QString &text)
{
    if (found.clustered == 0 && found.items != ClusteredItems::Objects)
        return;
    text += QStringLiteral("\n") +
            heading.arg(found.clustered).arg(found.total).arg(100.0 * found.missRate, 0, 'f', 1) +
            QStringLiteral(":\n");
    for (size_t k = 0; k < std::min<size_t>(found.clusters.size(), kTextClusters); ++k) {
        if (found.clusters[k].stats.severity <= 0.0)
            break;
        text += QStringLiteral("  %1\n").arg(found.describeCluster(found.clusters[k], classes));
    }
}

QJsonObject suggestionsJson(const DetectionFigures &figures)
{
    QJsonObject counts;
    for (int k = 1; k < kAnnotationIssues; ++k)
        counts.insert(annotationIssueName(AnnotationIssue(k)), 0);
    QJsonArray top;
    for (const AnnotationSuggestion &s : figures.suggestions) {
        if (s.score >= 0.5) {
            const QString name = annotationIssueName(s.issue);
            counts.insert(name, counts.value(name).toInt() + 1);
        }
        if (top.size() >= 20)
            continue;
        QJsonObject entry{{QStringLiteral("issue"), annotationIssueName(s.issue)},
                          {QStringLiteral("score"), s.score},
                          {QStringLiteral("image"), s.image}};
        if (s.annotation >= 0)
            entry.insert(QStringLiteral("annotation"), s.annotation);
        if (s.newClass >= 0)
            entry.insert(QStringLiteral("suggested_class"), figures.classes.value(s.newClass));
        if (s.issue == AnnotationIssue::BadLocation || s.issue == AnnotationIssue::Overlooked)
            entry.insert(QStringLiteral("suggested_box"),
                         QJsonArray{s.newBox.x, s.newBox.y, s.newBox.width, s.newBox.height});
        top.append(entry);
    }
    return {{QStringLiteral("scoring_0.5_or_more"), counts}, {QStringLiteral("strongest"), top}};
}

} // namespace

DetectionSummary detectionSummary(Project &project, double minScore, double matchIou)
{
    BoxErrorParams errorParams;
    errorParams.minScore = minScore;
    errorParams.foreground = matchIou;
    DetectionConfusionParams confusionParams;
    confusionParams.minScore = minScore;
    confusionParams.minIou = matchIou;
    const DetectionFigures figures = figuresOf(project, errorParams, confusionParams, false);
    DetectionSummary summary;
    summary.images = figures.set.images;
    summary.objects = qint64(figures.set.annotations.size());
    summary.boxes = qint64(figures.set.detections.size());
    summary.hasRun = !figures.runName.isEmpty();
    if (!summary.hasRun)
        return summary;
    const CocoEvaluation &e = figures.evaluation;
    summary.map = e.map;
    summary.map50 = e.map50;
    summary.map75 = e.map75;
    for (const CategoryEvaluation &c : e.perCategory)
        summary.perClass.push_back({figures.classes.value(c.category), c.annotations, c.detections, c.ap,
                                    c.ap50, c.recallAt50, c.precisionAt50});
    std::copy_n(figures.errors.counts, kBoxErrorTypes, summary.errors);
    summary.missed = figures.errors.missed;
    summary.confusionNames = figures.classes;
    summary.confusionNames << QStringLiteral("background");
    const int side = int(figures.classes.size()) + 1;
    summary.confusion.assign(size_t(side), std::vector<qint64>(size_t(side), 0));
    for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c)
            summary.confusion[size_t(r)][size_t(c)] = figures.confusion.at(r, c);
    summary.confusionMinScore = confusionParams.minScore;
    return summary;
}

QJsonObject detectionReportJson(Project &project)
{
    const DetectionFigures figures = reportFigures(project);
    QJsonObject json{{QStringLiteral("task"), QStringLiteral("detection")},
                     {QStringLiteral("project"), project.path()},
                     {QStringLiteral("images"), figures.set.images},
                     {QStringLiteral("classes"), figures.set.categories},
                     {QStringLiteral("boxes"), qint64(figures.set.annotations.size())}};
    if (figures.runName.isEmpty())
        return json;
    const CocoEvaluation &e = figures.evaluation;
    json.insert(QStringLiteral("run"), figures.runName);
    json.insert(QStringLiteral("predicted_boxes"), qint64(figures.set.detections.size()));
    json.insert(QStringLiteral("map"), number(e.map));
    json.insert(QStringLiteral("map50"), number(e.map50));
    json.insert(QStringLiteral("map75"), number(e.map75));
    json.insert(QStringLiteral("map_small"), number(e.mapBySize[int(AreaRange::Small)]));
    json.insert(QStringLiteral("map_medium"), number(e.mapBySize[int(AreaRange::Medium)]));
    json.insert(QStringLiteral("map_large"), number(e.mapBySize[int(AreaRange::Large)]));
    QJsonArray perClass;
    for (const CategoryEvaluation &c : e.perCategory) {
        perClass.append(QJsonObject{{QStringLiteral("class"), figures.classes.value(c.category)},
                                    {QStringLiteral("annotations"), c.annotations},
                                    {QStringLiteral("detections"), c.detections},
                                    {QStringLiteral("ap"), number(c.ap)},
                                    {QStringLiteral("ap50"), number(c.ap50)},
                                    {QStringLiteral("ap75"), number(c.ap75)},
                                    {QStringLiteral("recall50"), c.recallAt50}});
    }
    json.insert(QStringLiteral("per_class"), perClass);
    json.insert(QStringLiteral("box_errors"), errorsJson(figures.errors));
    json.insert(QStringLiteral("confusion"), confusionJson(figures));
    json.insert(QStringLiteral("annotation_errors"), suggestionsJson(figures));
    QJsonArray slices;
    for (size_t k = 0; k < std::min<size_t>(figures.objectSlices.size(), kReportedSlices); ++k)
        slices.append(SliceFinder::toJson(figures.objectSlices[k]));
    json.insert(QStringLiteral("missed_object_slices"), slices);
    json.insert(QStringLiteral("missed_object_clusters"), objectClustersJson(figures));
    json.insert(QStringLiteral("false_box_clusters"), falseBoxClustersJson(figures));
    json.insert(QStringLiteral("image_clusters"), imageClustersJson(figures));
    return json;
}

QString detectionReportText(Project &project)
{
    const DetectionFigures figures = reportFigures(project);
    QString text = QStringLiteral("Detection project: %1 images, %2 classes, %3 annotated boxes\n")
                       .arg(figures.set.images)
                       .arg(figures.set.categories)
                       .arg(figures.set.annotations.size());
    if (figures.runName.isEmpty())
        return text + QStringLiteral("No predictions yet.\n");
    const CocoEvaluation &e = figures.evaluation;
    const auto percent = [](double v) {
        return std::isnan(v) ? QStringLiteral("-") : QString::number(100.0 * v, 'f', 1);
    };
    text += QStringLiteral("Run \"%1\": %2 predicted boxes\n\n")
                .arg(figures.runName)
                .arg(figures.set.detections.size());
    text +=
        QStringLiteral("mAP %1   AP50 %2   AP75 %3   small %4   medium %5   large %6\n\n")
            .arg(percent(e.map), percent(e.map50), percent(e.map75),
                 percent(e.mapBySize[int(AreaRange::Small)]), percent(e.mapBySize[int(AreaRange::Medium)]),
                 percent(e.mapBySize[int(AreaRange::Large)]));
    text += QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                .arg(QStringLiteral("class"), -20)
                .arg(QStringLiteral("objects"), 8)
                .arg(QStringLiteral("boxes"), 8)
                .arg(QStringLiteral("AP"), 6)
                .arg(QStringLiteral("AP50"), 6)
                .arg(QStringLiteral("recall50"), 9);
    for (const CategoryEvaluation &c : e.perCategory) {
        text += QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                    .arg(figures.classes.value(c.category).left(20), -20)
                    .arg(c.annotations, 8)
                    .arg(c.detections, 8)
                    .arg(percent(c.ap), 6)
                    .arg(percent(c.ap50), 6)
                    .arg(percent(c.recallAt50), 9);
    }
    text += QStringLiteral("\nBoxes by error type (TIDE; IoU 0.5 found, 0.1 background):\n");
    for (int t = 0; t < kBoxErrorTypes; ++t)
        text += QStringLiteral("  %1 %2\n").arg(boxErrorName(BoxError(t)), -16).arg(figures.errors.counts[t]);
    text += QStringLiteral("  %1 %2\n").arg(QStringLiteral("missed objects"), -16).arg(figures.errors.missed);
    text += QStringLiteral("\nSuspected annotation errors (score >= 0.5; all of them: export --suspects):\n");
    for (int k = 1; k < kAnnotationIssues; ++k) {
        const auto issue = AnnotationIssue(k);
        const auto count = std::count_if(
            figures.suggestions.begin(), figures.suggestions.end(),
            [issue](const AnnotationSuggestion &s) { return s.issue == issue && s.score >= 0.5; });
        text += QStringLiteral("  %1 %2\n").arg(annotationIssueName(issue), -16).arg(count);
    }
    text += QStringLiteral("\nWhere objects are missed (score >= %1, IoU %2; the strongest excess first):\n")
                .arg(figures.confusionParams.minScore)
                .arg(figures.confusionParams.minIou);
    for (size_t k = 0; k < std::min<size_t>(figures.objectSlices.size(), kTextSlices); ++k) {
        const Slice &slice = figures.objectSlices[k];
        if (slice.score <= 0.0)
            break;
        text += QStringLiteral("  %1 = %2: %3 of %4 objects missed (%5%, the rest %6%)\n")
                    .arg(slice.column, slice.value)
                    .arg(slice.errors)
                    .arg(slice.evaluated)
                    .arg(100.0 * slice.errorRate, 0, 'f', 1)
                    .arg(100.0 * slice.restErrorRate, 0, 'f', 1);
    }
    appendClusters(
        figures.objectClusters,
        QStringLiteral("Failure clusters of objects (by what they look like; %1 of %2 objects, %3% "
                       "missed)"),
        figures.classes, text);
    appendClusters(
        figures.imageClusters,
        QStringLiteral("Failure clusters of images (by the image embeddings; %1 of %2 images, %3% with "
                       "a missed object)"),
        figures.classes, text);
    appendClusters(
        figures.falseBoxClusters,
        QStringLiteral("Failure clusters of predicted boxes (by the model's box embeddings; %1 of %2 "
                       "boxes, %3% wrong)"),
        figures.classes, text);
    return text;
}

} // namespace loupe
