// loupe-cli as a script sees it: exit codes, messages, files.

#include "fixturedataset.h"
#include "formats/npyfile.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

Result runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(LOUPE_CLI_PATH), arguments);
    process.waitForFinished(120000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void versionAndHelp();
    void importReportsBadInputAndWritesNothing();
    void importRefusesToOverwrite();
    void reportJson();
    void relabelThenExportLabels();
    void relabelErrors();
    void exportSuspects();
    void reportOnNonProjectFails();
    void importAnalysesAndReportJsonHasResults();
    void queryIsReadOnly();
    void similarAndDuplicates();
    void benchTimesStepsAndLeavesProjectAlone();
    void relabelCsvIsOneTransaction();
    void importRunThenCompare();
    void detectionImportReportFixAndExport();

private:
    QTemporaryDir m_dir;
    QString m_project;
};

void TestCli::initTestCase()
{
    test::writeFixtureFolder(m_dir.filePath(QStringLiteral("data")), test::smallFixtureClasses(),
                             test::smallFixture());
    m_project = m_dir.filePath(QStringLiteral("p.loupe"));
    const Result r = runCli(
        {QStringLiteral("import"), m_dir.filePath(QStringLiteral("data")), QStringLiteral("-o"), m_project});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("Imported 6 samples (1 unlabeled), 3 classes")));
}

void TestCli::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no command") << QStringList();
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
    QTest::newRow("import without -o") << QStringList{QStringLiteral("import"), QStringLiteral("x")};
    QTest::newRow("report without project") << QStringList{QStringLiteral("report")};
    QTest::newRow("unknown option") << QStringList{QStringLiteral("report"), QStringLiteral("p"),
                                                   QStringLiteral("--nope")};
    QTest::newRow("export without what") << QStringList{QStringLiteral("export"), QStringLiteral("p")};
    QTest::newRow("relabel missing class")
        << QStringList{QStringLiteral("relabel"), QStringLiteral("p"), QStringLiteral("a")};
}

void TestCli::usageErrorsExitTwo()
{
    QFETCH(QStringList, arguments);
    const Result r = runCli(arguments);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(!r.err.isEmpty());
}

void TestCli::versionAndHelp()
{
    Result r = runCli({QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith(QStringLiteral("loupe-cli ")));
    r = runCli({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(QStringLiteral("relabel PROJECT ID CLASS")));
    r = runCli({QStringLiteral("import"), QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains(QStringLiteral("--force")));
}

void TestCli::importReportsBadInputAndWritesNothing()
{
    const QString data = m_dir.filePath(QStringLiteral("bad"));
    test::writeFixtureFolder(data, test::smallFixtureClasses(), test::smallFixture());
    QFile csv(QDir(data).filePath(QStringLiteral("samples.csv")));
    QVERIFY(csv.open(QIODevice::Append));
    csv.write("g,images/a.png,wolf,train,1\n");
    csv.close();
    const QString out = m_dir.filePath(QStringLiteral("bad.loupe"));
    const Result r = runCli({QStringLiteral("import"), data, QStringLiteral("-o"), out});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("samples.csv:8: unknown class \"wolf\"")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("samples.csv:8: has 5 fields")) == false, qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(out));
    QCOMPARE(
        QDir(m_dir.path()).entryList({QStringLiteral(".*importing*")}, QDir::Hidden | QDir::Files).size(), 0);
}

void TestCli::importRefusesToOverwrite()
{
    const Result r = runCli(
        {QStringLiteral("import"), m_dir.filePath(QStringLiteral("data")), QStringLiteral("-o"), m_project});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("already exists")));
}

void TestCli::reportJson()
{
    const Result r = runCli({QStringLiteral("report"), m_project, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("samples")).toInt(), 6);
    QCOMPARE(json.value(QStringLiteral("classes")).toArray().size(), 3);
    QCOMPARE(json.value(QStringLiteral("accuracy")).toDouble(), 0.6);
    QVERIFY(std::abs(json.value(QStringLiteral("macro_f1")).toDouble() - 0.6111) < 1e-3);
    QVERIFY(std::abs(json.value(QStringLiteral("weighted_f1")).toDouble() - 0.6) < 1e-3);
    QCOMPARE(json.value(QStringLiteral("per_class"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("name"))
                 .toString(),
             QStringLiteral("cat"));
    QCOMPARE(json.value(QStringLiteral("confusion")).toArray().at(0).toArray().at(1).toInt(), 1);
    QCOMPARE(json.value(QStringLiteral("splits")).toArray().size(), 2);
    const Result text = runCli({QStringLiteral("report"), m_project});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains(QStringLiteral("accuracy 60.00%")));
}

