// loupe-pattern-quality: whether the failure patterns across classes find the degradation
// planted in a demo (`loupe-cli demo DIR --degrade NAME`), measured against its truth.csv.
//
//   loupe-pattern-quality DIR/fashion-mnist.loupe [--truth DIR/dataset/truth.csv]
//   loupe-pattern-quality DIR/fashion-mnist.loupe --grid [--weights 0,0.5,1,2] [--ks 0,16,32]
//
// --grid reruns the pattern search (not stored) for every condition weight and k and prints the
// figures of each: the parameter search as one command. Run it on a demo built with another
// seed than the one you report on (`loupe-cli demo DIR --seed S --model-seed M`).
//
// The project must be analysed. For the patterns (method "pattern") and, for comparison, the
// per-class k-means clusters, prints the rank of the first group that holds the planted images
// (the most severe one whose members are mostly planted), its purity (share of its members
// planted) and coverage (share of the planted images it holds), how many of the most severe
// groups it takes to hold 90% of them, and whether its description names the statistic the
// degradation changes (motion blur: lower image_sharpness; sensor noise: higher image_noise).

#include "analysis/clustering/clusterreport.h"
#include "analysis/clustering/residualpatterns.h"
#include "common/error.h"
#include "common/progress.h"
#include "storage/metadatareader.h"
#include "storage/runarrays.h"
#include "dataset/sampletable.h"
#include "formats/csvreader.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QHash>

#include <algorithm>
#include <cstdio>
#include <map>

using namespace loupe;

