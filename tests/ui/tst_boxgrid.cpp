// The box grid of a detection project, offscreen, on a COCO project the test writes: the boxes
// listed likeliest errors first with their crops and verdicts, the filters and the score
// threshold, and the keyboard flow (number keys, Delete, A), each an audited edit written to
// the file, judged again, and taken back by undo; and the slices panel's missed objects.

#include "boxgridmodel.h"
#include "classpickerdialog.h"
#include "common/progress.h"
#include "detection/boxerrors.h"
#include "edits/boxeditrepository.h"
#include "formats/npyfile.h"
#include "import/datasetimport.h"
#include "panels/boxgridpanel.h"
#include "embeddingmapview.h"
#include "panels/objectclusterspanel.h"
#include "panels/objectmappanel.h"
#include "panels/slicespanel.h"
#include "projectsession.h"
#include "samplegridmodel.h"
#include "samplegridview.h"
#include "storage/project.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QTimer>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTableView>
#include <QUndoStack>
#include <QtTest>

using namespace loupe;

namespace {

void writeFile(const QString &path, const QByteArray &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

/**
 * Image a: a plane the model finds (box 1) and a car nothing comes near (box 2, spurious).
 * Image b: nothing annotated, and a confident car box on it (overlooked).
 * withEmbeddings: each predicted box and each image also has an embedding (3 values).
 */
QString writeProject(const QTemporaryDir &dir, bool withEmbeddings = false)
{
    const QDir folder(dir.filePath(QStringLiteral("coco")));
    folder.mkpath(QStringLiteral("images"));
    for (const char *name : {"a.png", "b.png"}) {
        QImage image(64, 48, QImage::Format_RGB32);
        image.fill(QColor(30, 90, 160));
        image.save(folder.filePath(QStringLiteral("images/%1").arg(QLatin1String(name))));
    }
    writeFile(folder.filePath(QStringLiteral("annotations.json")),
              R"({"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48},
                             {"id": 2, "file_name": "b.png", "width": 64, "height": 48}],
        "categories": [{"id": 1, "name": "plane"}, {"id": 2, "name": "car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20]},
                        {"id": 2, "image_id": 1, "category_id": 2, "bbox": [30, 10, 20, 20]}]})");
    if (withEmbeddings) {
        writeFile(
            folder.filePath(QStringLiteral("predictions.json")),
            R"([{"image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20], "score": 0.95, "embedding": 0},
                      {"image_id": 2, "category_id": 2, "bbox": [10, 10, 24, 20], "score": 0.8, "embedding": 1}])");
        const float rows[] = {1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f};
        writeNpy(folder.filePath(QStringLiteral("box_embeddings.npy")), rows, 2, 3);
        writeNpy(folder.filePath(QStringLiteral("embeddings.npy")), rows, 2, 3);
    } else {
        writeFile(folder.filePath(QStringLiteral("predictions.json")),
                  R"([{"image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20], "score": 0.95},
                      {"image_id": 2, "category_id": 2, "bbox": [10, 10, 24, 20], "score": 0.8}])");
    }
    Progress progress;
    const QString path = dir.filePath(QStringLiteral("d.loupe"));
    importDataset(folder.path(), path, {}, progress);
    return path;
}

std::optional<Annotation> boxNow(const QString &projectPath, qint64 boxId)
{
    auto project = Project::open(projectPath, Project::Access::ReadOnly);
    return BoxEditRepository(*project).current(boxId);
}

qint64 boxCount(const QString &projectPath)
{
    auto project = Project::open(projectPath, Project::Access::ReadOnly);
    qint64 count = 0;
    for (qint64 id = 1; id < 10; ++id)
        count += BoxEditRepository(*project).current(id) ? 1 : 0;
    return count;
}

QString caption(const BoxGridPanel &panel, int row)
{
    return panel.model()->index(row).data(SampleGridModel::CaptionRole).toString();
}

} // namespace

class TestBoxGrid : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsErrorsFirstWithCrops();
    void filtersAndThreshold();
    void keysEditAndUndo();
    void slicesPanelListsMissedObjects();
    void objectClustersShowTheMissedObjectsImages();
    void falseBoxClustersByEmbeddings();
    void classPickerRelabelsBoxes();
    void objectMapSelectsImages();
    void objectMapOfBoxesAndImagesByEmbeddings();
};

