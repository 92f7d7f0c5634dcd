// Analysis columns computed outside Loupe (docs/scale.md) on a small Fashion-MNIST folder:
// an external kNN graph, cluster ids, issue scores and map coordinates are imported with the
// run, the analysis uses them instead of its own, and the app shows them.

#include "common/progress.h"
#include "demo/fashionmnistdemo.h"
#include "embeddingmapview.h"
#include "formats/npyfile.h"
#include "import/importworkflow.h"
#include "mainwindow.h"
#include "panels/clusterspanel.h"
#include "panels/mappanel.h"
#include "projectsession.h"
#include "samplegridmodel.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace loupe;

namespace {

constexpr int kSamples = 1200;
constexpr int kNeighbours = 10; // not the analysis's 15: the stored graph must be this one
constexpr int kClusters = 7;
constexpr int kMapColumns = 40;

/** The external engine's exact kNN graph over the embeddings (itself excluded), nearest first. */
void externalKnn(const std::vector<float> &embeddings, int dims, std::vector<qint32> &indices,
                 std::vector<float> &distances)
{
    indices.assign(size_t(kSamples) * kNeighbours, -1);
    distances.assign(size_t(kSamples) * kNeighbours, 0.0f);
    std::vector<std::pair<float, int>> row(kSamples);
    for (int i = 0; i < kSamples; ++i) {
        for (int j = 0; j < kSamples; ++j) {
            double d2 = 0.0;
            for (int c = 0; c < dims; ++c) {
                const double d = embeddings[size_t(i * dims + c)] - embeddings[size_t(j * dims + c)];
                d2 += d * d;
            }
            row[size_t(j)] = {j == i ? std::numeric_limits<float>::infinity() : float(std::sqrt(d2)), j};
        }
        std::partial_sort(row.begin(), row.begin() + kNeighbours, row.end());
        for (int k = 0; k < kNeighbours; ++k) {
            indices[size_t(i * kNeighbours + k)] = row[size_t(k)].second;
            distances[size_t(i * kNeighbours + k)] = row[size_t(k)].first;
        }
    }
}

qint32 externalCluster(int sample)
{
    return sample % 11 == 0 ? -1 : sample % kClusters;
}

float externalIssueScore(int sample)
{
    return sample % 50 == 0 ? std::numeric_limits<float>::quiet_NaN() : float(sample % 97) / 96.0f;
}

} // namespace

class TestPrecomputedColumns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void analysisUsesTheImportedColumns();
    void appShowsTheImportedColumns();

private:
    QTemporaryDir m_dir;
    QString m_projectPath;
    std::vector<qint32> m_knnIndices;
    std::vector<float> m_knnDistances;
    std::vector<float> m_coords;
};

void TestPrecomputedColumns::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    DemoOptions options;
    options.limit = kSamples;
    options.folds = 2;
    options.model.epochs = 3;
    Progress progress;
    const DemoResult demo = buildFashionMnistDemo(m_dir.path(), options, progress);
    const QDir folder(demo.datasetFolder);

    // What a Spark or Ray job would hand over, written beside the run's predictions.
    const NpyFile embeddings(folder.filePath(QStringLiteral("embeddings.npy")));
    QCOMPARE(embeddings.rows(), kSamples);
    externalKnn(embeddings.readAll(), int(embeddings.cols()), m_knnIndices, m_knnDistances);
    writeNpy(folder.filePath(QStringLiteral("knn_indices.npy")), m_knnIndices.data(), kSamples, kNeighbours);
    writeNpy(folder.filePath(QStringLiteral("knn_distances.npy")), m_knnDistances.data(), kSamples,
             kNeighbours);
    std::vector<qint32> clusters(kSamples);
    std::vector<float> scores(kSamples);
    for (int s = 0; s < kSamples; ++s) {
        clusters[size_t(s)] = externalCluster(s);
        scores[size_t(s)] = externalIssueScore(s);
        // A grid, unlike any UMAP: each sample has its own cell.
        m_coords.push_back(float(s % kMapColumns));
        m_coords.push_back(float(s / kMapColumns));
    }
    writeNpy(folder.filePath(QStringLiteral("clusters.npy")), clusters.data(), kSamples, 1);
    writeNpy(folder.filePath(QStringLiteral("issue_scores.npy")), scores.data(), kSamples, 1);
    writeNpy(folder.filePath(QStringLiteral("coords.npy")), m_coords.data(), kSamples, 2);

    m_projectPath = m_dir.filePath(QStringLiteral("precomputed.loupe"));
    const DatasetImportResult result =
        importAndAnalyseDataset(demo.datasetFolder, m_projectPath, ImportOptions(), true, progress);
    QVERIFY2(result.analysis.error.isEmpty(), qPrintable(result.analysis.error));
    QVERIFY(result.imported.notes.join(QLatin1Char('\n')).contains(QStringLiteral("knn_indices.npy")));
}

