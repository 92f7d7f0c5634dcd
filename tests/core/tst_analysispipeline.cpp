// The analysis pipeline end to end on a fixed-seed subset of the real Fashion-MNIST demo:
// every step stores its results, and the label-issue ranking keeps its quality.

#include "analysis/labels/confidentlearning.h"
#include "analysis/labels/labelissueevaluation.h"
#include "dataset/knngraph.h"
#include "storage/runarrays.h"
#include "analysis/labels/labelissuefinder.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysispipeline.h"
#include "analysis/pipeline/analysisregistry.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "demo/fashionmnistdemo.h"
#include "edits/labelrepository.h"
#include "formats/csvreader.h"
#include "storage/analysisstore.h"
#include "storage/arraystore.h"
#include "storage/computedmetadata.h"
#include "storage/project.h"
#include "storage/sqlitetransaction.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QTemporaryDir>
#include <QSet>
#include <QtTest>

using namespace loupe;

class TestAnalysisPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void storesEveryStep();
    void labelIssueRankingFindsPlantedFlips();
    void clustersAreRankedBySeverity();
    void relabelUpdatesStoredResults();
    void relabelRescoresTheSamplesItVotesFor();
    void unknownStepIsRefused();
    void contextFreesWhatNoLaterStepNeeds();
    void imagesStepStoresComputedMetadata();
    void earlyImageScanFindsWhatALateOneFinds();
    void cancelStopsTheEarlyImageScanAndStoresNothing();

private:
    QTemporaryDir m_dir;
    DemoResult m_demo;
    AnalysisSummary m_summary;
};

void TestAnalysisPipeline::initTestCase()
{
    DemoOptions options;
    options.limit = 3000;
    options.folds = 3;
    options.model.epochs = 4;
    Progress progress;
    m_demo = buildFashionMnistDemo(m_dir.path(), options, progress);
    auto project = Project::open(m_demo.projectPath);
    m_summary = AnalysisPipeline(*project).run(AnalysisOptions(), progress);
}

void TestAnalysisPipeline::storesEveryStep()
{
    QCOMPARE(m_summary.stepsRun, analysisStepNames());
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    SqliteDatabase &db = project->database();
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM analysis_steps")), analysisStepNames().size());
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE issue_score IS NOT NULL")),
             3000);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE cluster IS NOT NULL")), 3000);
    // The rows, written once after the last step, hold what the steps' mirrors hold.
    for (const auto &[column, values] : AnalysisStore(db).readSampleColumns(m_summary.runId, 3000)) {
        auto rows = db.prepare(
            QStringLiteral("SELECT count(%1), total(%1) FROM sample_analysis WHERE run_id = ?").arg(column));
        rows.bind(1, m_summary.runId);
        QVERIFY(rows.step());
        double sum = 0.0;
        const auto stored = std::count_if(values.begin(), values.end(), [&sum](float v) {
            sum += std::isnan(v) ? 0.0 : double(v);
            return !std::isnan(v);
        });
        QCOMPARE(rows.columnInt64(0), qint64(stored));
        QVERIFY2(std::abs(rows.columnDouble(1) - sum) <= 1e-6 * std::max(1.0, std::abs(sum)),
                 qPrintable(column));
    }
    QCOMPARE(ArrayStore(db).shape(m_summary.runId, QStringLiteral("umap"))->cols, 2);
    QCOMPARE(ArrayStore(db).shape(m_summary.runId, QStringLiteral("knn_indices"))->cols, 15);
    const QJsonObject map = m_summary.summaries.value(QStringLiteral("map")).toObject();
    QVERIFY2(map.value(QStringLiteral("trustworthiness")).toDouble() > 0.85,
             qPrintable(QString::number(map.value(QStringLiteral("trustworthiness")).toDouble())));
    const QJsonObject diagnosis = m_summary.summaries.value(QStringLiteral("diagnosis")).toObject();
    QVERIFY(!diagnosis.value(QStringLiteral("sentence")).toString().isEmpty());
}

