// The demo end to end on a subset of the real Fashion-MNIST package.

#include "common/progress.h"
#include "dataset/sampletable.h"
#include "demo/fashionmnistdemo.h"
#include "edits/labelrepository.h"
#include "formats/csvreader.h"
#include "import/runimporter.h"
#include "metrics/classificationreport.h"
#include "report/runcomparison.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QHash>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

/** id -> true class index, from the demo's truth.csv. */
QHash<QString, int> trueLabels(const QString &datasetFolder)
{
    const QStringList classes = fashionMnistClasses();
    CsvReader reader(QDir(datasetFolder).filePath(QStringLiteral("truth.csv")));
    std::vector<QString> row;
    reader.readRecord(row); // id,true_label,given_label,flipped
    QHash<QString, int> labels;
    while (reader.readRecord(row))
        labels.insert(row[0], int(classes.indexOf(row[1])));
    return labels;
}

} // namespace

class TestFashionMnistDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void buildsAProjectWithNoiseTruthAndOutOfFoldPredictions();
    void flipsGoToConfusableClasses();
    void retrainsOnCorrectedLabelsAsASecondRun();

private:
    QTemporaryDir m_dir;
    DemoResult m_result;
};

void TestFashionMnistDemo::initTestCase()
{
    DemoOptions options;
    if (!QFileInfo::exists(QDir(options.sourceFolder).filePath(QStringLiteral("t10k-images-idx3-ubyte.gz"))))
        QFAIL("Debian's dataset-fashion-mnist package is missing: run scripts/install-deps");
    options.limit = 2000;
    options.folds = 3;
    options.model.epochs = 3;
    Progress progress;
    m_result = buildFashionMnistDemo(m_dir.path(), options, progress);
}

void TestFashionMnistDemo::buildsAProjectWithNoiseTruthAndOutOfFoldPredictions()
{
    QCOMPARE(m_result.samples, 2000);
    QCOMPARE(m_result.flipped, 60); // 3 % of 2000
    // A 3-epoch model on 1,333 images per fold: well above chance (0.1), below the full demo's ~0.85.
    QVERIFY2(m_result.accuracyOnTrueLabels > 0.6, qPrintable(QString::number(m_result.accuracyOnTrueLabels)));

    auto project = Project::open(m_result.projectPath);
    QCOMPARE(project->sampleCount(), 2000);
    QCOMPARE(project->classNames().size(), 10);
    QCOMPARE(project->runs().size(), 1);
    const SampleTable table = loadSampleTable(*project);
    const auto report = ClassificationReport::compute(table);
    QVERIFY(std::abs(report.accuracy - m_result.accuracyOnGivenLabels) < 1e-9);
    QCOMPARE(table.splitNames, (QStringList{QStringLiteral("test"), QStringLiteral("train")}));

    SqliteDatabase &db = project->database();
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM metadata_columns")), 3);
    QCOMPARE(db.queryText(QStringLiteral("SELECT type FROM metadata_columns WHERE name = 'brightness'")),
             QStringLiteral("real"));
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM training_history WHERE metric = 'val_loss'")),
             3);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT cols FROM arrays WHERE name = 'embeddings'")), 128);
    QVERIFY(QFileInfo::exists(project->absoluteImagePath(table.images.first())));
}

void TestFashionMnistDemo::flipsGoToConfusableClasses()
{
    CsvReader truth(QDir(m_result.datasetFolder).filePath(QStringLiteral("truth.csv")));
    std::vector<QString> row;
    truth.readRecord(row);
    const QStringList classes = fashionMnistClasses();
    int flipped = 0;
    while (truth.readRecord(row)) {
        if (row[3] != QLatin1String("1"))
            continue;
        ++flipped;
        QCOMPARE(classes.at(confusableClass(int(classes.indexOf(row[1])))), row[2]);
    }
    QCOMPARE(flipped, 60);
}

void TestFashionMnistDemo::retrainsOnCorrectedLabelsAsASecondRun()
{
    // The retraining loop: correct the flipped labels, retrain on them, import the run, compare.
    {
        auto project = Project::open(m_result.projectPath);
        const SampleTable table = loadSampleTable(*project);
        const QHash<QString, int> truth = trueLabels(m_result.datasetFolder);
        QList<LabelChange> corrections;
        for (qint64 i = 0; i < table.size(); ++i) {
            const int label = truth.value(table.ids.at(i), -1);
            if (label != table.labels[size_t(i)])
                corrections.append({i, table.labels[size_t(i)], label});
        }
        QCOMPARE(corrections.size(), 60);
        LabelRepository(*project).apply(corrections, {QStringLiteral("test"), {}});
    }
    DemoOptions options;
    options.folds = 3;
    options.model.epochs = 3;
    options.model.seed = 7; // another model of the same data
    Progress progress;
    const QString runFolder = m_dir.filePath(QStringLiteral("retrained"));
    const RetrainResult result = retrainFashionMnistDemo(m_result.projectPath, runFolder, options, progress);
    QCOMPARE(result.samples, 2000);
    QVERIFY2(result.accuracyOnCurrentLabels > 0.6,
             qPrintable(QString::number(result.accuracyOnCurrentLabels)));
    for (const char *file : {"samples.csv", "predictions.npy", "embeddings.npy", "history.csv"})
        QVERIFY2(QFileInfo::exists(QDir(runFolder).filePath(QString::fromLatin1(file))), file);

    auto project = Project::open(m_result.projectPath);
    const int before = project->latestRunId();
    const RunImportSummary imported = importRun(*project, runFolder, QStringLiteral("retrained"), progress);
    QVERIFY(imported.hasEmbeddings && imported.hasHistory);
    const RunComparison comparison = RunComparison::compute(*project, before, imported.runId);
    // Against the corrected labels, the retrained model's accuracy is what it reported out of fold.
    QVERIFY(std::abs(comparison.reportAfter.accuracy - result.accuracyOnCurrentLabels) < 1e-9);
    QCOMPARE(comparison.reportAfter.samples, 2000);
    QVERIFY(!comparison.fixed.empty());
}

QTEST_APPLESS_MAIN(TestFashionMnistDemo)
#include "tst_fashionmnistdemo.moc"
