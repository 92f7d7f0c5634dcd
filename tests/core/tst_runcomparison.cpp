// A second model run: import-run matches rows by id, refuses what does not fit without
// touching the project, and the comparison finds the fixed and regressed samples and the
// error-rate change of each failure cluster and slice.

#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "fixturedataset.h"
#include "formats/npyfile.h"
#include "import/runimporter.h"
#include "report/runcomparison.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

// The retrained model's probabilities for samples a..f of the small fixture (cat, dog, fox):
// b (cat) and d (dog) are now right, a (cat) is now wrong.
const std::vector<std::vector<float>> kRetrained = {
    {0.2f, 0.7f, 0.1f}, {0.8f, 0.1f, 0.1f}, {0.1f, 0.8f, 0.1f},
    {0.1f, 0.8f, 0.1f}, {0.1f, 0.1f, 0.8f}, {0.3f, 0.3f, 0.4f},
};

QStringList fixtureIds()
{
    return {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
            QStringLiteral("d"), QStringLiteral("e"), QStringLiteral("f")};
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

/** Writes a run folder listing order (sample indices of the fixture) with kRetrained's rows. */
void writeRunFolder(const QString &folder, const std::vector<int> &order, const QByteArray &extraCsv = {})
{
    QDir().mkpath(folder);
    const QStringList ids = fixtureIds();
    QByteArray csv = "label,id\n"; // other columns are ignored, and id need not come first
    std::vector<float> values;
    for (const int sample : order) {
        csv += "x," + ids.at(sample).toUtf8() + "\n";
        values.insert(values.end(), kRetrained[size_t(sample)].begin(), kRetrained[size_t(sample)].end());
    }
    csv += extraCsv;
    QFile file(QDir(folder).filePath(QStringLiteral("samples.csv")));
    file.open(QIODevice::WriteOnly);
    file.write(csv);
    file.close();
    writeNpy(QDir(folder).filePath(QStringLiteral("predictions.npy")), values.data(), qint64(order.size()),
             3);
}

} // namespace

class TestRunComparison : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void importRunMatchesRowsById();
    void importRunRefusesBadRunsAndChangesNothing_data();
    void importRunRefusesBadRunsAndChangesNothing();
    void comparisonFindsFixedAndRegressed();
    void comparisonOfClustersSlicesAndIssues();
    void findRunByNameOrId();

private:
    int importRetrained();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestRunComparison::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = test::importFixture(m_dir->filePath(QStringLiteral("data")), test::smallFixtureClasses(),
                                 test::smallFixture());
}

int TestRunComparison::importRetrained()
{
    const QString folder = m_dir->filePath(QStringLiteral("run"));
    writeRunFolder(folder, {5, 4, 3, 2, 1, 0}); // reversed: rows must be matched by id
    auto project = Project::open(m_path);
    Progress progress;
    return importRun(*project, folder, QStringLiteral("retrained"), progress).runId;
}

void TestRunComparison::importRunMatchesRowsById()
{
    const int run = importRetrained();
    auto project = Project::open(m_path);
    QCOMPARE(project->runs().size(), 2);
    QCOMPARE(project->latestRunId(), run);
    const SampleTable table = loadSampleTable(*project, run);
    QCOMPARE(table.predicted, (std::vector<int>{1, 0, 1, 1, 2, 2}));
    QCOMPARE(table.confidence[1], 0.8f);
    QVERIFY(std::abs(table.loss[0] - -std::log(0.2f)) < 1e-5f); // against a's current label, cat
    QVERIFY(std::isnan(table.loss[5]));                         // f is unlabeled
    // The first run is untouched.
    const SampleTable first = loadSampleTable(*project, project->runs().first().id);
    QCOMPARE(first.predicted, (std::vector<int>{0, 1, 1, 2, 2, 1}));
}

void TestRunComparison::importRunRefusesBadRunsAndChangesNothing_data()
{
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown id") << QStringLiteral("unknown-id")
                                << QStringLiteral("samples.csv:8: id \"zz\" is not in the project");
    QTest::newRow("duplicate id") << QStringLiteral("duplicate")
                                  << QStringLiteral("samples.csv:8: id \"a\" is already on line 2");
    QTest::newRow("missing sample") << QStringLiteral("missing")
                                    << QStringLiteral("samples.csv: lacks 1 of the project's 6 samples");
    QTest::newRow("wrong class count")
        << QStringLiteral("classes")
        << QStringLiteral("predictions.npy: has 4 columns but the project has 3 classes");
    QTest::newRow("NaN") << QStringLiteral("nan")
                         << QStringLiteral("predictions.npy: row 2: NaN in column 0");
    QTest::newRow("no predictions") << QStringLiteral("no-scores")
                                    << QStringLiteral("a run needs predictions.npy or logits.npy");
    QTest::newRow("name taken") << QStringLiteral("name")
                                << QStringLiteral("a run named \"model\" already exists");
}