void TestBoxGrid::objectMapSelectsImages()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir);
    ProjectSession session;
    session.open(path);
    ObjectMapPanel panel(session);
    panel.resize(400, 300);
    panel.show();
    panel.waitForMap();
    // Both objects are on the map, the plane found and the car missed.
    QCOMPARE(panel.map().objects, (std::vector<qint64>{0, 1}));
    QCOMPARE(panel.map().xy.size(), size_t(4));
    QCOMPARE(panel.outcomes(), (std::vector<int>{0, 1})); // found, missed
    // Selecting the car shows its image everywhere; clearing the selection clears that filter.
    panel.view()->setSelection({1});
    QCOMPARE(session.filter().kind, SampleFilter::Kind::Objects);
    QCOMPARE(session.filteredSamples(), std::vector<qint64>{0});
    panel.view()->clearSelection();
    QVERIFY(!session.hasFilter());
    // Without embeddings the maps of boxes and images cannot be drawn, and say why.
    const auto *points = qobject_cast<QStandardItemModel *>(panel.pointsBox()->model());
    QVERIFY(!points->item(1)->isEnabled());
    QVERIFY(!points->item(2)->isEnabled());
    QVERIFY(points->item(2)->toolTip().contains(QStringLiteral("no image embeddings")));
}

void TestBoxGrid::objectMapOfBoxesAndImagesByEmbeddings()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir, true);
    ProjectSession session;
    session.open(path);
    ObjectMapPanel panel(session);
    panel.resize(400, 300);
    panel.show();
    panel.waitForMap();
    QComboBox *points = panel.pointsBox();
    QVERIFY(qobject_cast<QStandardItemModel *>(points->model())->item(1)->isEnabled());

    // The predicted boxes: the plane right, the car box on nothing; selecting it shows image b.
    points->setCurrentIndex(points->findData(int(ObjectMapPanel::Points::PredictedBoxes)));
    panel.waitForMap();
    QCOMPARE(panel.map().objects, (std::vector<qint64>{0, 1}));
    QCOMPARE(panel.outcomes(), (std::vector<int>{int(BoxError::None), int(BoxError::Background)}));
    panel.view()->setSelection({1});
    QCOMPARE(session.filteredSamples(), std::vector<qint64>{1});
    panel.view()->clearSelection();

    // The images: a missed its car, b has a false box.
    points->setCurrentIndex(points->findData(int(ObjectMapPanel::Points::Images)));
    panel.waitForMap();
    QCOMPARE(panel.map().objects, (std::vector<qint64>{0, 1}));
    QCOMPARE(panel.outcomes(), (std::vector<int>{1, 2}));
    panel.view()->setSelection({0});
    QCOMPARE(session.filteredSamples(), std::vector<qint64>{0});
}

void TestBoxGrid::objectClustersShowTheMissedObjectsImages()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir);
    ProjectSession session;
    session.open(path);
    ObjectClustersPanel panel(session);
    panel.waitForClusters();
    // Two objects that look the same (flat boxes of one color): one group, the car in it missed,
    // its crop in the strip.
    QCOMPARE(panel.clusters().clustered, qint64(2));
    QCOMPARE(panel.table()->model()->rowCount(), 1);
    QCOMPARE(panel.clusters().clusters.front().stats.errors, qint64(1));
    QVERIFY(!panel.table()->model()->index(0, 1).data(Qt::DecorationRole).value<QImage>().isNull());
    panel.activateRow(0);
    QCOMPARE(session.filter().kind, SampleFilter::Kind::Objects);
    QCOMPARE(session.filteredSamples(), std::vector<qint64>{0}); // the missed car's image
    QVERIFY(!qobject_cast<QStandardItemModel *>(panel.sideBox()->model())->item(1)->isEnabled());
}

void TestBoxGrid::falseBoxClustersByEmbeddings()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir, true);
    ProjectSession session;
    session.open(path);
    ObjectClustersPanel panel(session);
    panel.waitForClusters();
    QComboBox *side = panel.sideBox();
    side->setCurrentIndex(side->findData(int(ObjectClustersPanel::Side::FalseBoxes)));
    panel.waitForClusters();
    // The two predicted boxes, apart in embedding space: the car box on nothing is the wrong one.
    QCOMPARE(panel.clusters().items, ClusteredItems::PredictedBoxes);
    QCOMPARE(panel.clusters().clustered, qint64(2));
    QCOMPARE(panel.table()->model()->headerData(1, Qt::Horizontal).toString(), QStringLiteral("Wrong boxes"));
    int wrongRow = -1;
    for (int row = 0; row < int(panel.clusters().clusters.size()); ++row)
        if (panel.clusters().clusters[size_t(row)].stats.errors == 1)
            wrongRow = row;
    QVERIFY(wrongRow >= 0);
    QVERIFY(!panel.table()->model()->index(wrongRow, 1).data(Qt::DecorationRole).value<QImage>().isNull());
    panel.activateRow(wrongRow);
    QCOMPARE(session.filteredSamples(), std::vector<qint64>{1}); // image b, where the car box is

    // The images by their embeddings: a, where the car is missed, is the one with a miss.
    side->setCurrentIndex(side->findData(int(ObjectClustersPanel::Side::ImagesWithMisses)));
    panel.waitForClusters();
    QCOMPARE(panel.clusters().items, ClusteredItems::Images);
    QCOMPARE(panel.clusters().clustered, qint64(2));
    int missRow = -1;
    for (int row = 0; row < int(panel.clusters().clusters.size()); ++row)
        if (panel.clusters().clusters[size_t(row)].stats.errors == 1)
            missRow = row;
    QVERIFY(missRow >= 0);
    panel.activateRow(missRow);
    QCOMPARE(session.filteredSamples(), std::vector<qint64>{0});
}