void TestCli::relabelThenExportLabels()
{
    Result r = runCli({QStringLiteral("relabel"), m_project, QStringLiteral("b"), QStringLiteral("dog"),
                       QStringLiteral("--note"), QStringLiteral("checked")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.err.contains(QStringLiteral("b: cat -> dog")));
    const QString labels = m_dir.filePath(QStringLiteral("labels.csv"));
    r = runCli({QStringLiteral("export"), m_project, QStringLiteral("--labels"), labels});
    QCOMPARE(r.exitCode, 0);
    QFile file(labels);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.startsWith("id,image,label,original_label,edited,review\n"));
    QVERIFY(text.contains("b,images/b.png,dog,cat,1,\n"));
    const QString tree = m_dir.filePath(QStringLiteral("tree"));
    r = runCli({QStringLiteral("export"), m_project, QStringLiteral("--class-folders"), tree,
                QStringLiteral("--symlink")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("Wrote 5 images")), qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("left out 1 unlabeled")));
    QVERIFY(QFileInfo(QDir(tree).filePath(QStringLiteral("train/dog/b.png"))).isSymLink());
    // A second export into the now non-empty folder is refused.
    r = runCli({QStringLiteral("export"), m_project, QStringLiteral("--class-folders"), tree});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("not empty")));
    r = runCli({QStringLiteral("relabel"), m_project, QStringLiteral("b"), QStringLiteral("cat")});
    QCOMPARE(r.exitCode, 0);
}

void TestCli::relabelErrors()
{
    Result r = runCli({QStringLiteral("relabel"), m_project, QStringLiteral("zzz"), QStringLiteral("dog")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("no sample has id \"zzz\"")));
    r = runCli({QStringLiteral("relabel"), m_project, QStringLiteral("a"), QStringLiteral("wolf")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("unknown class \"wolf\"; the classes are: cat, dog, fox")));
}

void TestCli::exportSuspects()
{
    const QString out = m_dir.filePath(QStringLiteral("suspects.csv"));
    const Result r = runCli({QStringLiteral("export"), m_project, QStringLiteral("--suspects"), out});
    QCOMPARE(r.exitCode, 0);
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.first(),
             QByteArray("id,image,label,predicted,confidence,loss,issue_score,is_issue,suggested_label"));
    QVERIFY(lines.at(1).startsWith("b,images/b.png,cat,dog,0.7,"));
}

