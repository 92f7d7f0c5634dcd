// A COCO folder into a detection project and back out as figures: images with metadata
// and splits, boxes, a run of predicted boxes with probabilities, the detection report's
// AP checked by hand, the suspected annotation errors exported with their fixes; and bad folders (a missing
// image, a path escaping the folder, a category name used twice, probabilities on some boxes only) refused
// with nothing written; box and image embeddings stored with the run, and bad ones (a row past the file, no
// file, the wrong number of images, a NaN) refused.

#include "common/error.h"
#include "errorof.h"
#include "common/progress.h"
#include "export/detectionexports.h"
#include "formats/npyfile.h"
#include "import/datasetimport.h"
#include "report/detectionreport.h"
#include "storage/arraystore.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using loupe::test::errorOf;

namespace {

QJsonObject instances()
{
    QJsonArray images;
    for (int i = 1; i <= 3; ++i)
        images.append(
            QJsonObject{{QStringLiteral("id"), i},
                        {QStringLiteral("file_name"), QStringLiteral("img%1.png").arg(i)},
                        {QStringLiteral("width"), 64},
                        {QStringLiteral("height"), 48},
                        {QStringLiteral("split"), i == 3 ? QStringLiteral("val") : QStringLiteral("train")},
                        {QStringLiteral("camera"), i < 3 ? QStringLiteral("A") : QStringLiteral("B")},
                        {QStringLiteral("exposure"), 0.5 * i}});
    const auto box = [](int id, int image, int category, QJsonArray bbox) {
        return QJsonObject{{QStringLiteral("id"), id},
                           {QStringLiteral("image_id"), image},
                           {QStringLiteral("category_id"), category},
                           {QStringLiteral("bbox"), bbox},
                           {QStringLiteral("iscrowd"), 0}};
    };
    return {
        {QStringLiteral("images"), images},
        {QStringLiteral("categories"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("name"), QStringLiteral("plane")}},
                    QJsonObject{{QStringLiteral("id"), 2}, {QStringLiteral("name"), QStringLiteral("car")}}}},
        {QStringLiteral("annotations"),
         QJsonArray{box(1, 1, 1, {2, 2, 20, 20}), box(2, 1, 2, {30, 10, 20, 20}),
                    box(3, 2, 1, {5, 5, 30, 30}), box(4, 3, 2, {10, 10, 10, 10})}}};
}

QJsonArray predictions()
{
    const auto result = [](int image, int category, QJsonArray bbox, double score, double plane) {
        return QJsonObject{{QStringLiteral("image_id"), image},
                           {QStringLiteral("category_id"), category},
                           {QStringLiteral("bbox"), bbox},
                           {QStringLiteral("score"), score},
                           {QStringLiteral("probabilities"), QJsonArray{plane, 1.0 - plane}}};
    };
    // Plane: found in image 1 (exact) and image 2 (IoU 0.933), one box on the car between them.
    // Car: one box on nothing in image 3; the car of image 1 is taken for a plane.
    return {result(1, 1, {2, 2, 20, 20}, 0.9, 0.9), result(1, 1, {30, 10, 20, 20}, 0.8, 0.6),
            result(2, 1, {5, 5, 30, 28}, 0.7, 0.7), result(3, 2, {40, 30, 10, 10}, 0.6, 0.2)};
}

void writeJson(const QString &path, const QJsonDocument &document)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(document.toJson());
}

} // namespace

class TestCocoImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void importsImagesBoxesAndRun();
    void reportsApByHand();
    void exportsAnnotationSuggestions();
    void refusesBadFolders_data();
    void refusesBadFolders();
    void storesBoxAndImageEmbeddings();
    void refusesBadEmbeddings_data();
    void refusesBadEmbeddings();

private:
    QString folder() const { return m_dir->filePath(QStringLiteral("coco")); }
    QString projectPath() const { return m_dir->filePath(QStringLiteral("coco.loupe")); }
    void writeFolder(const QJsonObject &annotations, const QJsonArray &results);
    ImportSummary import();

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCocoImporter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    writeFolder(instances(), predictions());
}

