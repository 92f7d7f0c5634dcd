// loupe-detection-quality: how well Loupe finds the annotation errors planted in the detection
// demo (`loupe-cli demo --detection DIR`), measured against its answer key, DIR/dataset/truth.json.
//
//   loupe-detection-quality DIR/detection.loupe [--truth DIR/dataset/truth.json] [--grid]
//
// Prints the detector's COCO figures, then per kind of error (overlooked, wrong class, bad
// location, spurious) the average precision and the precision among the top n (n = the planted
// count) of Loupe's scores (AnnotationErrors) and of the score-only and IoU-only baselines
// (AnnotationErrorQuality). --grid prints instead the wrong-class AP over the neighbour vote's
// weight and size (AnnotationErrorParams), to choose them on a demo of another seed.

#include "analysis/labels/annotationneighbours.h"
#include "common/error.h"
#include "detection/annotationerrorevaluation.h"
#include "detection/annotationerrors.h"
#include "detection/cocoevaluation.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace loupe;

namespace {

AnnotationIssue issueFromName(const QString &name)
{
    for (int k = 0; k < kAnnotationIssues; ++k) {
        if (annotationIssueName(AnnotationIssue(k)) == name)
            return AnnotationIssue(k);
    }
    throw Error(QStringLiteral("truth.json: unknown issue \"%1\"").arg(name));
}

/** The key, with annotations in box_id order: the demo's annotation ids are 1..n, box_ids follow them. */
PlantedAnnotationErrors readKey(const QString &path, Project &project)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read").arg(path));
    const QJsonObject truth = QJsonDocument::fromJson(file.readAll()).object();
    PlantedAnnotationErrors key;
    // source_id -> position in box_id order
    auto query = project.database().prepare(QStringLiteral("SELECT source_id FROM boxes ORDER BY box_id"));
    const QJsonArray issues = truth.value(QStringLiteral("annotation_issues")).toArray();
    while (query.step()) {
        const qint64 id = query.columnInt64(0);
        key.annotations.push_back(issueFromName(issues.at(qsizetype(id - 1)).toString()));
    }
    for (const QJsonValue &value : truth.value(QStringLiteral("removed_objects")).toArray()) {
        const QJsonObject o = value.toObject();
        const QJsonArray b = o.value(QStringLiteral("bbox")).toArray();
        key.removed.push_back(
            {o.value(QStringLiteral("image_id")).toInteger() - 1,
             int(o.value(QStringLiteral("category_id")).toInteger() - 1),
             {b.at(0).toDouble(), b.at(1).toDouble(), b.at(2).toDouble(), b.at(3).toDouble()},
             0.0,
             false});
    }
    return key;
}

double wrongClassAp(const DetectionSet &set, const AnnotationErrors &errors,
                    const PlantedAnnotationErrors &key)
{
    for (const AnnotationErrorQuality &q : AnnotationErrorQuality::measure(set, errors, key)) {
        if (q.issue == AnnotationIssue::WrongClass)
            return q.methods[0].averagePrecision;
    }
    return 0.0;
}

/** Wrong-class AP over neighbour weights (rows) and counts (columns). */
void printGrid(const DetectionSet &set, const BoxEvidence &evidence, const PlantedAnnotationErrors &key)
{
    const std::vector<int> counts = {5, 10, 15, 25, 50};
    std::printf("wrong-class AP, neighbour weight (rows) x neighbours (columns)\n\n| weight |");
    for (const int k : counts)
        std::printf(" %d |", k);
    std::printf("\n|---|");
    for (size_t c = 0; c < counts.size(); ++c)
        std::printf("---:|");
    std::printf("\n");
    for (int step = 0; step <= 10; ++step) {
        std::printf("| %.1f |", step / 10.0);
        for (const int k : counts) {
            AnnotationErrorParams params;
            params.neighbourWeight = step / 10.0;
            params.neighbours = k;
            std::printf(" %.3f |", wrongClassAp(set, findAnnotationErrors(set, evidence, params), key));
        }
        std::printf("\n");
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Annotation errors found against the detection demo's key."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The detection demo's project."));
    parser.addOption({QStringLiteral("truth"),
                      QStringLiteral("The answer key (default: DATASET/../truth.json)."),
                      QStringLiteral("JSON")});
    parser.addOption({QStringLiteral("grid"),
                      QStringLiteral("Print the wrong-class AP over the neighbour vote's weight and size.")});
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    try {
        auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
        const QString truth = parser.isSet(QStringLiteral("truth"))
                                  ? parser.value(QStringLiteral("truth"))
                                  : project->absoluteImagePath(QStringLiteral("../truth.json"));
        const int run = project->latestRunId();
        const DetectionStore store(project->database());
        const DetectionSet set = store.load(run);
        const PlantedAnnotationErrors key = readKey(truth, *project);
        const CocoEvaluation coco = CocoEvaluation::compute(set);
        std::printf(
            "%lld images, %zu annotations (errors included), %zu predicted boxes: mAP %.3f, AP50 %.3f, "
            "AP75 %.3f\n\n",
            static_cast<long long>(set.images), set.annotations.size(), set.detections.size(), coco.map,
            coco.map50, coco.map75);
        const BoxEvidence evidence = store.boxEvidence(run);
        if (parser.isSet(QStringLiteral("grid"))) {
            printGrid(set, evidence, key);
            return 0;
        }
        const AnnotationErrors errors = findAnnotationErrors(set, evidence);
        std::printf("box embeddings: %s\n\n", errors.usedNeighbours ? "used (neighbour vote)" : "none");
        std::printf("| error | planted / candidates | Loupe AP | score only AP | IoU only AP | Loupe P@n | "
                    "score only "
                    "P@n | IoU only P@n |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (const AnnotationErrorQuality &q : AnnotationErrorQuality::measure(set, errors, key)) {
            std::printf("| %s | %lld / %lld | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n",
                        qPrintable(annotationIssueName(q.issue)), static_cast<long long>(q.planted),
                        static_cast<long long>(q.candidates), q.methods[0].averagePrecision,
                        q.methods[1].averagePrecision, q.methods[2].averagePrecision,
                        q.methods[0].precisionAtPlanted, q.methods[1].precisionAtPlanted,
                        q.methods[2].precisionAtPlanted);
        }
    } catch (const Error &error) {
        std::fprintf(stderr, "loupe-detection-quality: %s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