void TestPrecomputedColumns::analysisUsesTheImportedColumns()
{
    auto project = Project::open(m_projectPath, Project::Access::ReadOnly);
    SqliteDatabase &db = project->database();
    const int runId = project->runs().constLast().id;
    const AnalysisStore store(db);
    const auto source = [&](const QString &step) {
        return store.stepSummary(runId, step)
            .value_or(QJsonObject())
            .value(QStringLiteral("source"))
            .toString();
    };
    QCOMPARE(source(QStringLiteral("knn")), QStringLiteral("knn_indices.npy (imported)"));
    QCOMPARE(source(QStringLiteral("kmeans")), QStringLiteral("clusters.npy (imported)"));
    QCOMPARE(source(QStringLiteral("label_issues")), QStringLiteral("issue_scores.npy (imported)"));
    QCOMPARE(source(QStringLiteral("map")), QStringLiteral("coords.npy (imported)"));

    // The graph every reader gets is the imported one.
    const std::optional<KnnGraph> graph = RunArrays(db, runId).knnGraph(kSamples);
    QVERIFY(graph);
    QCOMPARE(graph->k, kNeighbours);
    QVERIFY(std::equal(graph->indices.begin(), graph->indices.end(), m_knnIndices.begin()));
    QCOMPARE(graph->distances, m_knnDistances);
    QCOMPARE(RunArrays(db, runId).neighbours(5).front(), qint64(m_knnIndices[5 * kNeighbours]));

    // The clusters are the imported ids, ranked with their counts.
    auto query = db.prepare(QStringLiteral("SELECT sample_index, cluster, issue_score, is_issue "
                                           "FROM sample_analysis WHERE run_id = ? ORDER BY sample_index"));
    query.bind(1, runId);
    float lowestFlagged = 2.0f;
    float highestUnflagged = -1.0f;
    qint64 flagged = 0;
    while (query.step()) {
        const int sample = int(query.columnInt64(0));
        QCOMPARE(query.isNull(1) ? -1 : query.columnInt(1), externalCluster(sample));
        const float score = externalIssueScore(sample);
        if (std::isnan(score)) {
            QVERIFY(query.isNull(2));
            QCOMPARE(query.columnInt(3), 0);
            continue;
        }
        QCOMPARE(float(query.columnDouble(2)), score);
        if (query.columnInt(3) == 1) {
            ++flagged;
            lowestFlagged = std::min(lowestFlagged, score);
        } else {
            highestUnflagged = std::max(highestUnflagged, score);
        }
    }
    // As many flagged as confident learning estimates, and they are the highest imported scores.
    QVERIFY(flagged > 0);
    QCOMPARE(flagged, store.stepSummary(runId, QStringLiteral("label_issues"))
                          ->value(QStringLiteral("flagged"))
                          .toInteger());
    QVERIFY(lowestFlagged >= highestUnflagged);
    QCOMPARE(
        db.queryInt(QStringLiteral("SELECT count(*) FROM clusters WHERE method = 'kmeans' AND run_id = %1")
                        .arg(runId)),
        qint64(kClusters));
}

void TestPrecomputedColumns::appShowsTheImportedColumns()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QSignalSpy opened(&window, &MainWindow::projectOpened);
    window.openProject(m_projectPath);
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(window.waitForOpen());

    // The map draws the imported coordinates: each grid cell holds its own sample.
    EmbeddingMapView *map = window.mapPanel()->view();
    QCOMPARE(map->pointCount(), qint64(kSamples));
    map->fitToContents();
    for (const int sample : {0, 39, 40, 613, kSamples - 1}) {
        const QPointF at =
            map->mapFromData(QPointF(m_coords[size_t(2 * sample)], m_coords[size_t(2 * sample + 1)]));
        QCOMPARE(map->pointAt(at), qint64(sample));
    }

    // The grid opens on the highest imported issue score.
    const double first = window.gridModel()->index(0).data(SampleGridModel::IssueScoreRole).toDouble();
    QCOMPARE(first, 1.0);

    // The clusters panel lists the imported clusters; a click shows exactly a cluster's members.
    ClustersPanel *panel = window.clustersPanel();
    panel->setView(QStringLiteral("kmeans"));
    QTableView *table = panel->table();
    QCOMPARE(table->model()->rowCount(), kClusters);
    QSignalSpy activated(panel, &ClustersPanel::clusterActivated);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(table->model()->index(0, 0)).center());
    QCOMPARE(activated.count(), 1);
    const int cluster = activated.first().at(1).toInt();
    int members = 0;
    for (int s = 0; s < kSamples; ++s)
        members += externalCluster(s) == cluster;
    QCOMPARE(window.gridModel()->rowCount(), members);
    for (int row = 0; row < window.gridModel()->rowCount(); ++row)
        QCOMPARE(externalCluster(
                     int(window.gridModel()->index(row).data(SampleGridModel::SampleRole).toLongLong())),
                 cluster);
}

QTEST_MAIN(TestPrecomputedColumns)
#include "tst_precomputedcolumns.moc"