void TestCocoImporter::writeFolder(const QJsonObject &annotations, const QJsonArray &results)
{
    QDir(folder()).mkpath(QStringLiteral("images"));
    for (int i = 1; i <= 3; ++i) {
        QFile image(QDir(folder()).filePath(QStringLiteral("images/img%1.png").arg(i)));
        QVERIFY(image.open(QIODevice::WriteOnly));
        image.write("not decoded by the import");
    }
    writeJson(QDir(folder()).filePath(QStringLiteral("annotations.json")), QJsonDocument(annotations));
    writeJson(QDir(folder()).filePath(QStringLiteral("predictions.json")), QJsonDocument(results));
}

ImportSummary TestCocoImporter::import()
{
    Progress progress;
    return importDataset(folder(), projectPath(), {}, progress);
}

void TestCocoImporter::importsImagesBoxesAndRun()
{
    QCOMPARE(detectDatasetFormat(folder()), DatasetFormat::Coco);
    const ImportSummary summary = import();
    QCOMPARE(summary.task, ProjectTask::Detection);
    QCOMPARE(summary.samples, qint64(3));
    QCOMPARE(summary.boxes, qint64(4));
    QCOMPARE(summary.predictedBoxes, qint64(4));
    QCOMPARE(summary.metadata.size(), 2); // camera and exposure; split is the split

    auto project = Project::open(projectPath());
    // Written without SQLite's foreign-key checks (ProjectWriter): every reference must hold.
    QCOMPARE(project->database().queryInt(QStringLiteral("SELECT count(*) FROM pragma_foreign_key_check")),
             0);
    QCOMPARE(project->task(), ProjectTask::Detection);
    QCOMPARE(project->classNames(), (QStringList{QStringLiteral("plane"), QStringLiteral("car")}));
    QCOMPARE(QDir(project->datasetRoot()).dirName(), QStringLiteral("images"));
    SqliteDatabase &db = project->database();
    QCOMPARE(db.queryText(QStringLiteral("SELECT image FROM samples WHERE id = '2'")),
             QStringLiteral("img2.png"));
    QCOMPARE(db.queryText(QStringLiteral("SELECT split FROM samples WHERE id = '3'")), QStringLiteral("val"));
    QCOMPARE(db.queryText(QStringLiteral("SELECT camera FROM sample_view WHERE id = '3'")),
             QStringLiteral("B"));
    QCOMPARE(db.queryText(QStringLiteral("SELECT typeof(exposure) FROM sample_view WHERE id = '1'")),
             QStringLiteral("real"));

    const DetectionStore store(db);
    const std::vector<Annotation> boxes = store.annotations();
    QCOMPARE(boxes.size(), size_t(4));
    QCOMPARE(boxes[1].category, 1);
    QCOMPARE(boxes[1].box.x, 30.0);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT source_id FROM boxes WHERE box_id = 4")), qint64(4));
    const int run = project->latestRunId();
    const std::vector<Detection> predicted = store.predictions(run);
    QCOMPARE(predicted.size(), size_t(4));
    QCOMPARE(predicted[2].image, qint64(1));
    QCOMPARE(predicted[2].score, 0.7);
    const auto shape = ArrayStore(db).shape(run, QStringLiteral("box_probabilities"));
    QVERIFY(shape.has_value());
    QCOMPARE(shape->rows, qint64(4));
    QCOMPARE(shape->cols, qint64(2));
    QCOMPARE(ArrayStore(db).readRow(run, QStringLiteral("box_probabilities"), 1),
             (std::vector<float>{0.6f, 0.4f}));
}

