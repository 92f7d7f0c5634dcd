// One project with unlabeled and excluded samples, and every surface that counts samples
// asked the same question: how many samples, unlabeled, excluded, evaluated, model errors
// and likely label errors. They must agree, because they all ask SampleState (and its SQL
// twin, sample_view.is_error): the status bar, the grid, the classification report and
// confusion matrix, report --json and the SQL filter of loupe-cli, the HTML report, the
// run comparison, and the exports.

#include "analysis/pipeline/analysisresults.h"
#include "analysis/steps/labelissuesstep.h"
#include "common/progress.h"
#include "controllers/statuscontroller.h"
#include "dataset/samplecounts.h"
#include "dataset/samplefilter.h"
#include "edits/reviewrepository.h"
#include "export/exports.h"
#include "fixturedataset.h"
#include "formats/csvreader.h"
#include "import/importworkflow.h"
#include "mainwindow.h"
#include "metrics/classificationreport.h"
#include "projectsession.h"
#include "report/htmlreport.h"
#include "report/runcomparison.h"
#include "samplegridmodel.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

// 40 samples of three classes: every fifth is predicted wrong, four are unlabeled; three
// labelled ones (two of them errors) get excluded below.
std::vector<test::FixtureSample> fixture()
{
    const QStringList classes = {QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("fox")};
    std::vector<test::FixtureSample> samples;
    for (int i = 0; i < 40; ++i) {
        const int label = i % 3;
        const int predicted = i % 5 == 0 ? (label + 1) % 3 : label;
        std::vector<float> p(3, 0.1f);
        p[size_t(predicted)] = 0.8f;
        samples.push_back({QStringLiteral("s%1").arg(i, 2, 10, QLatin1Char('0')),
                           i >= 36 ? QString() : classes.at(label),
                           i % 2 ? QStringLiteral("train") : QStringLiteral("test"), p});
    }
    return samples;
}

const QList<qint64> kExcluded = {0, 5, 7}; // s00 and s05 are errors, s07 is right

struct Expected
{
    qint64 samples = 40;
    qint64 unlabeled = 4;
    qint64 excluded = 3;
    qint64 evaluated = 36 - 3;
    qint64 errors = 0;
};

Expected expected()
{
    Expected e;
    for (int i = 0; i < 36; ++i)
        e.errors += i % 5 == 0 && !kExcluded.contains(i);
    return e;
}

QString runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(LOUPE_CLI_PATH), arguments);
    process.waitForFinished(60000);
    return QString::fromUtf8(process.readAllStandardOutput());
}

/** The value of an HTML report card: <div class="v">VALUE</div><div class="l">LABEL</div>. */
qint64 card(const QString &html, const QString &label)
{
    const QRegularExpression re(
        QStringLiteral("<div class=\"v\">([^<]*)</div><div class=\"l\">%1</div>").arg(label));
    const QRegularExpressionMatch match = re.match(html);
    if (!match.hasMatch())
        return -1;
    QString digits = match.captured(1);
    digits.remove(QChar(0x202F));
    return digits.toLongLong();
}

} // namespace

class TestSampleCounts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void coreCountsAreTheDefinition();
    void sqlTwinAgrees();
    void statusBarAndGridAgree();
    void reportsAgree();
    void comparisonAndExportsAgree();

private:
    QTemporaryDir m_dir;
    QString m_project;
    SampleCounts m_counts;
};

void TestSampleCounts::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString data = m_dir.filePath(QStringLiteral("data"));
    test::writeFixtureFolder(data, {QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("fox")},
                             fixture());
    m_project = m_dir.filePath(QStringLiteral("counts.loupe"));
    Progress progress;
    importAndAnalyseDataset(data, m_project, ImportOptions(), true, progress);
    auto project = Project::open(m_project);
    QList<ReviewChange> marks;
    for (const qint64 sample : kExcluded)
        marks.append({sample, ReviewStatus::None, ReviewStatus::Excluded});
    QCOMPARE(ReviewRepository(*project).mark(marks, QStringLiteral("test")).size(), 3);
    // A second run with the same predictions, for the comparison.
    importAndAnalyseRun(*project, data, QStringLiteral("again"), true, progress);
    const SampleTable table = loadSampleTable(*project);
    m_counts = SampleCounts::of(
        table, AnalysisResults::load(*project, table.runId, table.size()).get<LabelIssueResults>().isIssue);
}

void TestSampleCounts::coreCountsAreTheDefinition()
{
    const Expected e = expected();
    QCOMPARE(m_counts.samples, e.samples);
    QCOMPARE(m_counts.unlabeled, e.unlabeled);
    QCOMPARE(m_counts.excluded, e.excluded);
    QCOMPARE(m_counts.evaluated, e.evaluated);
    QCOMPARE(m_counts.errors, e.errors);
    QVERIFY(m_counts.flagged >= 0);
}

void TestSampleCounts::sqlTwinAgrees()
{
    auto project = Project::open(m_project, Project::Access::ReadOnly);
    SqliteDatabase &db = project->database();
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE is_error = 1")),
             m_counts.errors);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE is_error IS NOT NULL")),
             m_counts.evaluated);
    const QString count = runCli(
        {QStringLiteral("query"), m_project, QStringLiteral("WHERE is_error"), QStringLiteral("--count")});
    QCOMPARE(count.trimmed().toLongLong(), m_counts.errors);
}