void TestAnalysisPipeline::labelIssueRankingFindsPlantedFlips()
{
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    const SampleTable table = loadSampleTable(*project);
    CsvReader truthFile(QDir(m_demo.datasetFolder).filePath(QStringLiteral("truth.csv")));
    std::vector<QString> row;
    truthFile.readRecord(row);
    std::vector<uint8_t> flipped(size_t(table.size()), 0);
    while (truthFile.readRecord(row))
        flipped[size_t(table.findId(row[0]))] = row[3] == QLatin1String("1");
    const std::vector<float> scores =
        AnalysisStore(project->database())
            .readSampleColumn(table.runId, QStringLiteral("issue_score"), table.size());
    const RankingQuality blend = LabelIssueEvaluation::evaluateRanking(scores, flipped);

    // The model alone on the same fixture: 1 - normalized margin of its probabilities.
    const std::vector<float> probabilities =
        RunArrays(project->database(), table.runId).read(RunArray::Probabilities);
    const int classes = int(table.classNames.size());
    QCOMPARE(qint64(probabilities.size()), table.size() * classes);
    std::vector<float> modelScores(size_t(table.size()));
    for (qint64 i = 0; i < table.size(); ++i)
        modelScores[size_t(i)] =
            float(1.0 - ConfidentLearning::normalizedMargin(probabilities.data() + i * classes, classes,
                                                            table.labels[size_t(i)]));
    const RankingQuality model = LabelIssueEvaluation::evaluateRanking(modelScores, flipped);
    const QString figures = QStringLiteral("blend AUROC %1 AP %2, model alone AUROC %3 AP %4")
                                .arg(blend.auroc)
                                .arg(blend.averagePrecision)
                                .arg(model.auroc)
                                .arg(model.averagePrecision);

    // The neighbours must earn their place: the blend ranks the planted flips better than the
    // model it is built on. Measured with the default parameters on this fixture (3,000
    // images, 90 flips, 3 folds of a 4-epoch model) for 11 seeds, blend minus model AP:
    // noise seed 20261128 (this one) +0.050, seeds 1-7 +0.067 +0.089 +0.088 +0.085 +0.069
    // +0.109 +0.055, model seeds 1-3 +0.054 +0.049 +0.032; AUROC +0.009 to +0.021. The
    // required 0.02 is under two thirds of the smallest.
    QVERIFY2(blend.averagePrecision > model.averagePrecision + 0.02, qPrintable(figures));
    QVERIFY2(blend.auroc > model.auroc, qPrintable(figures));
    // Floors against a broken model or evaluation: this fixture gives AUROC 0.946 and AP
    // 0.573; over the 11 seeds above, 0.929-0.954 and 0.434-0.592.
    QVERIFY2(blend.auroc > 0.90, qPrintable(figures));
    QVERIFY2(blend.averagePrecision > 0.40, qPrintable(figures));
}

void TestAnalysisPipeline::clustersAreRankedBySeverity()
{
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    const std::vector<ClusterRecord> clusters =
        AnalysisStore(project->database()).clusters(m_summary.runId, QStringLiteral("kmeans"));
    QVERIFY(clusters.size() >= 8);
    for (size_t i = 1; i < clusters.size(); ++i)
        QVERIFY(clusters[i - 1].severity >= clusters[i].severity);
    qint64 members = 0;
    for (const ClusterRecord &c : clusters)
        members += c.size;
    QCOMPARE(members, 3000);
}