void TestBoxGrid::slicesPanelListsMissedObjects()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir);
    ProjectSession session;
    session.open(path);
    SlicesPanel slices(session);
    // Off the UI thread: the car nothing found is missed, the plane is not.
    QTRY_VERIFY(slices.table()->model()->rowCount() > 0);
    QAbstractItemModel *model = slices.table()->model();
    QCOMPARE(model->headerData(2, Qt::Horizontal).toString(), QStringLiteral("Missed"));
    bool sawCar = false;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data().toString() == QStringLiteral("class = car")) {
            sawCar = true;
            QCOMPARE(model->index(row, 1).data().toString(), QStringLiteral("1"));
            QCOMPARE(model->index(row, 2).data().toString(), QStringLiteral("1"));
        }
    }
    QVERIFY(sawCar);
    // Clicking a slice of objects shows the images of its missed objects: the car's image a.
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data().toString() == QStringLiteral("class = car"))
            slices.activateRow(row);
    }
    QCOMPARE(session.filter().kind, SampleFilter::Kind::Objects);
    QCOMPARE(session.filteredSamples(), std::vector<qint64>{0});
}

void TestBoxGrid::listsErrorsFirstWithCrops()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir);
    ProjectSession session;
    session.open(path);
    BoxGridPanel panel(session);
    panel.resize(700, 400);
    panel.show();
    panel.waitForBoxes();

    // Errors only, strongest first: the spurious car (1.0), then the overlooked car box (0.8).
    QCOMPARE(panel.model()->rowCount(), 2);
    QCOMPARE(caption(panel, 0), QStringLiteral("spurious"));
    QCOMPARE(panel.model()->index(0).data(SampleGridModel::LabelRole).toString(), QStringLiteral("car"));
    QVERIFY(panel.model()->index(0).data(SampleGridModel::IsIssueRole).toBool());
    QCOMPARE(caption(panel, 1), QStringLiteral("pred · overlooked"));
    QCOMPARE(panel.model()->index(1).data(SampleGridModel::LabelRole).toString(), QStringLiteral("car 80%"));
    QVERIFY2(panel.summary().contains(QStringLiteral("2 shown · 4 boxes, 2 of them errors")),
             qPrintable(panel.summary()));

    // The crops decode off the UI thread: each the box with a margin, outlined in its verdict's color.
    QTRY_VERIFY(!panel.model()->index(0).data(Qt::DecorationRole).value<QImage>().isNull());
    const QImage crop = panel.model()->index(0).data(Qt::DecorationRole).value<QImage>();
    QVERIFY(crop.width() <= 96 && crop.height() <= 96);
    QCOMPARE(crop.pixelColor(crop.width() / 2, crop.height() / 2), QColor(30, 90, 160));

    // The current box's image is the selection every panel shows.
    panel.view()->setCurrentIndex(panel.model()->index(1));
    QCOMPARE(session.selection(), QList<qint64>{1});
}

