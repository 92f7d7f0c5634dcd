#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/neighbours/similaritysearch.h"
#include "analysis/pipeline/storedmatrix.h"
#include "analysis/pipeline/analysispipeline.h"
#include "analysis/pipeline/analysisregistry.h"
#include "clisupport.h"
#include "commands.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "formats/csvwriter.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sampletableloader.h"
#include "storage/sqlfilter.h"
#include "storage/sqlitedatabase.h"

#include <QFile>

#include <cmath>
#include <QJsonDocument>
#include <QJsonObject>

namespace loupe::cli {

namespace {

qint64 sampleOfId(Project &project, const QString &id)
{
    auto query = project.database().prepare(QStringLiteral("SELECT sample_index FROM samples WHERE id = ?"));
    query.bind(1, id);
    if (!query.step())
        throw Error(QStringLiteral("no sample has id \"%1\"").arg(id));
    return query.columnInt64(0);
}

std::vector<qint64> samplesOfIdFile(Project &project, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    std::vector<qint64> samples;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QString id = QString::fromUtf8(line).trimmed();
        if (!id.isEmpty() && id != QLatin1String("id"))
            samples.push_back(sampleOfId(project, id));
    }
    if (samples.empty())
        throw Error(QStringLiteral("%1: lists no sample ids").arg(path));
    return samples;
}

/** Writes rows as CSV to path, or to stdout when path is empty. */
void writeRows(const QString &path, const QStringList &header, const std::vector<QStringList> &rows)
{
    if (!path.isEmpty()) {
        CsvWriter writer(path);
        writer.writeRow(header);
        for (const QStringList &row : rows)
            writer.writeRow(row);
        writer.commit();
        return;
    }
    QString text = header.join(QLatin1Char(',')) + QLatin1Char('\n');
    for (QStringList row : rows) {
        for (QString &field : row)
            field = CsvWriter::quoted(field);
        text += row.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    printOut(text);
}

} // namespace

int runAnalyze(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run the analysis engine on a project's latest prediction run and store the results: kNN graph, "
        "label "
        "issues (confident learning + neighbours), the 2-D map (UMAP), k-means and map clusters ranked by "
        "severity, duplicates and leaks, and the fit diagnosis."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption({QStringLiteral("only"),
                      QStringLiteral("Run only these steps (comma-separated): %1.")
                          .arg(analysisStepNames().join(QStringLiteral(", "))),
                      QStringLiteral("STEPS")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the random steps."),
                      QStringLiteral("N"), QStringLiteral("42")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("Print the per-step timings and summaries as JSON.")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("analyze"), arguments, 1, exitCode))
        return exitCode;
    auto project = Project::open(parser.positionalArguments().at(0));
    AnalysisOptions options;
    if (parser.isSet(QStringLiteral("only")))
        options.steps = parser.value(QStringLiteral("only")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const quint64 seed = parser.value(QStringLiteral("seed")).toULongLong();
    options.umap.seed = seed;
    options.kmeans.seed = seed;
    options.knn.seed = seed;
    auto progress = stderrProgress();
    const AnalysisSummary summary = AnalysisPipeline(*project).run(options, *progress);
    if (parser.isSet(QStringLiteral("json"))) {
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("seconds"), summary.seconds},
                                                             {QStringLiteral("steps"), summary.summaries}})
                                       .toJson()));
    } else {
        for (const QString &step : summary.stepsRun)
            printError(QStringLiteral("%1: %2 s")
                           .arg(step, -14)
                           .arg(summary.seconds.value(step).toDouble(), 0, 'f', 2));
    }
    return Ok;
}

int runQuery(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "List the samples matching a read-only SQL condition over sample_view (docs/project-format.md), e.g. "
        "\"WHERE split = 'test' AND is_error AND brightness < 0.2\". Writes, ATTACH, PRAGMA and extensions "
        "are "
        "refused; a query is stopped after 5 s."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addPositionalArgument(QStringLiteral("CONDITION"), QStringLiteral("[WHERE] condition"));
    parser.addOption({QStringLiteral("count"), QStringLiteral("Print only the number of matching samples.")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("Write id,image,label,predicted,loss to FILE."),
                      QStringLiteral("FILE")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("query"), arguments, 2, exitCode))
        return exitCode;
    const QString path = parser.positionalArguments().at(0);
    QString condition = parser.positionalArguments().at(1).trimmed();
    if (condition.startsWith(QLatin1String("where "), Qt::CaseInsensitive))
        condition = condition.mid(6);
    auto project = Project::open(path, Project::Access::ReadOnly);
    const SampleTable table = loadSampleTable(*project);
    const SqlFilterResult result = SqlFilter(path).run(condition);
    if (parser.isSet(QStringLiteral("count"))) {
        printOut(QStringLiteral("%1\n").arg(result.sampleIndices.size()));
        return Ok;
    }
    const QStringList header{QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("label"),
                             QStringLiteral("predicted"), QStringLiteral("loss")};
    std::vector<QStringList> rows;
    for (qint64 sample : result.sampleIndices) {
        const auto i = size_t(sample);
        rows.push_back({table.ids.at(sample), table.images.at(sample),
                        table.classNames.value(table.labels[i]), table.classNames.value(table.predicted[i]),
                        std::isnan(table.loss[i]) ? QString() : QString::number(table.loss[i], 'g', 6)});
    }
    writeRows(parser.value(QStringLiteral("csv")), header, rows);
    if (result.truncated)
        printError(QStringLiteral("loupe-cli query: stopped at the row limit"));
    return Ok;
}