void TestSampleCounts::statusBarAndGridAgree()
{
    MainWindow window;
    window.openProject(m_project);
    QVERIFY(window.waitForOpen());
    const QString status = window.findChild<QLabel *>(QStringLiteral("statusCounts"))->text();
    QVERIFY2(status.contains(
                 QStringLiteral("%1 errors in %2 evaluated").arg(m_counts.errors).arg(m_counts.evaluated)),
             qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("%1 excluded").arg(m_counts.excluded)), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("%1 unlabeled").arg(m_counts.unlabeled)), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("%1 likely label errors").arg(m_counts.flagged)),
             qPrintable(status));

    SampleGridModel *grid = window.gridModel();
    qint64 errorTiles = 0;
    for (int row = 0; row < grid->rowCount(); ++row)
        errorTiles += grid->index(row).data(SampleGridModel::IsErrorRole).toBool();
    QCOMPARE(errorTiles, m_counts.errors);
    SampleFilter errors;
    errors.kind = SampleFilter::Kind::Errors;
    errors.description = QStringLiteral("errors");
    window.session().setFilter(errors);
    QCOMPARE(qint64(grid->rowCount()), m_counts.errors);
    SampleFilter flagged;
    flagged.kind = SampleFilter::Kind::LabelIssues;
    flagged.description = QStringLiteral("likely label errors");
    window.session().setFilter(flagged);
    QCOMPARE(qint64(grid->rowCount()), m_counts.flagged);
}

void TestSampleCounts::reportsAgree()
{
    auto project = Project::open(m_project, Project::Access::ReadOnly);
    const SampleTable table = loadSampleTable(*project);
    const ClassificationReport report = ClassificationReport::compute(table);
    QCOMPARE(report.samples, m_counts.evaluated);
    qint64 right = 0, inMatrix = 0;
    for (size_t i = 0; i < report.confusion.size(); ++i) {
        for (size_t j = 0; j < report.confusion[i].size(); ++j) {
            inMatrix += report.confusion[i][j];
            right += i == j ? report.confusion[i][j] : 0;
        }
    }
    QCOMPARE(inMatrix, m_counts.evaluated);
    QCOMPARE(inMatrix - right, m_counts.errors);

    const QJsonObject json =
        QJsonDocument::fromJson(
            runCli({QStringLiteral("report"), m_project, QStringLiteral("--json")}).toUtf8())
            .object();
    const QJsonObject counts = json.value(QStringLiteral("counts")).toObject();
    QCOMPARE(counts.value(QStringLiteral("samples")).toInteger(), m_counts.samples);
    QCOMPARE(counts.value(QStringLiteral("unlabeled")).toInteger(), m_counts.unlabeled);
    QCOMPARE(counts.value(QStringLiteral("excluded")).toInteger(), m_counts.excluded);
    QCOMPARE(counts.value(QStringLiteral("evaluated")).toInteger(), m_counts.evaluated);
    QCOMPARE(counts.value(QStringLiteral("errors")).toInteger(), m_counts.errors);
    QCOMPARE(counts.value(QStringLiteral("flagged")).toInteger(), m_counts.flagged);
    QCOMPARE(json.value(QStringLiteral("evaluated_samples")).toInteger(), m_counts.evaluated);

    Progress progress;
    const QString html = HtmlReport(*project).render(progress);
    QCOMPARE(card(html, QStringLiteral("samples")), m_counts.samples);
    QCOMPARE(card(html, QStringLiteral("unlabeled")), m_counts.unlabeled);
    QCOMPARE(card(html, QStringLiteral("excluded")), m_counts.excluded);
    QCOMPARE(card(html, QStringLiteral("evaluated")), m_counts.evaluated);
    QCOMPARE(card(html, QStringLiteral("errors")), m_counts.errors);
    QCOMPARE(card(html, QStringLiteral("likely label errors")), m_counts.flagged);
}

void TestSampleCounts::comparisonAndExportsAgree()
{
    auto project = Project::open(m_project, Project::Access::ReadOnly);
    const QList<RunInfo> runs = project->runs();
    QCOMPARE(runs.size(), 2);
    const RunComparison comparison = RunComparison::compute(*project, runs.at(0).id, runs.at(1).id);
    QCOMPARE(comparison.reportBefore.samples, m_counts.evaluated);
    QCOMPARE(qint64(std::llround(comparison.reportBefore.samples * (1.0 - comparison.reportBefore.accuracy))),
             m_counts.errors);

    const SampleTable table = loadSampleTable(*project);
    const QString fallback = m_dir.filePath(QStringLiteral("loss-suspects.csv"));
    exportSuspects(table, lossBasedSuspects(table), fallback); // before any analysis: flagged = errors
    const QString analysed = m_dir.filePath(QStringLiteral("suspects.csv"));
    exportSuspects(table, suspectScores(table, AnalysisResults::load(*project, table.runId, table.size())),
                   analysed);
    const auto countColumn = [](const QString &path, const QString &column, const QString &value) {
        CsvReader reader(path);
        std::vector<QString> row;
        reader.readRecord(row);
        const auto index = size_t(std::find(row.begin(), row.end(), column) - row.begin());
        qint64 count = 0;
        while (reader.readRecord(row))
            count += index < row.size() && row[index] == value;
        return count;
    };
    QCOMPARE(countColumn(fallback, QStringLiteral("is_issue"), QStringLiteral("1")), m_counts.errors);
    QCOMPARE(countColumn(analysed, QStringLiteral("is_issue"), QStringLiteral("1")), m_counts.flagged);
    const QString labels = m_dir.filePath(QStringLiteral("labels.csv"));
    exportLabels(table, labels);
    QCOMPARE(countColumn(labels, QStringLiteral("review"), QStringLiteral("excluded")), m_counts.excluded);
}

QTEST_MAIN(TestSampleCounts)
#include "tst_samplecounts.moc"
