// CSV exports: suspects ranking and the labels file.

#include "common/error.h"
#include "dataset/sampletable.h"
#include "edits/labelrepository.h"
#include "edits/reviewrepository.h"
#include "edits/username.h"
#include "export/exports.h"
#include "fixturedataset.h"
#include "formats/csvreader.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

std::vector<std::vector<QString>> readCsv(const QString &path)
{
    CsvReader reader(path);
    std::vector<std::vector<QString>> rows;
    std::vector<QString> fields;
    while (reader.readRecord(fields))
        rows.push_back(fields);
    return rows;
}

} // namespace

class TestExports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void suspectsAreRankedByLoss();
    void labelsShowEdits();
    void suspectsNeedPredictions();
    void editLogListsLabelAndReviewEditsWithTheirUser();
    void sampleListHasAbsoluteImagePaths();
};

void TestExports::suspectsAreRankedByLoss()
{
    QTemporaryDir dir;
    auto project =
        Project::open(test::importFixture(dir.path(), test::smallFixtureClasses(), test::smallFixture()));
    const QString out = dir.filePath(QStringLiteral("suspects.csv"));
    const SampleTable table = loadSampleTable(*project);
    exportSuspects(table, lossBasedSuspects(table), out);
    const auto rows = readCsv(out);
    QCOMPARE(rows.size(), size_t(6)); // header + 5 labelled samples
    QCOMPARE(rows[0],
             (std::vector<QString>{QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("label"),
                                   QStringLiteral("predicted"), QStringLiteral("confidence"),
                                   QStringLiteral("loss"), QStringLiteral("issue_score"),
                                   QStringLiteral("is_issue"), QStringLiteral("suggested_label")}));
    // p(label): a 0.7, b 0.2, c 0.9, d 0.3, e 0.8 -> most suspicious first: b d a e c
    QStringList order;
    for (size_t i = 1; i < rows.size(); ++i)
        order << rows[i][0];
    QCOMPARE(order, (QStringList{QStringLiteral("b"), QStringLiteral("d"), QStringLiteral("a"),
                                 QStringLiteral("e"), QStringLiteral("c")}));
    QCOMPARE(rows[1][7], QStringLiteral("1"));
    QCOMPARE(rows[1][8], QStringLiteral("dog"));
    QCOMPARE(rows[1][6].toDouble(), 0.8);
    QCOMPARE(rows[3][7], QStringLiteral("0"));
    QCOMPARE(rows[3][8], QString());
    QVERIFY(!QFileInfo::exists(out + QStringLiteral(".part")));
}

void TestExports::labelsShowEdits()
{
    QTemporaryDir dir;
    auto project =
        Project::open(test::importFixture(dir.path(), test::smallFixtureClasses(), test::smallFixture()));
    LabelRepository(*project).relabel({1}, 1, {}, QStringLiteral("test"));
    ReviewRepository(*project).mark({{1, ReviewStatus::None, ReviewStatus::Reviewed}},
                                    QStringLiteral("test"));
    const QString out = dir.filePath(QStringLiteral("labels.csv"));
    exportLabels(loadSampleTable(*project), out);
    const auto rows = readCsv(out);
    QCOMPARE(rows.size(), size_t(7));
    QCOMPARE(rows[2],
             (std::vector<QString>{QStringLiteral("b"), QStringLiteral("images/b.png"), QStringLiteral("dog"),
                                   QStringLiteral("cat"), QStringLiteral("1"), QStringLiteral("reviewed")}));
    QCOMPARE(rows[6][2], QString());
    QCOMPARE(rows[6][4], QStringLiteral("0"));
    QCOMPARE(rows[6][5], QString());
}

void TestExports::suspectsNeedPredictions()
{
    QTemporaryDir dir;
    auto samples = test::smallFixture();
    for (auto &sample : samples)
        sample.probabilities.clear();
    auto project = Project::open(test::importFixture(dir.path(), test::smallFixtureClasses(), samples));
    const SampleTable table = loadSampleTable(*project);
    QVERIFY_THROWS_EXCEPTION(
        Error, exportSuspects(table, lossBasedSuspects(table), dir.filePath(QStringLiteral("s.csv"))));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("s.csv"))));
}

void TestExports::editLogListsLabelAndReviewEditsWithTheirUser()
{
    QTemporaryDir dir;
    auto project =
        Project::open(test::importFixture(dir.path(), test::smallFixtureClasses(), test::smallFixture()));
    LabelRepository labels(*project);
    labels.relabel({1}, 1, QStringLiteral("looks like a dog"), QStringLiteral("app"));
    ReviewRepository(*project).mark({{3, ReviewStatus::None, ReviewStatus::Ambiguous}},
                                    QStringLiteral("app"));
    labels.relabel({1}, 0, QStringLiteral("undo"), QStringLiteral("app-undo"));
    const QString out = dir.filePath(QStringLiteral("edits.csv"));
    exportEditLog(*project, out);
    const auto rows = readCsv(out);
    QCOMPARE(rows.size(), size_t(4));
    QCOMPARE(rows[0],
             (std::vector<QString>{QStringLiteral("time"), QStringLiteral("user"), QStringLiteral("source"),
                                   QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("old"),
                                   QStringLiteral("new"), QStringLiteral("note")}));
    QCOMPARE(rows[1][3], QStringLiteral("b"));
    QCOMPARE(rows[1][4], QStringLiteral("label"));
    QCOMPARE(rows[1][5], QStringLiteral("cat"));
    QCOMPARE(rows[1][6], QStringLiteral("dog"));
    QCOMPARE(rows[1][7], QStringLiteral("looks like a dog"));
    QVERIFY(!rows[1][1].isEmpty()); // who: the account running the test
    QCOMPARE(rows[1][1], currentUserName());
    // Oldest first, across both trails (same-millisecond edits keep their order within a trail).
    QVERIFY(rows[1][0] <= rows[2][0] && rows[2][0] <= rows[3][0]);
    const auto review = std::find_if(rows.begin(), rows.end(),
                                     [](const auto &row) { return row[4] == QStringLiteral("review"); });
    QVERIFY(review != rows.end());
    QCOMPARE((*review)[3], QStringLiteral("d"));
    QCOMPARE((*review)[5], QString());
    QCOMPARE((*review)[6], QStringLiteral("ambiguous"));
}

void TestExports::sampleListHasAbsoluteImagePaths()
{
    QTemporaryDir dir;
    auto project =
        Project::open(test::importFixture(dir.path(), test::smallFixtureClasses(), test::smallFixture()));
    const SampleTable table = loadSampleTable(*project);
    const QString out = dir.filePath(QStringLiteral("list.csv"));
    exportSampleList(table, project->datasetRoot(), {3, 1}, {}, out);
    const auto rows = readCsv(out);
    QCOMPARE(rows.size(), size_t(3));
    QCOMPARE(rows[1][0], QStringLiteral("d"));
    QCOMPARE(rows[1][1], QStringLiteral("images/d.png"));
    QCOMPARE(rows[1][2], QDir(project->datasetRoot()).absoluteFilePath(QStringLiteral("images/d.png")));
    QVERIFY(QFileInfo::exists(rows[1][2]));
    QCOMPARE(rows[2][3], QStringLiteral("cat"));
    QCOMPARE(rows[2][4], QStringLiteral("dog"));
    QCOMPARE(rows[2][7], QString()); // not analysed
}

QTEST_APPLESS_MAIN(TestExports)
#include "tst_exports.moc"