void TestCocoImporter::reportsApByHand()
{
    import();
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    const QJsonObject report = detectionReportJson(*project);
    QCOMPARE(report.value(QStringLiteral("task")).toString(), QStringLiteral("detection"));
    const QJsonObject plane = report.value(QStringLiteral("per_class")).toArray().at(0).toObject();
    // Plane, ranked TP, FP, TP: precision 1 to recall 0.5, then 2/3 to 1 (IoU <= 0.90: 51 and 50 of 101
    // points); at 0.95 the second is a FP too: precision 1 to 0.5 only.
    const double upTo90 = (51.0 + 50.0 * 2.0 / 3.0) / 101.0, at95 = 51.0 / 101.0;
    QVERIFY(std::abs(plane.value(QStringLiteral("ap50")).toDouble() - upTo90) < 1e-9);
    QVERIFY(std::abs(plane.value(QStringLiteral("ap")).toDouble() - (9 * upTo90 + at95) / 10) < 1e-9);
    const QJsonObject car = report.value(QStringLiteral("per_class")).toArray().at(1).toObject();
    QCOMPARE(car.value(QStringLiteral("ap")).toDouble(), 0.0);
    QVERIFY(std::abs(report.value(QStringLiteral("map")).toDouble() - (9 * upTo90 + at95) / 20) < 1e-9);
    const QJsonObject errors = report.value(QStringLiteral("box_errors")).toObject();
    QCOMPARE(errors.value(QStringLiteral("true_positive")).toInt(), 2);
    QCOMPARE(errors.value(QStringLiteral("classification")).toInt(), 1); // "plane" on the car
    QCOMPARE(errors.value(QStringLiteral("background")).toInt(), 1);
    QCOMPARE(errors.value(QStringLiteral("missed")).toInt(), 1); // image 3's car
    const QJsonArray matrix =
        report.value(QStringLiteral("confusion")).toObject().value(QStringLiteral("matrix")).toArray();
    QCOMPARE(matrix.at(1).toArray().at(0).toInt(), 1); // a car taken for a plane
    QCOMPARE(matrix.at(1).toArray().at(2).toInt(), 1); // a car missed
    QCOMPARE(matrix.at(2).toArray().at(1).toInt(), 1); // a car box on nothing
}

void TestCocoImporter::exportsAnnotationSuggestions()
{
    import();
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    const QString csv = m_dir->filePath(QStringLiteral("suspects.csv"));
    exportAnnotationSuggestions(*project, csv);
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(lines.first().startsWith(QStringLiteral("rank,image_id,image,issue,score,box_id,class,x,y")));
    // Image 3's car has no box near it; the car box the model put elsewhere in image 3 is an object
    // nobody annotated; the car of image 1 has a plane box on it whose probabilities lean to plane.
    QCOMPARE(lines.value(1), QStringLiteral("1,3,img3.png,spurious,1.0000,4,car,10,10,10,10,,,,,"));
    QCOMPARE(lines.value(2), QStringLiteral("2,3,img3.png,overlooked,0.6000,,,,,,,car,40,30,10,10"));
    QVERIFY(lines.contains(QStringLiteral("4,1,img1.png,wrong_class,0.2000,2,car,30,10,20,20,plane,,,,")));

    const QJsonObject errors =
        detectionReportJson(*project).value(QStringLiteral("annotation_errors")).toObject();
    const QJsonObject counts = errors.value(QStringLiteral("scoring_0.5_or_more")).toObject();
    QCOMPARE(counts.value(QStringLiteral("spurious")).toInt(), 1);
    QCOMPARE(counts.value(QStringLiteral("overlooked")).toInt(), 1);
    QCOMPARE(errors.value(QStringLiteral("strongest")).toArray().size(), 4);
}

void TestCocoImporter::refusesBadFolders_data()
{
    QTest::addColumn<int>("breakage");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing image") << 0
                                   << QStringLiteral("images[1] (id 2): image \"img2.png\" does not exist");
    QTest::newRow("path escaping") << 1 << QStringLiteral("escapes the dataset folder");
    QTest::newRow("name used twice") << 2 << QStringLiteral("the name \"plane\" is used by another category");
    QTest::newRow("some probabilities") << 3 << QStringLiteral("3 of 4 boxes have probabilities");
    QTest::newRow("unknown category")
        << 4 << QStringLiteral("category_id 9 is not among the dataset's categories");
}