void TestCli::reportOnNonProjectFails()
{
    const Result r = runCli({QStringLiteral("report"), m_dir.filePath(QStringLiteral("data/samples.csv"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("samples.csv: not a Loupe project")));
}

void TestCli::importAnalysesAndReportJsonHasResults()
{
    const Result r = runCli({QStringLiteral("report"), m_project, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
    for (const char *key : {"label_issues", "clusters", "slices", "diagnosis", "duplicates"})
        QVERIFY2(json.contains(QLatin1String(key)), key);
    QVERIFY(json.value(QStringLiteral("label_issues")).toObject().contains(QStringLiteral("flagged")));
    QVERIFY(!json.value(QStringLiteral("slices")).toArray().isEmpty());
    QVERIFY(!json.value(QStringLiteral("diagnosis"))
                 .toObject()
                 .value(QStringLiteral("sentence"))
                 .toString()
                 .isEmpty());
}

void TestCli::queryIsReadOnly()
{
    QFile file(m_project);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();
    Result r = runCli({QStringLiteral("query"), m_project, QStringLiteral("WHERE label = 'dog'"),
                       QStringLiteral("--count")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("2"));
    for (const QString &attack :
         {QStringLiteral("1=1; DELETE FROM samples"), QStringLiteral("1) OR (1=1; DROP TABLE samples"),
          QStringLiteral("load_extension('x')")}) {
        r = runCli({QStringLiteral("query"), m_project, attack});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(!r.err.isEmpty(), qPrintable(attack));
    }
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
}

void TestCli::similarAndDuplicates()
{
    // The fixture has no embeddings: a clear refusal, not a crash.
    Result r = runCli({QStringLiteral("similar"), m_project, QStringLiteral("--id"), QStringLiteral("a")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("no embeddings")));
    r = runCli({QStringLiteral("similar"), m_project});
    QCOMPARE(r.exitCode, 2);
    // The fixture's "images" are not images: every one is reported as broken.
    r = runCli({QStringLiteral("duplicates"), m_project});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.count(QStringLiteral("broken,")), 6);
}

void TestCli::benchTimesStepsAndLeavesProjectAlone()
{
    QFile file(m_project);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();

    Result r = runCli({QStringLiteral("bench"), m_project, QStringLiteral("--runs"), QStringLiteral("2"),
                       QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray rows = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QStringList steps;
    for (const QJsonValue &row : rows) {
        steps << row[QStringLiteral("step")].toString();
        QCOMPARE(row[QStringLiteral("runs")].toInt(), 2);
        QVERIFY(row[QStringLiteral("median_s")].toDouble() >= 0.0);
        QVERIFY(row[QStringLiteral("peak_rss_mib")].toDouble() > 0.0);
    }
    QVERIFY2(steps.contains(QStringLiteral("open + basics (scores, report)")), qPrintable(r.out));
    QVERIFY(steps.contains(QStringLiteral("analyze: label_issues")));
    QVERIFY(steps.contains(QStringLiteral("analyze: sum of the steps timed alone")));
    // The whole analysis is timed end to end, not summed from the steps.
    QVERIFY(steps.contains(QStringLiteral("whole analysis (open, load, every step, commit)")));

    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
    file.close();

    // With --import: the import alone, and followed by the whole analysis as `import` runs it.
    r = runCli({QStringLiteral("bench"), m_project, QStringLiteral("--runs"), QStringLiteral("1"),
                QStringLiteral("--import"), m_dir.filePath(QStringLiteral("data")),
                QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    steps.clear();
    for (const QJsonValue &row : QJsonDocument::fromJson(r.out.toUtf8()).array())
        steps << row[QStringLiteral("step")].toString();
    QVERIFY2(steps.contains(QStringLiteral("import")), qPrintable(r.out));
    QVERIFY(steps.contains(QStringLiteral("import + whole analysis")));

    r = runCli({QStringLiteral("bench"), m_project, QStringLiteral("--runs"), QStringLiteral("0")});
    QCOMPARE(r.exitCode, 2);
    r = runCli({QStringLiteral("bench"), m_dir.filePath(QStringLiteral("missing.loupe"))});
    QCOMPARE(r.exitCode, 1);
}

void TestCli::relabelCsvIsOneTransaction()
{
    const QString project = m_dir.filePath(QStringLiteral("csv.loupe"));
    QVERIFY(QFile::copy(m_project, project));
    const QString csv = m_dir.filePath(QStringLiteral("fix.csv"));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("label,id\ndog,a\nfox,f\nwolf,c\nfox,zz\n");
    file.close();
    Result r = runCli({QStringLiteral("relabel-csv"), project, csv});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("fix.csv:4: unknown class \"wolf\"")), qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("fix.csv:5: no sample has id \"zz\"")));
    r = runCli({QStringLiteral("export"), project, QStringLiteral("--labels"),
                m_dir.filePath(QStringLiteral("l.csv"))});
    QFile labels(m_dir.filePath(QStringLiteral("l.csv")));
    QVERIFY(labels.open(QIODevice::ReadOnly));
    QVERIFY(labels.readAll().contains("a,images/a.png,cat,cat,0,")); // nothing applied

    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("label,id\ndog,a\nfox,f\ncat,b\n");
    file.close();
    r = runCli(
        {QStringLiteral("relabel-csv"), project, csv, QStringLiteral("--note"), QStringLiteral("reviewed")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("Relabelled 2 samples (1 already had the label)")),
             qPrintable(r.err));
}

void TestCli::importRunThenCompare()
{
    const QString project = m_dir.filePath(QStringLiteral("runs.loupe"));
    QVERIFY(QFile::copy(m_project, project));
    // A retrained model: b and d now right, a now wrong (see tests/core/tst_runcomparison.cpp).
    const QString run = m_dir.filePath(QStringLiteral("run2"));
    QVERIFY(QDir().mkpath(run));
    const std::vector<float> probabilities{0.2f, 0.7f, 0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.1f,
                                           0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.3f, 0.3f, 0.4f};
    writeNpy(QDir(run).filePath(QStringLiteral("predictions.npy")), probabilities.data(), 6, 3);
    Result r = runCli({QStringLiteral("import-run"), project, run, QStringLiteral("--name"),
                       QStringLiteral("retrained"), QStringLiteral("--no-analyze")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("Imported run \"retrained\" (id 2) for 6 samples")));
    r = runCli(
        {QStringLiteral("import-run"), project, run, QStringLiteral("--name"), QStringLiteral("retrained")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("already exists")));

    r = runCli({QStringLiteral("compare"), project, QStringLiteral("model"), QStringLiteral("retrained")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("accuracy 60.00% -> 80.00% (+20.00 pt)")), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("Fixed (wrong before, right after): 2  b, d")));
    r = runCli({QStringLiteral("compare"), project, QStringLiteral("1"), QStringLiteral("2"),
                QStringLiteral("--json")});
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("regressed")).toArray(), QJsonArray{QStringLiteral("a")});
    r = runCli({QStringLiteral("compare"), project, QStringLiteral("model"), QStringLiteral("nope")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("no run named \"nope\"")));
}

void TestCli::detectionImportReportFixAndExport()
{
    // A COCO folder: two images, a plane found, a car taken for a plane, a car box on nothing.
    const QDir folder(m_dir.filePath(QStringLiteral("coco")));
    QVERIFY(folder.mkpath(QStringLiteral("images")));
    for (const char *name : {"a.png", "b.png"}) {
        QFile image(folder.filePath(QStringLiteral("images/") + QLatin1String(name)));
        QVERIFY(image.open(QIODevice::WriteOnly));
        image.write("x");
    }
    const auto write = [&](const QString &name, const QByteArray &text) {
        QFile file(folder.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
    };
    write(QStringLiteral("annotations.json"),
          R"({"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48},
                         {"id": 2, "file_name": "b.png", "width": 64, "height": 48}],
              "categories": [{"id": 1, "name": "plane"}, {"id": 2, "name": "car"}],
              "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20]},
                              {"id": 2, "image_id": 1, "category_id": 2, "bbox": [30, 10, 20, 20]}]})");
    write(QStringLiteral("predictions.json"),
          R"([{"image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20], "score": 0.9},
              {"image_id": 1, "category_id": 1, "bbox": [30, 10, 20, 20], "score": 0.8},
              {"image_id": 2, "category_id": 2, "bbox": [10, 10, 20, 20], "score": 0.7}])");
    const QString project = m_dir.filePath(QStringLiteral("detection.loupe"));
    Result r = runCli({QStringLiteral("import"), folder.path(), QStringLiteral("-o"), project});
    QCOMPARE(r.exitCode, 0);
    const QString said = r.out + r.err;
    QVERIFY2(said.contains(QStringLiteral("2 images, 2 annotated boxes, 3 predicted boxes")),
             qPrintable(said));

    r = runCli({QStringLiteral("report"), project, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("task")).toString(), QStringLiteral("detection"));
    QCOMPARE(json.value(QStringLiteral("map")).toDouble(), 0.5); // plane found (AP 1), car never (AP 0)
    QCOMPARE(
        json.value(QStringLiteral("box_errors")).toObject().value(QStringLiteral("classification")).toInt(),
        1);
    QVERIFY(runCli({QStringLiteral("report"), project, QStringLiteral("--html"),
                    m_dir.filePath(QStringLiteral("r.html"))})
                .err.contains(QStringLiteral("covers classification projects")));
    // `analyze` is classification's: a detection project gets a message, not a crash in a step.
    r = runCli({QStringLiteral("analyze"), project});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(QStringLiteral("a detection project is analysed by `loupe-cli report`")),
             qPrintable(r.err));
    // The report also says where objects are missed; the YOLO export reads the boxes as they are.
    QVERIFY(json.contains(QStringLiteral("missed_object_slices")));
    QVERIFY(json.contains(QStringLiteral("missed_object_clusters")));
    const QString yolo = m_dir.filePath(QStringLiteral("yolo"));
    r = runCli({QStringLiteral("export"), project, QStringLiteral("--yolo"), yolo});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("wrote 2 boxes of 2 images")), qPrintable(r.out + r.err));
    QVERIFY(QFile::exists(yolo + QStringLiteral("/classes.txt")));

    const QString suspects = m_dir.filePath(QStringLiteral("box-suspects.csv"));
    QCOMPARE(runCli({QStringLiteral("export"), project, QStringLiteral("--suspects"), suspects}).exitCode, 0);
    r = runCli({QStringLiteral("edit-boxes"), project, QStringLiteral("--suggestions"), suspects,
                QStringLiteral("--issues"), QStringLiteral("wrong_class,overlooked"),
                QStringLiteral("--min-score"), QStringLiteral("0.5")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("Applied 2 fixes: 1 relabelled, 0 moved, 0 deleted, 1 added")),
             qPrintable(r.err));
    r = runCli({QStringLiteral("report"), project, QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("map")).toDouble(), 1.0);

    const QString coco = m_dir.filePath(QStringLiteral("fixed.json"));
    const QString edits = m_dir.filePath(QStringLiteral("box-edits.csv"));
    QCOMPARE(runCli({QStringLiteral("export"), project, QStringLiteral("--coco"), coco,
                     QStringLiteral("--edits"), edits})
                 .exitCode,
             0);
    QFile cocoFile(coco);
    QVERIFY(cocoFile.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(cocoFile.readAll())
                 .object()
                 .value(QStringLiteral("annotations"))
                 .toArray()
                 .size(),
             3);
    QFile editLog(edits);
    QVERIFY(editLog.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(editLog.readAll()).count(QLatin1Char('\n')), 3); // header and two edits

    QCOMPARE(runCli({QStringLiteral("edit-boxes"), project, QStringLiteral("--undo"), QStringLiteral("2")})
                 .exitCode,
             0);
    r = runCli({QStringLiteral("report"), project, QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("map")).toDouble(), 0.5);
    QCOMPARE(runCli({QStringLiteral("edit-boxes"), project, QStringLiteral("--undo"), QStringLiteral("9")})
                 .exitCode,
             2);
    // A second model that finds the car: one object fixed, none regressed.
    const QDir second(m_dir.filePath(QStringLiteral("retrained")));
    QVERIFY(second.mkpath(QStringLiteral(".")));
    QFile results(second.filePath(QStringLiteral("predictions.json")));
    QVERIFY(results.open(QIODevice::WriteOnly));
    results.write(R"([{"image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20], "score": 0.9},
                      {"image_id": 1, "category_id": 2, "bbox": [30, 10, 20, 20], "score": 0.8}])");
    results.close();
    QCOMPARE(runCli({QStringLiteral("import-run"), project, second.path(), QStringLiteral("--name"),
                     QStringLiteral("retrained")})
                 .exitCode,
             0);
    r = runCli({QStringLiteral("compare"), project, QStringLiteral("model"), QStringLiteral("retrained"),
                QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject comparison = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(comparison.value(QStringLiteral("map_before")).toDouble(), 0.5);
    QCOMPARE(comparison.value(QStringLiteral("map_after")).toDouble(), 1.0);
    QCOMPARE(comparison.value(QStringLiteral("fixed_boxes")).toArray(), QJsonArray{2});
    QVERIFY(comparison.value(QStringLiteral("regressed_boxes")).toArray().isEmpty());
    // The same name again is refused, the project unchanged.
    r = runCli({QStringLiteral("import-run"), project, second.path(), QStringLiteral("--name"),
                QStringLiteral("retrained")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("a run named \"retrained\" exists already")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