void TestBoxGrid::filtersAndThreshold()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir);
    ProjectSession session;
    session.open(path);
    BoxGridPanel panel(session);
    panel.waitForBoxes();

    panel.verdictBox()->setCurrentIndex(panel.verdictBox()->findData(-2)); // all boxes
    QCOMPARE(panel.model()->rowCount(), 4);
    panel.showBox()->setCurrentIndex(2); // predictions
    QCOMPARE(panel.model()->rowCount(), 2);
    panel.showBox()->setCurrentIndex(1); // annotations
    QCOMPARE(panel.model()->rowCount(), 2);
    // By type: annotation errors before what is right.
    panel.orderBox()->setCurrentIndex(1);
    QCOMPARE(caption(panel, 0), QStringLiteral("spurious"));
    QCOMPARE(caption(panel, 1), QStringLiteral("found"));
    // One verdict: the combo lists each with its count.
    const int found = panel.verdictBox()->findData(int(BoxVerdict::Found));
    QVERIFY(found >= 0);
    QCOMPARE(panel.verdictBox()->itemText(found), QStringLiteral("found (1)"));
    panel.verdictBox()->setCurrentIndex(found);
    QCOMPARE(panel.model()->rowCount(), 1);

    // Above the plane box's score the model predicts nothing there: the plane is missed, matched again.
    panel.minScoreBox()->setValue(0.97);
    panel.waitForBoxes();
    panel.verdictBox()->setCurrentIndex(panel.verdictBox()->findData(-2));
    QCOMPARE(panel.model()->rowCount(), 2);
    QCOMPARE(caption(panel, 0), QStringLiteral("spurious"));
    QCOMPARE(caption(panel, 1), QStringLiteral("missed"));
}

void TestBoxGrid::keysEditAndUndo()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir);
    ProjectSession session;
    session.open(path);
    BoxGridPanel panel(session);
    panel.show();
    panel.waitForBoxes();
    panel.view()->setFocus();

    // 1 on the spurious car: it becomes a plane, written at once with its audit row.
    panel.view()->setCurrentIndex(panel.model()->index(0));
    QTest::keyClick(panel.view(), Qt::Key_1);
    QCOMPARE(boxNow(path, 2)->category, 0);
    panel.waitForBoxes();
    session.undoStack()->undo();
    QCOMPARE(boxNow(path, 2)->category, 1);
    panel.waitForBoxes();

    // Delete removes it; undo brings it back with its id.
    panel.view()->setCurrentIndex(panel.model()->index(0));
    QTest::keyClick(panel.view(), Qt::Key_Delete);
    QVERIFY(!boxNow(path, 2));
    panel.waitForBoxes();
    // Judged again: the car is gone from the list, and the current row stays at the top.
    QCOMPARE(panel.model()->rowCount(), 1);
    QCOMPARE(caption(panel, 0), QStringLiteral("pred · overlooked"));
    QCOMPARE(panel.view()->currentIndex().row(), 0);
    session.undoStack()->undo();
    QVERIFY(boxNow(path, 2));
    panel.waitForBoxes();

    // A on the overlooked box adds it as an annotation of its class; the list then has one error.
    panel.view()->setCurrentIndex(panel.model()->index(1));
    QCOMPARE(caption(panel, 1), QStringLiteral("pred · overlooked"));
    QTest::keyClick(panel.view(), Qt::Key_A);
    QCOMPARE(boxCount(path), qint64(3));
    panel.waitForBoxes();
    QCOMPARE(panel.model()->rowCount(), 1);
    session.undoStack()->undo();
    QCOMPARE(boxCount(path), qint64(2));

    auto project = Project::open(path, Project::Access::ReadOnly);
    QCOMPARE(BoxEditRepository(*project).history().size(), 6); // three edits, three undos

    // An image has no class of its own: relabelling images is refused with the reason.
    QString refused;
    connect(&session, &ProjectSession::editFailed, this, [&refused](const QString &why) { refused = why; });
    QVERIFY(!session.relabel({0}, 1));
    QVERIFY(refused.contains(QStringLiteral("labels are its boxes")));
}

void TestBoxGrid::classPickerRelabelsBoxes()
{
    QTemporaryDir dir;
    const QString path = writeProject(dir);
    ProjectSession session;
    session.open(path);
    BoxGridPanel panel(session);
    panel.show();
    panel.waitForBoxes();
    panel.view()->setFocus();
    // L opens the picker, as for images (where the number keys run out); typing finds the class.
    panel.view()->setCurrentIndex(panel.model()->index(0)); // the spurious car
    bool picked = false;
    QTimer::singleShot(0, this, [&picked] {
        auto *picker = qobject_cast<ClassPickerDialog *>(QApplication::activeModalWidget());
        QVERIFY(picker);
        picker->filterEdit()->setText(QStringLiteral("pla"));
        QCOMPARE(picker->matchCount(), 1);
        picked = true;
        picker->accept();
    });
    QTest::keyClick(panel.view(), Qt::Key_L);
    QVERIFY(picked);
    QCOMPARE(boxNow(path, 2)->category, 0); // now a plane, one audited edit
    session.undoStack()->undo();
    QCOMPARE(boxNow(path, 2)->category, 1);
}

QTEST_MAIN(TestBoxGrid)
#include "tst_boxgrid.moc"