void TestAnalysisPipeline::relabelUpdatesStoredResults()
{
    auto project = Project::open(m_demo.projectPath);
    SqliteDatabase &db = project->database();
    // The most suspicious flagged sample whose suggestion is also the model's prediction.
    auto query = db.prepare(QStringLiteral(
        "SELECT sample_index, suggested_label, issue_score, cluster FROM sample_view JOIN classes c ON "
        "c.name = suggested_label WHERE is_issue = 1 AND suggested_label = predicted ORDER BY issue_score "
        "DESC "
        "LIMIT 1"));
    QVERIFY(query.step());
    const qint64 sample = query.columnInt64(0);
    const QString suggested = query.columnText(1);
    const double scoreBefore = query.columnDouble(2);
    const int cluster = query.columnInt(3);
    const QString clusterErrors =
        QStringLiteral("SELECT errors FROM clusters WHERE method = 'kmeans' AND cluster = %1").arg(cluster);
    const qint64 errorsBefore = db.queryInt(clusterErrors);

    LabelRepository(*project).relabel({sample}, int(project->classNames().indexOf(suggested)), {},
                                      QStringLiteral("test"));
    const QString where = QStringLiteral(" FROM sample_view WHERE sample_index = %1").arg(sample);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT is_issue") + where), 0);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT is_error") + where), 0);
    auto after = db.prepare(QStringLiteral("SELECT issue_score") + where);
    QVERIFY(after.step());
    QVERIFY2(after.columnDouble(0) < scoreBefore - 0.3,
             qPrintable(QStringLiteral("%1 -> %2").arg(scoreBefore).arg(after.columnDouble(0))));
    QCOMPARE(db.queryInt(clusterErrors), errorsBefore - 1);
}

void TestAnalysisPipeline::relabelRescoresTheSamplesItVotesFor()
{
    auto project = Project::open(m_demo.projectPath);
    SqliteDatabase &db = project->database();
    const SampleTable table = loadSampleTable(*project);
    const RunArrays arrays(db, table.runId);
    const std::vector<float> probabilities = arrays.read(RunArray::Probabilities);
    const std::optional<KnnGraph> graph = arrays.knnGraph(table.size());
    QVERIFY(graph);
    const int classes = int(table.classNames.size());

    // The stored results as the finder holds them, to compute what a relabel should change.
    AnalysisStore store(db);
    LabelIssues issues;
    issues.usedNeighbours = true;
    issues.issueScore = store.readSampleColumn(table.runId, QStringLiteral("issue_score"), table.size());
    const std::vector<int> flags =
        store.readSampleIntColumn(table.runId, QStringLiteral("is_issue"), table.size(), 0);
    issues.isIssue.assign(flags.begin(), flags.end());
    issues.modelScore.assign(size_t(table.size()), NAN);
    issues.neighbourAgreement.assign(size_t(table.size()), NAN);
    issues.suggestedLabel =
        store.readSampleIntColumn(table.runId, QStringLiteral("suggested_label"), table.size());
    issues.flagThreshold = float(store.stepSummary(table.runId, QStringLiteral("label_issues"))
                                     ->value(QStringLiteral("flag_threshold"))
                                     .toDouble());

    // A labelled sample that many others count among their voting neighbours.
    const int voters = LabelIssueParams().neighbours;
    std::vector<int> votesCast(size_t(table.size()), 0);
    for (qint64 r = 0; r < table.size(); ++r) {
        for (int j = 0; j < std::min(voters, graph->k); ++j) {
            if (graph->neighbors(r)[j] >= 0)
                ++votesCast[size_t(graph->neighbors(r)[j])];
        }
    }
    qint64 sample = 0;
    for (qint64 i = 0; i < table.size(); ++i) {
        if (table.labels[size_t(i)] >= 0 && votesCast[size_t(i)] > votesCast[size_t(sample)])
            sample = i;
    }
    QVERIFY(votesCast[size_t(sample)] >= 10);
    const int newLabel = (table.labels[size_t(sample)] + 1) % classes;

    std::vector<int> labels = table.labels;
    labels[size_t(sample)] = newLabel;
    LabelIssues expected = issues;
    const std::vector<qint64> affected = LabelIssueFinder().update(
        probabilities.data(), table.size(), classes, labels, &*graph, {sample}, expected);

    const EditResult<int> result =
        LabelRepository(*project).apply({{sample, -1, newLabel}}, {QStringLiteral("test"), {}});
    QCOMPARE(result.changes.size(), 1);
    std::vector<qint64> others;
    for (const qint64 r : affected) {
        if (r != sample)
            others.push_back(r);
    }
    QCOMPARE(result.rescored, others); // the samples it votes for, and no other
    QVERIFY(others.size() >= 10);

    const std::vector<float> stored =
        store.readSampleColumn(table.runId, QStringLiteral("issue_score"), table.size());
    const std::vector<int> storedFlags =
        store.readSampleIntColumn(table.runId, QStringLiteral("is_issue"), table.size(), 0);
    int moved = 0;
    for (const qint64 r : affected) {
        const auto i = size_t(r);
        QVERIFY2(std::abs(stored[i] - expected.issueScore[i]) < 1e-6f,
                 qPrintable(QStringLiteral("sample %1: stored %2, expected %3")
                                .arg(r)
                                .arg(stored[i])
                                .arg(expected.issueScore[i])));
        QCOMPARE(storedFlags[i], int(expected.isIssue[i]));
        moved += std::abs(stored[i] - issues.issueScore[i]) > 1e-6f;
    }
    QVERIFY2(moved > 1, qPrintable(QString::number(moved))); // more than the edited sample itself moved
}

