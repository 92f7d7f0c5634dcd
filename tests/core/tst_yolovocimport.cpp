// YOLO and Pascal VOC folders into detection projects: boxes denormalised from YOLO's
// centre form with the image size read from its header, predictions with confidences, VOC's
// 1-based inclusive corners and difficult objects kept as crowd regions; and bad folders (an
// unknown class, a value outside [0, 1], a short line, xmax below xmin, a box past the image,
// a class missing from classes.txt) refused with the file and line, nothing written.

#include "common/progress.h"
#include "errorof.h"
#include "export/yoloexport.h"
#include "import/datasetimport.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

using namespace loupe;
using loupe::test::errorOf;

namespace {

/** The first bytes of a PNG: enough for its size to be read from the header. */
QByteArray pngHeader(quint32 width, quint32 height)
{
    QByteArray bytes("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    char size[8];
    qToBigEndian(width, size);
    qToBigEndian(height, size + 4);
    return bytes + QByteArray(size, 8) + QByteArray("\x08\x00\x00\x00\x00", 5);
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TestYoloVocImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void yoloFolder();
    void yoloClassesFromDataYaml();
    void yoloExportReadsBack();
    void refusesBadYolo_data();
    void refusesBadYolo();
    void vocFolder();
    void refusesBadVoc_data();
    void refusesBadVoc();

private:
    QString path(const QString &relative) const { return m_dir->filePath(relative); }
    void writeYolo(const QByteArray &labels, const QByteArray &predictions);
    void writeVoc(const QByteArray &objects, const QByteArray &classes);
    QString importError();

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestYoloVocImport::writeYolo(const QByteArray &labels, const QByteArray &predictions)
{
    writeFile(path(QStringLiteral("y/images/a.png")), pngHeader(200, 100));
    writeFile(path(QStringLiteral("y/images/sub/b.png")), pngHeader(50, 50));
    writeFile(path(QStringLiteral("y/classes.txt")), "person\ncar\n");
    writeFile(path(QStringLiteral("y/labels/a.txt")), labels);
    // b has no label file: an image without objects.
    if (!predictions.isEmpty())
        writeFile(path(QStringLiteral("y/predictions/a.txt")), predictions);
}

QString TestYoloVocImport::importError()
{
    Progress progress;
    const QString folder =
        QFileInfo::exists(path(QStringLiteral("y"))) ? path(QStringLiteral("y")) : path(QStringLiteral("v"));
    const QString message =
        errorOf([&] { importDataset(folder, path(QStringLiteral("p.loupe")), {}, progress); });
    if (QFile::exists(path(QStringLiteral("p.loupe"))))
        return QStringLiteral("a project was written");
    return message;
}

void TestYoloVocImport::yoloFolder()
{
    writeYolo("0 0.5 0.5 0.2 0.4\n1 0.1 0.2 0.1 0.2\n", "0 0.5 0.5 0.2 0.4 0.9\n1 0.9 0.9 0.1 0.1 0.3\n");
    QCOMPARE(detectDatasetFormat(path(QStringLiteral("y"))), DatasetFormat::Yolo);
    Progress progress;
    const ImportSummary summary =
        importDataset(path(QStringLiteral("y")), path(QStringLiteral("p.loupe")), {}, progress);
    QCOMPARE(summary.samples, qint64(2));
    QCOMPARE(summary.boxes, qint64(2));
    QCOMPARE(summary.predictedBoxes, qint64(2));
    auto project = Project::open(path(QStringLiteral("p.loupe")), Project::Access::ReadOnly);
    // Written without SQLite's foreign-key checks (ProjectWriter): every reference must hold.
    QCOMPARE(project->database().queryInt(QStringLiteral("SELECT count(*) FROM pragma_foreign_key_check")),
             0);
    QCOMPARE(project->classNames(), (QStringList{QStringLiteral("person"), QStringLiteral("car")}));
    QCOMPARE(project->info(QStringLiteral("source_format")), QStringLiteral("yolo"));
    const DetectionStore store(project->database());
    const std::vector<Annotation> boxes = store.annotations();
    // 0.5 0.5 0.2 0.4 of 200 x 100: centre (100, 50), 40 x 40.
    QCOMPARE(boxes[0].box.x, 80.0);
    QCOMPARE(boxes[0].box.y, 30.0);
    QCOMPARE(boxes[0].box.width, 40.0);
    QCOMPARE(boxes[0].box.height, 40.0);
    QCOMPARE(boxes[1].category, 1);
    const std::vector<Detection> predicted = store.predictions(project->latestRunId());
    QCOMPARE(predicted[0].score, 0.9);
    QCOMPARE(predicted[1].box.x, 170.0);
    QCOMPARE(
        project->database().queryText(QStringLiteral("SELECT image FROM samples WHERE sample_index = 1")),
        QStringLiteral("sub/b.png"));
    QCOMPARE(
        project->database().queryInt(QStringLiteral("SELECT width FROM image_sizes WHERE sample_index = 1")),
        qint64(50));
}

void TestYoloVocImport::yoloClassesFromDataYaml()
{
    writeYolo("1 0.5 0.5 0.2 0.4\n", {});
    QFile::remove(path(QStringLiteral("y/classes.txt")));
    writeFile(path(QStringLiteral("y/data.yaml")),
              "path: .\ntrain: images\nnames:\n  0: person\n  1: 'car'\nnc: 2\n");
    Progress progress;
    importDataset(path(QStringLiteral("y")), path(QStringLiteral("p.loupe")), {}, progress);
    auto project = Project::open(path(QStringLiteral("p.loupe")), Project::Access::ReadOnly);
    QCOMPARE(project->classNames(), (QStringList{QStringLiteral("person"), QStringLiteral("car")}));
    QCOMPARE(project->latestRunId(), -1); // no predictions/ folder: no run
}

void TestYoloVocImport::yoloExportReadsBack()
{
    writeYolo("0 0.5 0.5 0.2 0.4\n1 0.1 0.2 0.1 0.2\n", {});
    Progress progress;
    importDataset(path(QStringLiteral("y")), path(QStringLiteral("p.loupe")), {}, progress);
    auto project = Project::open(path(QStringLiteral("p.loupe")), Project::Access::ReadOnly);
    const QString out = path(QStringLiteral("out"));
    const YoloExportSummary summary = exportYolo(*project, out, ClassFolderMode::Copy, progress);
    QCOMPARE(summary.images, qint64(2));
    QCOMPARE(summary.boxes, qint64(2));
    QFile labels(out + QStringLiteral("/labels/a.txt"));
    QVERIFY(labels.open(QIODevice::ReadOnly));
    QCOMPARE(labels.readAll(), QByteArray("0 0.500000 0.500000 0.200000 0.400000\n"
                                          "1 0.100000 0.200000 0.100000 0.200000\n"));
    // An image without boxes gets an empty label file at its own relative path; images are copied.
    QCOMPARE(QFileInfo(out + QStringLiteral("/labels/sub/b.txt")).size(), qint64(0));
    QVERIFY(QFileInfo(out + QStringLiteral("/images/sub/b.png")).isFile());

    // The exported folder reads back, from data.yaml alone too, with the same boxes.
    QFile::remove(out + QStringLiteral("/classes.txt"));
    importDataset(out, path(QStringLiteral("back.loupe")), {}, progress);
    auto back = Project::open(path(QStringLiteral("back.loupe")), Project::Access::ReadOnly);
    QCOMPARE(back->classNames(), project->classNames());
    const std::vector<Annotation> before = DetectionStore(project->database()).annotations();
    const std::vector<Annotation> after = DetectionStore(back->database()).annotations();
    QCOMPARE(after.size(), before.size());
    for (size_t k = 0; k < before.size(); ++k) {
        QCOMPARE(after[k].category, before[k].category);
        QVERIFY(std::abs(after[k].box.x - before[k].box.x) < 1e-3);
        QVERIFY(std::abs(after[k].box.height - before[k].box.height) < 1e-3);
    }

    // A folder that is not empty is refused, and nothing is left beside it.
    QVERIFY(errorOf([&] {
                exportYolo(*project, out, ClassFolderMode::Copy, progress);
            }).contains(QStringLiteral("is not empty")));
    QCOMPARE(
        QDir(m_dir->path()).entryList({QStringLiteral(".out.partial*")}, QDir::AllEntries | QDir::Hidden),
        QStringList());
    // Links instead of copies, for a folder to train from in place.
    exportYolo(*project, path(QStringLiteral("linked")), ClassFolderMode::Symlink, progress);
    QVERIFY(QFileInfo(path(QStringLiteral("linked/images/a.png"))).isSymLink());
}

void TestYoloVocImport::refusesBadYolo_data()
{
    QTest::addColumn<QByteArray>("labels");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown class") << QByteArray("0 0.5 0.5 0.2 0.2\n7 0.5 0.5 0.2 0.2\n")
                                   << QStringLiteral("labels/a.txt:2: class 7 is not one of the 2 classes");
    QTest::newRow("outside [0, 1]") << QByteArray("0 1.5 0.5 0.2 0.2\n")
                                    << QStringLiteral("labels/a.txt:1: \"1.5\" is not a number in [0, 1]");
    QTest::newRow("short line") << QByteArray("0 0.5 0.5 0.2\n")
                                << QStringLiteral(
                                       "labels/a.txt:1: expected 5 numbers (class cx cy w h), found 4");
    QTest::newRow("past the edge") << QByteArray("0 0.05 0.5 0.2 0.2\n")
                                   << QStringLiteral(
                                          "labels: a.png: the box [-10, 40, 40, 20] starts outside");
    QTest::newRow("no area") << QByteArray("0 0.5 0.5 0 0.2\n") << QStringLiteral("the box has no area");
}

void TestYoloVocImport::refusesBadYolo()
{
    QFETCH(QByteArray, labels);
    QFETCH(QString, expected);
    writeYolo(labels, {});
    const QString message = importError();
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestYoloVocImport::writeVoc(const QByteArray &objects, const QByteArray &classes)
{
    writeFile(path(QStringLiteral("v/JPEGImages/0001.jpg")), "x");
    writeFile(path(QStringLiteral("v/Annotations/0001.xml")),
              "<annotation>\n  <folder>VOC</folder>\n  <filename>0001.jpg</filename>\n"
              "  <size><width>100</width><height>80</height><depth>3</depth></size>\n" +
                  objects + "</annotation>\n");
    if (!classes.isEmpty())
        writeFile(path(QStringLiteral("v/classes.txt")), classes);
}

void TestYoloVocImport::vocFolder()
{
    writeVoc("  <object><name>dog</name><difficult>0</difficult>\n"
             "    <bndbox><xmin>11</xmin><ymin>21</ymin><xmax>40</xmax><ymax>60</ymax></bndbox></object>\n"
             "  <object><name>cat</name><difficult>1</difficult>\n"
             "    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>10</xmax><ymax>10</ymax></bndbox></object>\n",
             {});
    QCOMPARE(detectDatasetFormat(path(QStringLiteral("v"))), DatasetFormat::Voc);
    Progress progress;
    importDataset(path(QStringLiteral("v")), path(QStringLiteral("p.loupe")), {}, progress);
    auto project = Project::open(path(QStringLiteral("p.loupe")), Project::Access::ReadOnly);
    QCOMPARE(project->classNames(), (QStringList{QStringLiteral("cat"), QStringLiteral("dog")})); // sorted
    const std::vector<Annotation> boxes = DetectionStore(project->database()).annotations();
    QCOMPARE(boxes[0].category, 1);
    QCOMPARE(boxes[0].box.x, 10.0); // 1-based, inclusive corners
    QCOMPARE(boxes[0].box.width, 30.0);
    QCOMPARE(boxes[0].box.height, 40.0);
    QVERIFY(!boxes[0].crowd);
    QVERIFY(boxes[1].crowd); // difficult: neither found nor missed
    QCOMPARE(QDir(project->datasetRoot()).dirName(), QStringLiteral("JPEGImages"));
}

void TestYoloVocImport::refusesBadVoc_data()
{
    QTest::addColumn<QByteArray>("objects");
    QTest::addColumn<QByteArray>("classes");
    QTest::addColumn<QString>("expected");
    const QByteArray box = "<bndbox><xmin>31</xmin><ymin>1</ymin><xmax>20</xmax><ymax>10</ymax></bndbox>";
    QTest::newRow("xmax below xmin") << QByteArray("<object><name>dog</name>" + box + "</object>\n")
                                     << QByteArray()
                                     << QStringLiteral(
                                            "Annotations/0001.xml:5: xmax 20 is less than xmin 31");
    QTest::newRow("not a number") << QByteArray(
                                         "<object><name>dog</name><bndbox><xmin>a</xmin></bndbox></object>\n")
                                  << QByteArray() << QStringLiteral("<xmin> \"a\" is not a number");
    QTest::newRow("past the image")
        << QByteArray("<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>150</xmax>"
                      "<ymax>10</ymax></bndbox></object>\n")
        << QByteArray() << QStringLiteral("reaches past the image's width 100");
    QTest::newRow("not in classes.txt")
        << QByteArray("<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax>"
                      "<ymax>5</ymax></bndbox></object>\n")
        << QByteArray("cat\n") << QStringLiteral("the class \"dog\" is not in classes.txt");
    QTest::newRow("malformed XML") << QByteArray("<object><name>dog</name>\n") << QByteArray()
                                   << QStringLiteral("Annotations/0001.xml:");
}

void TestYoloVocImport::refusesBadVoc()
{
    QFETCH(QByteArray, objects);
    QFETCH(QByteArray, classes);
    QFETCH(QString, expected);
    writeVoc(objects, classes);
    const QString message = importError();
    QVERIFY2(message.contains(expected), qPrintable(message));
}

QTEST_MAIN(TestYoloVocImport)
#include "tst_yolovocimport.moc"