namespace {

/** The planted images by sample index, and the degradation's name. */
struct PlantedKey
{
    std::vector<bool> planted;
    qint64 count = 0;
    QString degradation;
};

PlantedKey readPlanted(const QString &truthPath, const SampleTable &table)
{
    QHash<QString, qint64> indexOf;
    for (qint64 i = 0; i < table.size(); ++i)
        indexOf.insert(table.ids.at(i), i);
    CsvReader reader(truthPath);
    std::vector<QString> row;
    reader.readRecord(row);
    const auto found = std::find(row.begin(), row.end(), QStringLiteral("degradation"));
    const size_t column = size_t(found - row.begin());
    if (found == row.end())
        throw Error(
            QStringLiteral("%1: no degradation column (build the demo with --degrade)").arg(truthPath));
    PlantedKey key;
    key.planted.assign(size_t(table.size()), false);
    while (reader.readRecord(row)) {
        if (row.size() <= column)
            continue;
        const QString degradation = row[column];
        const qint64 sample = indexOf.value(row[0], -1);
        if (degradation.isEmpty() || sample < 0)
            continue;
        key.planted[size_t(sample)] = true;
        key.degradation = degradation;
        ++key.count;
    }
    return key;
}

/** What a description must say for the degradation: the statistic it changes, and how. */
QString expectedTrait(const QString &degradation)
{
    if (degradation == QLatin1String("motion_blur"))
        return QStringLiteral("lower image_sharpness");
    if (degradation == QLatin1String("sensor_noise"))
        return QStringLiteral("higher image_noise");
    return {};
}

void printGroups(const QString &title, const std::vector<ClusterRecord> &ranked,
                 const std::vector<int> &groupOf, const PlantedKey &key)
{
    std::map<int, qint64> planted;
    for (size_t s = 0; s < groupOf.size(); ++s) {
        if (groupOf[s] >= 0 && key.planted[s])
            ++planted[groupOf[s]];
    }
    int firstRank = -1;
    int ranksFor90 = -1;
    qint64 covered = 0;
    for (size_t r = 0; r < ranked.size(); ++r) {
        const ClusterRecord &group = ranked[r];
        const qint64 inGroup = planted[group.cluster];
        covered += inGroup;
        if (ranksFor90 < 0 && double(covered) >= 0.9 * double(key.count))
            ranksFor90 = int(r + 1);
        if (firstRank >= 0 || 2 * inGroup <= group.size)
            continue;
        firstRank = int(r + 1);
        const QString expected = expectedTrait(key.degradation);
        std::printf("| %s | %d of %zu | %.3f | %.3f | %lld | %.1f | %s | %s |\n", qPrintable(title),
                    firstRank, ranked.size(), double(inGroup) / double(group.size),
                    double(inGroup) / double(key.count), static_cast<long long>(group.size), group.severity,
                    !expected.isEmpty() && group.description.startsWith(expected) ? "yes" : "no",
                    qPrintable(group.description));
    }
    if (firstRank < 0) {
        // None is mostly planted: show the group that holds the most of them.
        size_t most = 0;
        for (size_t r = 1; r < ranked.size(); ++r) {
            if (planted[ranked[r].cluster] > planted[ranked[most].cluster])
                most = r;
        }
        const ClusterRecord *group = ranked.empty() ? nullptr : &ranked[most];
        if (group == nullptr || planted[group->cluster] == 0) {
            std::printf("| %s | none of %zu | | | | | no | |\n", qPrintable(title), ranked.size());
        } else {
            const qint64 inGroup = planted[group->cluster];
            std::printf(
                "| %s | none of %zu mostly planted; most of them in rank %zu | %.3f | %.3f | %lld | %.1f | "
                "%s | %s |\n",
                qPrintable(title), ranked.size(), most + 1, double(inGroup) / double(group->size),
                double(inGroup) / double(key.count), static_cast<long long>(group->size), group->severity,
                group->description.startsWith(expectedTrait(key.degradation)) ? "yes" : "no",
                qPrintable(group->description));
        }
    }
    std::printf("|   %s: most severe groups holding 90%% of the planted images | %d |\n", qPrintable(title),
                ranksFor90);
}

/** The rank of the first group mostly planted (0: none) in report's order, and that group. */
std::pair<int, const ClusterStats *> firstPlanted(const ClusterReport &report, std::map<int, qint64> &planted)
{
    for (size_t r = 0; r < report.clusters.size(); ++r) {
        const ClusterStats &group = report.clusters[r];
        if (2 * planted[group.cluster] > group.size)
            return {int(r + 1), &group};
    }
    return {0, nullptr};
}

/**
 * The rank of the first group mostly planted, under each ClusterRanking (the patterns use
 * ResidualPatterns::kRanking), with its purity and coverage.
 */
void printGridRow(double weight, int k, const ResidualPatternResult &result, const SampleTable &table,
                  const PlantedKey &key)
{
    std::map<int, qint64> planted;
    for (size_t s = 0; s < result.assignment.size(); ++s) {
        if (result.assignment[s] >= 0 && key.planted[s])
            ++planted[result.assignment[s]];
    }
    ClusterReportParams byErrors, byRate;
    byRate.ranking = ClusterRanking::ExcessRate;
    const ClusterReport errorsReport = ClusterReport::compute(result.assignment, table, byErrors);
    const ClusterReport rateReport = ClusterReport::compute(result.assignment, table, byRate);
    const auto [errorsRank, group] = firstPlanted(errorsReport, planted);
    const int rateRank = firstPlanted(rateReport, planted).first;
    if (group == nullptr) {
        std::printf("| %.2f | %d | %d | none of %zu | none | | |\n", weight, k, result.groups,
                    errorsReport.clusters.size());
        return;
    }
    std::printf("| %.2f | %d | %d | %d of %zu | %d | %.3f | %.3f |\n", weight, k, result.groups, errorsRank,
                errorsReport.clusters.size(), rateRank, double(planted[group->cluster]) / double(group->size),
                double(planted[group->cluster]) / double(key.count));
}

void runGrid(Project &project, const SampleTable &table, const PlantedKey &key, const QStringList &weights,
             const QStringList &ks)
{
    const RunArrays arrays(project.database(), table.runId);
    const std::vector<float> embeddings = arrays.read(RunArray::Embeddings);
    const qint64 dims = arrays.shape(RunArray::Embeddings).value().cols;
    std::vector<int> classOf(size_t(table.size()));
    for (size_t s = 0; s < classOf.size(); ++s)
        classOf[s] = table.labelOrPrediction(qint64(s));
    const std::vector<SampleMetadataColumn> metadata = readSampleMetadata(project);
    const std::vector<ConditionColumn> conditions = ResidualPatterns::imageConditions(metadata);
    std::printf(
        "| condition weight | k (0: automatic) | groups | rank of the first holding them, by excess errors | "
        "by excess rate | purity | coverage |\n|---:|---:|---:|---|---|---:|---:|\n");
    for (const QString &w : weights) {
        for (const QString &k : ks) {
            ResidualPatternParams params;
            params.conditionWeight = w.toDouble();
            params.k = k.toInt();
            Progress progress;
            const ResidualPatternResult result =
                ResidualPatterns(params).run(embeddings.data(), table.size(), int(dims), classOf,
                                             int(table.classNames.size()), conditions, progress);
            printGridRow(params.conditionWeight, params.k, result, table, key);
        }
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Failure patterns against a demo's planted degradation."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("An analysed demo project."));
    parser.addOption({QStringLiteral("truth"), QStringLiteral("The answer key (default: DATASET/truth.csv)."),
                      QStringLiteral("CSV")});
    parser.addOption({QStringLiteral("grid"), QStringLiteral("Search the condition weight and k.")});
    parser.addOption({QStringLiteral("weights"), QStringLiteral("Condition weights of the grid."),
                      QStringLiteral("LIST"), QStringLiteral("0,0.5,1,2")});
    parser.addOption({QStringLiteral("ks"), QStringLiteral("k of the grid (0: automatic)."),
                      QStringLiteral("LIST"), QStringLiteral("0,16,32")});
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    try {
        auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
        const SampleTable table = loadSampleTable(*project);
        const QString truth = parser.isSet(QStringLiteral("truth"))
                                  ? parser.value(QStringLiteral("truth"))
                                  : project->absoluteImagePath(QStringLiteral("truth.csv"));
        const PlantedKey key = readPlanted(truth, table);
        std::printf("%lld of %lld images planted with %s\n\n", static_cast<long long>(key.count),
                    static_cast<long long>(table.size()), qPrintable(key.degradation));
        if (parser.isSet(QStringLiteral("grid"))) {
            runGrid(*project, table, key, parser.value(QStringLiteral("weights")).split(QLatin1Char(',')),
                    parser.value(QStringLiteral("ks")).split(QLatin1Char(',')));
            return 0;
        }
        std::printf("| groups | rank of the first holding them | purity | coverage | size | severity | "
                    "names the statistic | description |\n|---|---|---:|---:|---:|---:|---|---|\n");
        AnalysisStore store(project->database());
        printGroups(QStringLiteral("patterns across classes"),
                    store.clusters(table.runId, QStringLiteral("pattern")),
                    store.readSampleIntColumn(table.runId, QStringLiteral("pattern"), table.size()), key);
        printGroups(QStringLiteral("k-means clusters"), store.clusters(table.runId, QStringLiteral("kmeans")),
                    store.readSampleIntColumn(table.runId, QStringLiteral("cluster"), table.size()), key);
    } catch (const Error &error) {
        std::fprintf(stderr, "loupe-pattern-quality: %s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