void TestAnalysisPipeline::unknownStepIsRefused()
{
    auto project = Project::open(m_demo.projectPath);
    AnalysisOptions options;
    options.steps = {QStringLiteral("telepathy")};
    Progress progress;
    QVERIFY_THROWS_EXCEPTION(Error, AnalysisPipeline(*project).run(options, progress));
}

void TestAnalysisPipeline::contextFreesWhatNoLaterStepNeeds()
{
    auto project = Project::open(m_demo.projectPath);
    AnalysisContext context(*project, AnalysisOptions());
    context.prepare(StepData::Embeddings | StepData::Probabilities | StepData::KnnGraph, {});
    QCOMPARE(context.table().ids.size(), qsizetype(3000));
    QVERIFY(context.hasEmbeddings());
    // The images and duplicates steps still to come keep the ids and paths.
    context.releaseAllBut(StepData::Embeddings | StepData::ImagePaths);
    QCOMPARE(context.table().images.size(), qsizetype(3000));
    QVERIFY(context.probabilities().empty());
    QCOMPARE(context.graph(), nullptr);
    QVERIFY(context.hasEmbeddings());
    // After them, the strings go; the other columns stay.
    context.releaseAllBut(StepData::Embeddings);
    QVERIFY(context.table().ids.isEmpty());
    QVERIFY(context.table().images.isEmpty());
    QCOMPARE(context.table().labels.size(), size_t(3000));
    QCOMPARE(context.samples(), qint64(3000));
    QVERIFY(context.hasEmbeddings());
    context.releaseAllBut({});
    QVERIFY(!context.hasEmbeddings());
}