void TestRunComparison::importRunRefusesBadRunsAndChangesNothing()
{
    QFETCH(QString, mutation);
    QFETCH(QString, message);
    const QString folder = m_dir->filePath(QStringLiteral("bad"));
    const std::vector<int> all{0, 1, 2, 3, 4, 5};
    if (mutation == QLatin1String("unknown-id"))
        writeRunFolder(folder, all, "x,zz\n");
    else if (mutation == QLatin1String("duplicate"))
        writeRunFolder(folder, all, "x,a\n");
    else if (mutation == QLatin1String("missing"))
        writeRunFolder(folder, {0, 1, 2, 3, 4});
    else
        writeRunFolder(folder, all);
    const QString npy = QDir(folder).filePath(QStringLiteral("predictions.npy"));
    if (mutation == QLatin1String("classes")) {
        const std::vector<float> four(24, 0.25f);
        writeNpy(npy, four.data(), 6, 4);
    } else if (mutation == QLatin1String("nan")) {
        std::vector<float> values(18, 1.0f / 3.0f);
        values[6] = NAN;
        writeNpy(npy, values.data(), 6, 3);
    } else if (mutation == QLatin1String("no-scores")) {
        QFile::remove(npy);
    }
    const QString name =
        mutation == QLatin1String("name") ? QStringLiteral("model") : QStringLiteral("second");
    const QByteArray before = fileHash(m_path);
    {
        auto project = Project::open(m_path);
        Progress progress;
        try {
            importRun(*project, folder, name, progress);
            QFAIL("the bad run was imported");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(message), qPrintable(error.message()));
        }
        QCOMPARE(project->runs().size(), 1);
    }
    QCOMPARE(fileHash(m_path), before);
}

void TestRunComparison::comparisonFindsFixedAndRegressed()
{
    const int after = importRetrained();
    auto project = Project::open(m_path);
    const int before = project->runs().first().id;
    const RunComparison comparison = RunComparison::compute(*project, before, after);
    QCOMPARE(comparison.before.name, QStringLiteral("model"));
    QCOMPARE(comparison.after.name, QStringLiteral("retrained"));
    QCOMPARE(comparison.reportBefore.accuracy, 3.0 / 5.0);
    QCOMPARE(comparison.reportAfter.accuracy, 4.0 / 5.0);
    // b gained most (loss 1.61 -> 0.22), then d (1.20 -> 0.22).
    QCOMPARE(comparison.fixed, (std::vector<qint64>{1, 3}));
    QCOMPARE(comparison.regressed, (std::vector<qint64>{0}));
    QCOMPARE(comparison.issuesBefore, qint64(-1)); // no analysis of either run
    QVERIFY(comparison.clusters.empty());

    const QJsonObject json = comparison.toJson(fixtureIds());
    QCOMPARE(json.value(QStringLiteral("fixed")).toArray(),
             (QJsonArray{QStringLiteral("b"), QStringLiteral("d")}));
    QCOMPARE(json.value(QStringLiteral("regressed_count")).toInt(), 1);
    QCOMPARE(json.value(QStringLiteral("classes")).toArray().size(), 3);
    QVERIFY(!json.contains(QStringLiteral("label_issues_resolved")));
}

void TestRunComparison::comparisonOfClustersSlicesAndIssues()
{
    const int after = importRetrained();
    auto project = Project::open(m_path);
    const int before = project->runs().first().id;
    {
        // What the analysis would have stored for the first run: two clusters, one slice,
        // flags on b and d; the second run flags only a.
        AnalysisStore store(project->database());
        store.writeSampleColumn(before, QStringLiteral("cluster"), std::vector<int>{0, 0, 0, 1, 1, 1});
        store.writeSampleColumn(before, QStringLiteral("is_issue"), std::vector<int>{0, 1, 0, 1, 0, 0});
        store.writeSampleColumn(after, QStringLiteral("is_issue"), std::vector<int>{1, 0, 0, 0, 0, 0});
        SliceRecord split;
        split.column = QStringLiteral("split");
        split.value = QStringLiteral("test");
        split.condition = QStringLiteral("split = 'test'");
        SliceRecord predicted = split;
        predicted.column = QStringLiteral("predicted");
        predicted.condition = QStringLiteral("predicted = 'dog'");
        store.writeSlices(before, {split, predicted});
    }
    const RunComparison comparison = RunComparison::compute(*project, before, after);
    // Cluster 1 (d, e, f): d fixed, f unlabeled: 1 of 2 wrong -> 0 of 2. Cluster 0 (a, b, c): b fixed, a
    // broken: 1 -> 1.
    QCOMPARE(comparison.clusters.size(), size_t(2));
    QCOMPARE(comparison.clusters[0].name, QStringLiteral("cluster 1"));
    QCOMPARE(comparison.clusters[0].labelled, qint64(2));
    QCOMPARE(comparison.clusters[0].errorsBefore, qint64(1));
    QCOMPARE(comparison.clusters[0].errorsAfter, qint64(0));
    QCOMPARE(comparison.clusters[1].rateChange(), 0.0);
    // The slice over the predicted class is skipped (it is a different group in each run).
    QCOMPARE(comparison.slices.size(), size_t(1));
    QCOMPARE(comparison.slices[0].name, QStringLiteral("split = test"));
    QCOMPARE(comparison.slices[0].size, qint64(3)); // d, e, f
    QCOMPARE(comparison.slices[0].errorsBefore, qint64(1));
    QCOMPARE(comparison.slices[0].errorsAfter, qint64(0));
    QCOMPARE(comparison.issuesBefore, qint64(2));
    QCOMPARE(comparison.issuesAfter, qint64(1));
    QCOMPARE(comparison.issuesResolved, (std::vector<qint64>{1, 3}));
}

void TestRunComparison::findRunByNameOrId()
{
    importRetrained();
    auto project = Project::open(m_path, Project::Access::ReadOnly);
    QCOMPARE(findRun(*project, QStringLiteral("retrained")).name, QStringLiteral("retrained"));
    QCOMPARE(findRun(*project, QStringLiteral("1")).name, QStringLiteral("model"));
    try {
        findRun(*project, QStringLiteral("nope"));
        QFAIL("found a run that does not exist");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(
                     QStringLiteral("no run named \"nope\"; the project has model (1), retrained (2)")),
                 qPrintable(error.message()));
    }
}

QTEST_APPLESS_MAIN(TestRunComparison)
#include "tst_runcomparison.moc"
