// loupe-pattern-quality: whether the failure patterns across classes find the degradation
// planted in a demo (`loupe-cli demo DIR --degrade NAME`), measured against its truth.csv.
//
//   loupe-pattern-quality DIR/fashion-mnist.loupe [--truth DIR/dataset/truth.csv]
//
// The project must be analysed. For the patterns (method "pattern") and, for comparison, the
// per-class k-means clusters, prints the rank of the first group that holds the planted images
// (the most severe one whose members are mostly planted), its purity (share of its members
// planted) and coverage (share of the planted images it holds), how many of the most severe
// groups it takes to hold 90% of them, and whether its description names the statistic the
// degradation changes (motion blur: lower image_sharpness; sensor noise: higher image_noise).

#include "common/error.h"
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
    if (firstRank < 0)
        std::printf("| %s | none of %zu | | | | | no | |\n", qPrintable(title), ranked.size());
    std::printf("|   %s: most severe groups holding 90%% of the planted images | %d |\n", qPrintable(title),
                ranksFor90);
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
