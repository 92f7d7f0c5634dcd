// CSV exports: suspects ranking and the labels file.

#include "csvreader.h"
#include "error.h"
#include "exports.h"
#include "fixturedataset.h"
#include "labelrepository.h"
#include "project.h"
#include "reviewrepository.h"
#include "sampletable.h"

#include <QDir>
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
};

void TestExports::suspectsAreRankedByLoss()
{
    QTemporaryDir dir;
    auto project =
        Project::open(test::importFixture(dir.path(), test::smallFixtureClasses(), test::smallFixture()));
    const QString out = dir.filePath(QStringLiteral("suspects.csv"));
    const SampleTable table = SampleTable::load(*project);
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
    ReviewRepository(*project).apply({{1, ReviewStatus::None, ReviewStatus::Reviewed}},
                                     QStringLiteral("test"));
    const QString out = dir.filePath(QStringLiteral("labels.csv"));
    exportLabels(SampleTable::load(*project), out);
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
    const SampleTable table = SampleTable::load(*project);
    QVERIFY_THROWS_EXCEPTION(
        Error, exportSuspects(table, lossBasedSuspects(table), dir.filePath(QStringLiteral("s.csv"))));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("s.csv"))));
}

QTEST_APPLESS_MAIN(TestExports)
#include "tst_exports.moc"
