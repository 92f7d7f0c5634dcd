#include "analysis/pipeline/analysispipeline.h"

#include "analysis/clustering/clusterreport.h"
#include "analysis/clustering/densityclustering.h"
#include "analysis/labels/labelneighbourhood.h"
#include "analysis/maps/embeddingquality.h"
#include "analysis/quality/fitdiagnosis.h"
#include "analysis/slices/slicefinder.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "metrics/classificationreport.h"
#include "storage/analysisstore.h"
#include "storage/arraystore.h"
#include "storage/metadatareader.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitetransaction.h"
#include "storage/traininghistory.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <cmath>

namespace loupe {

namespace {

const QString kProbabilities = QStringLiteral("probabilities");
const QString kEmbeddings = QStringLiteral("embeddings");
const QString kImportedCoords = QStringLiteral("coords");
const QString kUmapCoords = QStringLiteral("umap");
const QString kKnnIndices = QStringLiteral("knn_indices");
const QString kKnnDistances = QStringLiteral("knn_distances");

/** Everything the steps read, loaded once. */
struct AnalysisContext
{
    AnalysisContext(Project &project, SampleTable table) : project(project), table(std::move(table)) {}

    Project &project;
    SampleTable table;
    int classes = 0;
    std::vector<float> probabilities; // N x C
    std::vector<float> embeddings;    // N x D, empty when the run has none
    int dimensions = 0;
    std::optional<KnnGraph> graph;
    std::vector<float> map; // N x 2: imported coordinates or UMAP, empty until known
};

AnalysisContext loadContext(Project &project, int runId)
{
    AnalysisContext context(project, loadSampleTable(project, runId));
    if (!context.table.hasPredictions())
        throw Error(
            QStringLiteral("%1: no predictions to analyse: import predictions.npy or logits.npy first")
                .arg(project.fileName()));
    ArrayStore arrays(project.database());
    const int run = context.table.runId;
    context.classes = int(context.table.classNames.size());
    context.probabilities = arrays.readAll(run, kProbabilities);
    if (const auto shape = arrays.shape(run, kEmbeddings)) {
        context.embeddings = arrays.readAll(run, kEmbeddings);
        context.dimensions = int(shape->cols);
    }
    if (arrays.shape(run, kImportedCoords))
        context.map = arrays.readAll(run, kImportedCoords);
    return context;
}

ArrayStore::RowSource rowsOf(const std::vector<float> &values, qint64 cols)
{
    return [&values, cols](qint64 first, qint64 count, float *out) {
        std::copy_n(values.data() + first * cols, count * cols, out);
    };
}

/** The graph's indices are stored as float32 arrays: exact below 2^24 (16.7 million) samples. */
void storeGraph(AnalysisContext &context, Progress &progress)
{
    const KnnGraph &graph = *context.graph;
    std::vector<float> indices(graph.indices.begin(), graph.indices.end());
    ArrayStore arrays(context.project.database());
    arrays.write(context.table.runId, kKnnIndices, {graph.n, graph.k}, rowsOf(indices, graph.k), &progress);
    arrays.write(context.table.runId, kKnnDistances, {graph.n, graph.k}, rowsOf(graph.distances, graph.k),
                 &progress);
}

QJsonObject runKnn(AnalysisContext &context, const AnalysisOptions &options, Progress &progress)
{
    if (context.embeddings.empty())
        return {{QStringLiteral("skipped"), QStringLiteral("the run has no embeddings")}};
    progress.setStep(QStringLiteral("Finding nearest neighbours"));
    context.graph = allNearestNeighbors(context.embeddings.data(), context.table.size(), context.dimensions,
                                        options.neighbors, options.knn, progress);
    storeGraph(context, progress);
    return {{QStringLiteral("k"), context.graph->k},
            {QStringLiteral("exact"), context.table.size() <= options.knn.exactMaxRows}};
}

QJsonObject runLabelIssues(AnalysisContext &context, const AnalysisOptions &options, Progress &progress)
{
    progress.setStep(QStringLiteral("Finding label issues"));
    const SampleTable &table = context.table;
    const LabelIssues issues = LabelIssueFinder(options.labelIssues)
                                   .run(context.probabilities.data(), table.size(), context.classes,
                                        table.labels, context.graph ? &*context.graph : nullptr, progress);
    AnalysisStore store(context.project.database());
    std::vector<int> flags(issues.isIssue.begin(), issues.isIssue.end());
    store.writeSampleColumn(table.runId, QStringLiteral("issue_score"), issues.issueScore);
    store.writeSampleColumn(table.runId, QStringLiteral("is_issue"), flags);
    store.writeSampleColumn(table.runId, QStringLiteral("suggested_label"), issues.suggestedLabel);
    qint64 flagged = 0;
    for (uint8_t flag : issues.isIssue)
        flagged += flag;
    const ConfidentLearningResult &cl = issues.confidentLearning;
    QJsonArray noiseRates;
    for (double rate : cl.noiseRates)
        noiseRates.append(rate);
    QJsonArray thresholds;
    for (double threshold : cl.thresholds)
        thresholds.append(threshold);
    QJsonArray prior;
    for (double share : LabelNeighbourhood::labelPrior(table.labels, context.classes))
        prior.append(share);
    return {{QStringLiteral("flagged"), flagged},
            {QStringLiteral("used_neighbours"), issues.usedNeighbours},
            {QStringLiteral("label_prior"), prior},
            {QStringLiteral("flag_threshold"), double(issues.flagThreshold)},
            {QStringLiteral("per_class_thresholds"), thresholds},
            {QStringLiteral("noise_rates"), noiseRates}};
}

void loadStoredGraph(AnalysisContext &context);

QJsonObject runMap(AnalysisContext &context, const AnalysisOptions &options, Progress &progress)
{
    if (!context.map.empty())
        return {{QStringLiteral("source"), QStringLiteral("coords.npy (imported)")}};
    if (context.embeddings.empty())
        return {{QStringLiteral("skipped"), QStringLiteral("the run has no embeddings")}};
    progress.setStep(QStringLiteral("Computing the UMAP map"));
    const qint64 n = context.table.size();
    // Fitted on a sample, UMAP searches the sample itself and never reads the knn graph:
    // drop it for the step (it is stored in the project) to lower the step's peak memory.
    const bool sampled = options.umap.fitSampleSize > 0 && n > options.umap.fitSampleSize;
    const bool reloadGraph = sampled && context.graph.has_value();
    if (reloadGraph)
        context.graph.reset();
    const UmapResult umap = computeUmap(context.embeddings.data(), n, context.dimensions, options.umap,
                                        context.graph ? &*context.graph : nullptr, progress);
    context.map = umap.coordinates;
    ArrayStore(context.project.database())
        .write(context.table.runId, kUmapCoords, {n, 2}, rowsOf(context.map, 2), &progress);
    progress.setStep(QStringLiteral("Measuring the map's quality"));
    const EmbeddingQuality quality = measureEmbeddingQuality(context.embeddings.data(), n, context.dimensions,
                                                             context.map.data(), 2, {}, progress);
    if (reloadGraph)
        loadStoredGraph(context);
    return {{QStringLiteral("source"), QStringLiteral("umap")},
            {QStringLiteral("epochs"), umap.epochs},
            {QStringLiteral("fitted_rows"), umap.fittedRows},
            {QStringLiteral("trustworthiness"), quality.trustworthiness},
            {QStringLiteral("knn_recall"), quality.knnRecall}};
}

std::vector<ClusterRecord> clusterRecords(const ClusterReport &report)
{
    std::vector<ClusterRecord> records;
    for (const ClusterStats &c : report.clusters) {
        records.push_back({c.cluster, c.size, c.evaluated, c.errors, c.errorRate, c.expectedErrors,
                           c.meanLoss, c.severity, c.pValue, c.dominantLabel, c.dominantLabelShare,
                           c.dominantPredicted, c.dominantPredictedShare});
    }
    return records;
}

QJsonObject storeClusters(AnalysisContext &context, const QString &method, const QString &column,
                          const std::vector<int> &assignment)
{
    const ClusterReport report = ClusterReport::compute(assignment, context.table);
    AnalysisStore store(context.project.database());
    store.writeSampleColumn(context.table.runId, column, assignment, 0);
    store.writeClusters(context.table.runId, method, clusterRecords(report));
    qint64 significant = 0;
    for (const ClusterStats &c : report.clusters)
        significant += c.significant;
    return {{QStringLiteral("clusters"), qint64(report.clusters.size())},
            {QStringLiteral("significant"), significant}};
}

QJsonObject runKMeans(AnalysisContext &context, const AnalysisOptions &options, Progress &progress)
{
    if (context.embeddings.empty())
        return {{QStringLiteral("skipped"), QStringLiteral("the run has no embeddings")}};
    progress.setStep(QStringLiteral("Clustering the embeddings (k-means)"));
    const KMeansResult result =
        KMeans(options.kmeans)
            .run(context.embeddings.data(), context.table.size(), context.dimensions, progress);
    QJsonObject summary =
        storeClusters(context, QStringLiteral("kmeans"), QStringLiteral("cluster"), result.labels);
    summary.insert(QStringLiteral("k"), result.k);
    return summary;
}

QJsonObject runMapClusters(AnalysisContext &context, const AnalysisOptions &, Progress &progress)
{
    if (context.map.empty())
        return {{QStringLiteral("skipped"), QStringLiteral("no 2-D map")}};
    progress.setStep(QStringLiteral("Clustering the map (HDBSCAN)"));
    const DensityClusteringResult result =
        DensityClustering().run(context.map.data(), context.table.size(), progress);
    QJsonObject summary =
        storeClusters(context, QStringLiteral("density"), QStringLiteral("map_cluster"), result.labels);
    summary.insert(QStringLiteral("noise"), result.noise);
    summary.insert(QStringLiteral("min_cluster_size"), result.minClusterSize);
    return summary;
}

QJsonObject runSlices(AnalysisContext &context, const AnalysisOptions &, Progress &progress)
{
    progress.setStep(QStringLiteral("Ranking metadata slices"));
    const std::vector<Slice> slices =
        SliceFinder().run(context.table, readSampleMetadata(context.project), progress);
    std::vector<SliceRecord> records;
    for (const Slice &s : slices) {
        records.push_back({s.column, s.value, s.condition, s.count, s.errors, s.errorRate, s.lift,
                           s.errorRateLow, s.errorRateHigh, s.pValue, s.score});
    }
    AnalysisStore(context.project.database()).writeSlices(context.table.runId, records);
    return {{QStringLiteral("slices"), qint64(records.size())}};
}

QString pairKind(DuplicatePair::Kind kind)
{
    return kind == DuplicatePair::Kind::ExactImage ? QStringLiteral("exact") : QStringLiteral("near");
}

QJsonObject runDuplicates(AnalysisContext &context, const AnalysisOptions &options, Progress &progress)
{
    progress.setStep(QStringLiteral("Looking for duplicates, leaks, outliers and broken images"));
    const SampleTable &table = context.table;
    DuplicateInput input;
    input.samples = table.size();
    for (const QString &image : table.images)
        input.imagePaths << context.project.absoluteImagePath(image);
    input.embeddings = context.embeddings.empty() ? nullptr : context.embeddings.data();
    input.dimensions = context.dimensions;
    input.split = table.splitIndex;
    input.graph = context.graph ? &*context.graph : nullptr;
    const DuplicateReport report = DuplicateFinder(options.duplicates).run(input, progress);

    std::vector<DuplicateRecord> pairs;
    for (const DuplicatePair &pair : report.pairs)
        pairs.push_back({pairKind(pair.kind), pair.first, pair.second, pair.distance, pair.crossesSplits});
    std::vector<std::pair<qint64, QString>> problems;
    for (const MalformedImage &image : report.malformed)
        problems.emplace_back(image.sample,
                              imageProblemName(image.problem) +
                                  (image.detail.isEmpty() ? QString() : QStringLiteral(": ") + image.detail));
    AnalysisStore store(context.project.database());
    store.writeDuplicates(table.runId, pairs);
    store.writeImageProblems(problems);
    if (!report.outlierScores.empty())
        store.writeSampleColumn(table.runId, QStringLiteral("outlier_score"), report.outlierScores);
    return {{QStringLiteral("exact_pairs"), report.countPairs(DuplicatePair::Kind::ExactImage)},
            {QStringLiteral("near_pairs"), report.countPairs(DuplicatePair::Kind::NearEmbedding)},
            {QStringLiteral("cross_split_pairs"), report.countLeaks()},
            {QStringLiteral("near_duplicate_distance"), double(report.nearDuplicateDistance)},
            {QStringLiteral("outliers"), qint64(report.outliers.size())},
            {QStringLiteral("malformed_images"), qint64(report.malformed.size())}};
}

QJsonObject runDiagnosis(AnalysisContext &context, const AnalysisOptions &, Progress &progress)
{
    progress.setStep(QStringLiteral("Diagnosing the fit"));
    std::vector<SplitFit> splits;
    for (int s = 0; s < context.table.splitNames.size(); ++s) {
        const ClassificationReport report = ClassificationReport::compute(context.table, s);
        splits.push_back({context.table.splitNames.at(s), report.samples, report.accuracy, report.meanLoss});
    }
    const FitDiagnosis diagnosis =
        FitDiagnosis::compute(splits, readTrainingHistory(context.project, context.table.runId));
    return diagnosis.toJson();
}

using StepFunction = QJsonObject (*)(AnalysisContext &, const AnalysisOptions &, Progress &);

StepFunction stepFunction(const QString &step)
{
    if (step == QLatin1String("knn"))
        return runKnn;
    if (step == QLatin1String("label_issues"))
        return runLabelIssues;
    if (step == QLatin1String("map"))
        return runMap;
    if (step == QLatin1String("kmeans"))
        return runKMeans;
    if (step == QLatin1String("map_clusters"))
        return runMapClusters;
    if (step == QLatin1String("slices"))
        return runSlices;
    if (step == QLatin1String("duplicates"))
        return runDuplicates;
    if (step == QLatin1String("diagnosis"))
        return runDiagnosis;
    return nullptr;
}

/** Steps that use the kNN graph load the stored one when the knn step is not part of this run. */
void loadStoredGraph(AnalysisContext &context)
{
    ArrayStore arrays(context.project.database());
    const auto shape = arrays.shape(context.table.runId, kKnnIndices);
    if (!shape || shape->rows != context.table.size())
        return;
    KnnGraph graph;
    graph.n = shape->rows;
    graph.k = int(shape->cols);
    const std::vector<float> indices = arrays.readAll(context.table.runId, kKnnIndices);
    graph.indices.assign(indices.begin(), indices.end());
    graph.distances = arrays.readAll(context.table.runId, kKnnDistances);
    context.graph = std::move(graph);
}

void loadStoredMap(AnalysisContext &context)
{
    if (context.map.empty())
        context.map = ArrayStore(context.project.database()).readAll(context.table.runId, kUmapCoords);
}

} // namespace

QStringList AnalysisOptions::allSteps()
{
    return {QStringLiteral("knn"),        QStringLiteral("label_issues"), QStringLiteral("map"),
            QStringLiteral("kmeans"),     QStringLiteral("map_clusters"), QStringLiteral("slices"),
            QStringLiteral("duplicates"), QStringLiteral("diagnosis")};
}

AnalysisPipeline::AnalysisPipeline(Project &project) : m_project(project) {}

AnalysisSummary AnalysisPipeline::run(const AnalysisOptions &options, Progress &progress)
{
    if (m_project.isReadOnly())
        throw Error(QStringLiteral("%1: cannot store the analysis: %2")
                        .arg(m_project.fileName(), m_project.readOnlyReason()));
    const QStringList requested = options.steps.isEmpty() ? AnalysisOptions::allSteps() : options.steps;
    for (const QString &step : requested) {
        if (!stepFunction(step))
            throw Error(QStringLiteral("unknown analysis step \"%1\"; the steps are: %2")
                            .arg(step, AnalysisOptions::allSteps().join(QStringLiteral(", "))));
    }
    AnalysisContext context = loadContext(m_project, options.runId);
    if (!requested.contains(QLatin1String("knn")))
        loadStoredGraph(context);
    if (!requested.contains(QLatin1String("map")))
        loadStoredMap(context);

    AnalysisSummary summary;
    summary.runId = context.table.runId;
    for (const QString &step : AnalysisOptions::allSteps()) {
        if (!requested.contains(step))
            continue;
        progress.throwIfCancelled();
        QElapsedTimer timer;
        timer.start();
        SqliteTransaction transaction(m_project.database());
        const QJsonObject stepSummary = stepFunction(step)(context, options, progress);
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        const QJsonObject parameters{{QStringLiteral("neighbors"), options.neighbors},
                                     {QStringLiteral("seed"), qint64(options.umap.seed)}};
        AnalysisStore(m_project.database())
            .recordStep(context.table.runId, step, parameters, stepSummary, seconds);
        transaction.commit();
        summary.stepsRun << step;
        summary.seconds.insert(step, seconds);
        summary.summaries.insert(step, stepSummary);
    }
    return summary;
}

} // namespace loupe