void TestAnalysisPipeline::imagesStepStoresComputedMetadata()
{
    auto project = Project::open(m_demo.projectPath);
    SqliteDatabase &db = project->database();
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM metadata_columns WHERE computed = 1 AND name "
                                        "LIKE 'image\\_%' ESCAPE '\\'")),
             9);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT computed FROM metadata_columns WHERE name = 'brightness'")),
             0);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE image_sharpness > 0 AND "
                                        "image_width = 28 AND image_file_size > 0")),
             3000);

    // The planted motion blur shows in the sharpness: the blurred images' median is far lower.
    QSet<QString> blurred;
    CsvReader truth(QDir(m_demo.datasetFolder).filePath(QStringLiteral("truth.csv")));
    std::vector<QString> row;
    truth.readRecord(row);
    while (truth.readRecord(row)) {
        if (row.size() > 4 && !row[4].isEmpty())
            blurred.insert(row[0]);
    }
    QCOMPARE(blurred.size(), qsizetype(m_demo.degraded));
    std::vector<double> planted, rest;
    auto query = db.prepare(QStringLiteral("SELECT id, image_sharpness FROM sample_view"));
    while (query.step())
        (blurred.contains(query.columnText(0)) ? planted : rest).push_back(query.columnDouble(1));
    const auto median = [](std::vector<double> v) {
        std::nth_element(v.begin(), v.begin() + qsizetype(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    QCOMPARE_LT(median(planted), 0.25 * median(rest));

    // Running the step again rewrites its columns; an imported column of the same name is never touched.
    Progress progress;
    AnalysisOptions options;
    options.steps = {QStringLiteral("images")};
    AnalysisPipeline(*project).run(options, progress);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM metadata_columns WHERE computed = 1")), 9);
    const auto firstBrightness = [&db] {
        auto first =
            db.prepare(QStringLiteral("SELECT brightness FROM sample_metadata WHERE sample_index = 0"));
        return first.step() ? first.columnDouble(0) : -1.0;
    };
    const double before = firstBrightness();
    SqliteTransaction transaction(db);
    const QStringList kept = writeComputedMetadata(
        *project, {ComputedColumn{QStringLiteral("brightness"), MetadataColumn::Type::Real,
                                  std::vector<double>(3000, 9.0)}});
    transaction.commit();
    QCOMPARE(kept, QStringList{QStringLiteral("brightness")});
    QCOMPARE(firstBrightness(), before);

    // The patterns step stored its groups and each sample's pattern.
    QVERIFY(db.queryInt(QStringLiteral("SELECT count(*) FROM clusters WHERE method = 'pattern'")) > 0);
    QVERIFY(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE pattern IS NOT NULL")) > 0);
}

void TestAnalysisPipeline::earlyImageScanFindsWhatALateOneFinds()
{
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    Progress progress;
    AnalysisContext early(*project, AnalysisOptions());
    early.startImageScan(progress);
    AnalysisContext late(*project, AnalysisOptions());
    const std::vector<ImageFacts> started = early.takeImageScan(progress, 0.9);
    const std::vector<ImageFacts> scanned = late.takeImageScan(progress, 0.9);
    QCOMPARE(started.size(), size_t(3000));
    QCOMPARE(started.size(), scanned.size());
    for (size_t i = 0; i < started.size(); ++i) {
        QVERIFY(started[i].status == ImageFacts::Status::Decoded);
        QVERIFY(started[i].sameContent(scanned[i]));
        QCOMPARE(started[i].statistics.brightness, scanned[i].statistics.brightness);
    }
}

void TestAnalysisPipeline::cancelStopsTheEarlyImageScanAndStoresNothing()
{
    const QString copy = m_dir.filePath(QStringLiteral("cancelled.loupe"));
    QVERIFY(QFile::copy(m_demo.projectPath, copy));
    const auto stepsStored = [&copy] {
        return Project::open(copy, Project::Access::ReadOnly)
            ->database()
            .queryText(QStringLiteral("SELECT group_concat(step || finished) FROM analysis_steps"));
    };
    const QString before = stepsStored();
    // Cancelled as the first step begins, while the image scan started beside it runs.
    Progress *self = nullptr;
    Progress progress([&self](double, const QString &step) {
        if (step.startsWith(QStringLiteral("Finding nearest")))
            self->cancel();
    });
    self = &progress;
    {
        auto project = Project::open(copy);
        QVERIFY_THROWS_EXCEPTION(Cancelled, AnalysisPipeline(*project).run(AnalysisOptions(), progress));
    }
    QCOMPARE(stepsStored(), before);
}

QTEST_APPLESS_MAIN(TestAnalysisPipeline)
#include "tst_analysispipeline.moc"