int runSimilar(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Find the samples most like one sample, or like the "
                                                    "centroid of a set (for targeted data collection). "
                                                    "Exact search over the run's embeddings."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption(
        {QStringLiteral("id"), QStringLiteral("Query by this sample id."), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("ids"),
                      QStringLiteral("Query by the centroid of the ids in FILE (one per line)."),
                      QStringLiteral("FILE")});
    parser.addOption({{QStringLiteral("k")},
                      QStringLiteral("How many results (default 20)."),
                      QStringLiteral("K"),
                      QStringLiteral("20")});
    parser.addOption(
        {QStringLiteral("split"), QStringLiteral("Only samples of this split."), QStringLiteral("S")});
    parser.addOption({QStringLiteral("unlabeled"), QStringLiteral("Only unlabeled samples.")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("Write id,image,label,split,distance to FILE."),
                      QStringLiteral("FILE")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("similar"), arguments, 1, exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("id")) == parser.isSet(QStringLiteral("ids"))) {
        printError(QStringLiteral("loupe-cli similar: give --id ID or --ids FILE"));
        return Usage;
    }
    auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
    const SampleTable table = loadSampleTable(*project);
    const RunArrays arrays(project->database(), table.runId);
    if (!arrays.has(RunArray::Embeddings))
        throw Error(
            QStringLiteral("the run has no embeddings: import embeddings.npy to search by similarity"));
    const std::vector<qint64> query =
        parser.isSet(QStringLiteral("id"))
            ? std::vector<qint64>{sampleOfId(*project, parser.value(QStringLiteral("id")))}
            : samplesOfIdFile(*project, parser.value(QStringLiteral("ids")));
    int splitIndex = -1;
    if (parser.isSet(QStringLiteral("split"))) {
        splitIndex = int(table.splitNames.indexOf(parser.value(QStringLiteral("split"))));
        if (splitIndex < 0)
            throw Error(
                QStringLiteral("no split \"%1\"; the splits are: %2")
                    .arg(parser.value(QStringLiteral("split")), table.splitNames.join(QStringLiteral(", "))));
    }
    const auto accept =
        SimilaritySearch::restrictTo(table, splitIndex, parser.isSet(QStringLiteral("unlabeled")));
    // One query: a pass over the stored chunks beats building an index, and keeps memory flat.
    const std::vector<Neighbor> found =
        SimilaritySearch::scanChunks(storedMatrix(arrays, RunArray::Embeddings), query,
                                     std::max(1, parser.value(QStringLiteral("k")).toInt()), accept);

    const QStringList header{QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("label"),
                             QStringLiteral("split"), QStringLiteral("distance")};
    auto rowOf = [&](const Neighbor &n) {
        const auto i = size_t(n.sample);
        return QStringList{table.ids.at(n.sample), table.images.at(n.sample),
                           table.labels[i] < 0 ? QString() : table.classNames.at(table.labels[i]),
                           table.splitIndex[i] < 0 ? QString() : table.splitNames.at(table.splitIndex[i]),
                           QString::number(n.distance, 'g', 6)};
    };
    std::vector<QStringList> rows;
    for (const Neighbor &n : found)
        rows.push_back(rowOf(n));
    writeRows(parser.value(QStringLiteral("csv")), header, rows);
    return Ok;
}

int runDuplicates(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "List exact duplicates (same pixels), near-duplicates (embedding distance), pairs that cross splits "
        "(leakage) and broken images, as found by `loupe-cli analyze` (step duplicates)."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption(
        {QStringLiteral("csv"), QStringLiteral("Write the pairs to FILE."), QStringLiteral("FILE")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("duplicates"), arguments, 1, exitCode))
        return exitCode;
    auto project = Project::open(parser.positionalArguments().at(0));
    const SampleTable table = loadSampleTable(*project);
    AnalysisStore store(project->database());
    if (!store.stepSummary(table.runId, QStringLiteral("duplicates"))) {
        auto progress = stderrProgress();
        AnalysisOptions options;
        options.steps = {QStringLiteral("duplicates")};
        AnalysisPipeline(*project).run(options, *progress);
    }
    const QStringList header{QStringLiteral("kind"), QStringLiteral("id_a"), QStringLiteral("id_b"),
                             QStringLiteral("distance"), QStringLiteral("cross_split")};
    std::vector<QStringList> rows;
    for (const DuplicateRecord &pair : store.duplicates(table.runId)) {
        rows.push_back({pair.kind, table.ids.at(pair.sampleA), table.ids.at(pair.sampleB),
                        QString::number(pair.distance, 'g', 6),
                        pair.crossSplit ? QStringLiteral("1") : QStringLiteral("0")});
    }
    for (const auto &[sample, problem] : store.imageProblems())
        rows.push_back({QStringLiteral("broken"), table.ids.at(sample), QString(), QString(), problem});
    writeRows(parser.value(QStringLiteral("csv")), header, rows);
    return Ok;
}

} // namespace loupe::cli