void TestCocoImporter::refusesBadFolders()
{
    QFETCH(int, breakage);
    QFETCH(QString, expected);
    QJsonObject annotations = instances();
    QJsonArray results = predictions();
    if (breakage == 0) {
        QFile::remove(QDir(folder()).filePath(QStringLiteral("images/img2.png")));
    } else if (breakage == 1) {
        QJsonArray images = annotations.value(QStringLiteral("images")).toArray();
        QJsonObject first = images.at(0).toObject();
        first.insert(QStringLiteral("file_name"), QStringLiteral("../../secret.png"));
        images.replace(0, first);
        annotations.insert(QStringLiteral("images"), images);
    } else if (breakage == 2) {
        QJsonArray categories = annotations.value(QStringLiteral("categories")).toArray();
        QJsonObject second = categories.at(1).toObject();
        second.insert(QStringLiteral("name"), QStringLiteral("plane"));
        categories.replace(1, second);
        annotations.insert(QStringLiteral("categories"), categories);
    } else if (breakage == 3) {
        QJsonObject last = results.at(3).toObject();
        last.remove(QStringLiteral("probabilities"));
        results.replace(3, last);
    } else {
        QJsonObject last = results.at(3).toObject();
        last.insert(QStringLiteral("category_id"), 9);
        results.replace(3, last);
    }
    if (breakage != 0)
        writeFolder(annotations, results);
    const QString message = errorOf([this] { import(); });
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral(".json")), qPrintable(message));
    QVERIFY(!QFile::exists(projectPath())); // nothing written
}

namespace {

/** The predictions with embedding rows (the boxes in reverse order of the file's rows). */
QJsonArray predictionsWithEmbeddings()
{
    QJsonArray results = predictions();
    for (int b = 0; b < results.size(); ++b) {
        QJsonObject box = results.at(b).toObject();
        box.insert(QStringLiteral("embedding"), 3 - b);
        results.replace(b, box);
    }
    return results;
}

/** rows x 2 values: row r is (r, 10 r). */
void writeEmbeddings(const QString &path, qint64 rows)
{
    std::vector<float> values;
    for (qint64 r = 0; r < rows; ++r) {
        values.push_back(float(r));
        values.push_back(float(10 * r));
    }
    writeNpy(path, values.data(), rows, 2);
}

} // namespace

void TestCocoImporter::storesBoxAndImageEmbeddings()
{
    writeFolder(instances(), predictionsWithEmbeddings());
    writeEmbeddings(QDir(folder()).filePath(QStringLiteral("box_embeddings.npy")), 4);
    writeEmbeddings(QDir(folder()).filePath(QStringLiteral("embeddings.npy")), 3);
    import();
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    const int run = project->latestRunId();
    // One row per box in the run's order, each the file's row its `embedding` names.
    QCOMPARE(ArrayStore(project->database()).shape(run, QStringLiteral("box_embeddings"))->rows, qint64(4));
    QCOMPARE(ArrayStore(project->database()).readRow(run, QStringLiteral("box_embeddings"), 0),
             (std::vector<float>{3.0f, 30.0f}));
    QCOMPARE(RunArrays(project->database(), run).readRow(RunArray::Embeddings, 2),
             (std::vector<float>{2.0f, 20.0f}));
}

void TestCocoImporter::refusesBadEmbeddings_data()
{
    QTest::addColumn<int>("breakage");
    QTest::addColumn<QString>("expected");
    QTest::newRow("row past the file")
        << 0 << QStringLiteral("predictions.json: box 1: embedding row 3 is past the 3 rows");
    QTest::newRow("no file") << 1
                             << QStringLiteral(
                                    "4 boxes name an embedding row, but there is no box_embeddings.npy");
    QTest::newRow("image rows") << 2
                                << QStringLiteral(
                                       "embeddings.npy: has 2 rows but the annotations have 3 images");
    QTest::newRow("NaN") << 3 << QStringLiteral("box_embeddings.npy: row 1: NaN in column 0");
}

void TestCocoImporter::refusesBadEmbeddings()
{
    QFETCH(int, breakage);
    QFETCH(QString, expected);
    writeFolder(instances(), predictionsWithEmbeddings());
    const QString boxes = QDir(folder()).filePath(QStringLiteral("box_embeddings.npy"));
    if (breakage == 0)
        writeEmbeddings(boxes, 3);
    else if (breakage == 2) {
        writeEmbeddings(boxes, 4);
        writeEmbeddings(QDir(folder()).filePath(QStringLiteral("embeddings.npy")), 2);
    } else if (breakage == 3) {
        const std::vector<float> values{0, 0, NAN, 1, 2, 2, 3, 3};
        writeNpy(boxes, values.data(), 4, 2);
    }
    const QString message = errorOf([this] { import(); });
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY(!QFile::exists(projectPath())); // nothing written
}

QTEST_MAIN(TestCocoImporter)
#include "tst_cocoimporter.moc"
