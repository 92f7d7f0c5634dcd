// The image view of a detection project, offscreen: BoxedImageView's fit, hit testing and
// drawing; DetectionImagePane's boxes (colors by outcome, the score threshold matching again,
// the layer toggles, tooltips); and the details panel showing a selected image of a COCO
// project with its boxes instead of class probabilities.

#include "boxedimageview.h"
#include "classpickerdialog.h"
#include "common/progress.h"
#include "import/datasetimport.h"
#include "edits/boxeditrepository.h"
#include "panels/annotationerrorspanel.h"
#include "panels/detailpanel.h"
#include "panels/detectionimagepane.h"
#include "panels/probabilitybars.h"
#include "prcurveview.h"
#include "projectsession.h"
#include "storage/project.h"
#include "reportpanel.h"
#include "samplegridmodel.h"
#include "thumbnailcache.h"

#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

const QStringList kClasses = {QStringLiteral("plane"), QStringLiteral("car")};

Annotation object(int category, Box box)
{
    return {0, category, box, 0.0, false};
}

Detection predicted(int category, Box box, double score)
{
    return {0, category, box, score};
}

} // namespace

class TestDetectionView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void viewFitsHitsAndDraws();
    void paneColorsBoxesByOutcome();
    void thresholdAndLayers();
    void detailPanelShowsTheImageWithItsBoxes();
};

void TestDetectionView::viewFitsHitsAndDraws()
{
    BoxedImageView view;
    view.resize(300, 260);
    QImage image(100, 80, QImage::Format_RGB32);
    image.fill(Qt::black);
    view.setImage(image);
    // 292 x 252 inside the margins: scale 2.92, whole pixels: 2, centred.
    QCOMPARE(view.imageRect(), QRectF(50, 50, 200, 160));
    QCOMPARE(view.toWidget({10, 10}), QPointF(70, 70));
    view.setBoxes(
        {{{10, 10, 50, 40}, QStringLiteral("big"), Qt::green, false, QStringLiteral("the big one")},
         {{20, 20, 10, 10}, QStringLiteral("small"), Qt::red, true, QStringLiteral("inside it"), true}});
    QCOMPARE(view.boxAt({100, 120}), 0);
    QCOMPARE(view.boxAt({100, 100}), 1); // inside both: the smaller one
    QCOMPARE(view.boxAt({10, 10}), -1);
    const QImage shot = view.grab().toImage();
    QCOMPARE(QColor(shot.pixel(QPoint(70, 140))).green(), 255);        // the big box's left edge
    QCOMPARE(QColor(shot.pixel(QPoint(130, 120))), QColor(Qt::black)); // inside: the image shows through
    view.setMessage(QStringLiteral("The image file is missing"));
    QVERIFY(view.imageRect().isEmpty());
}

void TestDetectionView::paneColorsBoxesByOutcome()
{
    const std::vector<Annotation> objects = {object(0, {0, 0, 20, 20}), object(1, {50, 0, 20, 20}),
                                             object(1, {0, 50, 20, 20})};
    const std::vector<Detection> boxes = {predicted(0, {0, 0, 20, 20}, 0.9),    // right
                                          predicted(0, {50, 0, 20, 20}, 0.8),   // a plane on the car
                                          predicted(1, {80, 80, 10, 10}, 0.7)}; // on nothing
    const std::vector<OverlayBox> overlay =
        DetectionImagePane::overlay(objects, boxes, kClasses, 0.5, true, true);
    QCOMPARE(overlay.size(), size_t(6));
    QCOMPARE(overlay[0].color, QColor(46, 160, 67)); // found
    QVERIFY(overlay[0].toolTip.contains(QStringLiteral("Found by a box scoring 0.90")));
    QVERIFY(overlay[1].toolTip.contains(QStringLiteral("a box is on it with the wrong class")));
    QCOMPARE(overlay[2].color, QColor(218, 54, 51)); // missed
    QVERIFY(overlay[3].dashed);
    QCOMPARE(overlay[3].caption, QStringLiteral("plane 0.90"));
    QVERIFY(overlay[4].toolTip.contains(QStringLiteral("wrong class (on the car, IoU 1.00)")));
    QVERIFY(overlay[5].toolTip.contains(QStringLiteral("on nothing")));
}

void TestDetectionView::thresholdAndLayers()
{
    DetectionImagePane pane;
    pane.setClassNames(kClasses);
    QImage image(100, 100, QImage::Format_RGB32);
    image.fill(Qt::darkGray);
    pane.showImage(image, {}, {object(0, {0, 0, 20, 20})},
                   {predicted(0, {0, 0, 20, 20}, 0.9), predicted(0, {1, 0, 20, 20}, 0.4)});
    QCOMPARE(pane.view()->boxes().size(), size_t(2)); // the 0.4 box is under the threshold
    QVERIFY2(
        pane.summary().contains(QStringLiteral("1 objects: 1 found, 0 missed · 1 boxes ≥ 0.50: 1 right")),
        qPrintable(pane.summary()));
    pane.minScoreBox()->setValue(0.3);
    QCOMPARE(pane.view()->boxes().size(), size_t(3));
    QVERIFY2(pane.summary().contains(QStringLiteral("1 duplicate")), qPrintable(pane.summary()));
    pane.predictionsBox()->setChecked(false);
    QCOMPARE(pane.view()->boxes().size(), size_t(1));
    pane.objectsBox()->setChecked(false);
    QVERIFY(pane.view()->boxes().empty());
}

void TestDetectionView::detailPanelShowsTheImageWithItsBoxes()
{
    QTemporaryDir dir;
    const QDir folder(dir.filePath(QStringLiteral("coco")));
    folder.mkpath(QStringLiteral("images"));
    QImage image(64, 48, QImage::Format_Grayscale8);
    image.fill(40);
    QVERIFY(image.save(folder.filePath(QStringLiteral("images/a.png"))));
    QFile annotations(folder.filePath(QStringLiteral("annotations.json")));
    QVERIFY(annotations.open(QIODevice::WriteOnly));
    annotations.write(R"({"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}],
        "categories": [{"id": 1, "name": "plane"}, {"id": 2, "name": "car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20]},
                        {"id": 2, "image_id": 1, "category_id": 2, "bbox": [30, 10, 20, 20]}]})");
    annotations.close();
    QFile results(folder.filePath(QStringLiteral("predictions.json")));
    QVERIFY(results.open(QIODevice::WriteOnly));
    results.write(R"([{"image_id": 1, "category_id": 1, "bbox": [2, 2, 20, 20], "score": 0.9}])");
    results.close();
    Progress progress;
    const QString projectPath = dir.filePath(QStringLiteral("d.loupe"));
    importDataset(folder.path(), projectPath, {}, progress);

    ProjectSession session;
    session.open(projectPath);
    DetailPanel panel(session);
    panel.resize(460, 800);
    panel.show();
    session.setSelection({0});
    QTRY_VERIFY(!panel.isLoading());
    QCOMPARE(panel.currentSample(), qint64(0));
    QVERIFY(panel.detectionPane()->isVisible());
    QVERIFY(!panel.probabilityBars()->isVisible());
    QCOMPARE(panel.detectionPane()->view()->boxes().size(), size_t(3));
    QVERIFY(!panel.detectionPane()->view()->imageRect().isEmpty());
    QVERIFY2(panel.detectionPane()->summary().startsWith(QStringLiteral("2 objects: 1 found, 1 missed")),
             qPrintable(panel.detectionPane()->summary()));

    // Click-select the car and press 1: it becomes a plane, one audited edit; Ctrl+Z undoes it.
    DetectionImagePane *pane = panel.detectionPane();
    pane->view()->setSelectedBox(1);
    QTest::keyClick(pane, Qt::Key_1);
    QTRY_VERIFY(!panel.isLoading());
    {
        auto project = Project::open(projectPath, Project::Access::ReadOnly);
        QCOMPARE(BoxEditRepository(*project).current(2)->category, 0);
    }
    session.undoStack()->undo();
    {
        auto project = Project::open(projectPath, Project::Access::ReadOnly);
        QCOMPARE(BoxEditRepository(*project).current(2)->category, 1);
        QCOMPARE(BoxEditRepository(*project).history().size(), 2);
    }
    QTRY_VERIFY(!panel.isLoading());

    // L picks the class by name (the number keys run out past ten classes): the car becomes a plane.
    pane->view()->setSelectedBox(1);
    QTimer::singleShot(0, this, [] {
        auto *picker = qobject_cast<ClassPickerDialog *>(QApplication::activeModalWidget());
        QVERIFY(picker);
        picker->filterEdit()->setText(QStringLiteral("plane"));
        picker->accept();
    });
    QTest::keyClick(pane, Qt::Key_L);
    QTRY_VERIFY(!panel.isLoading());
    {
        auto project = Project::open(projectPath, Project::Access::ReadOnly);
        QCOMPARE(BoxEditRepository(*project).current(2)->category, 0);
    }
    session.undoStack()->undo();
    QTRY_VERIFY(!panel.isLoading());

    // Drag the plane by 12 pixels of screen: it moves, one audited edit; Ctrl+Z puts it back.
    BoxedImageView *view = pane->view();
    const QPoint start = view->toWidget({12, 12}).toPoint();
    QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, start);
    QTest::mouseMove(view, start + QPoint(12, 0));
    QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, start + QPoint(12, 0));
    QTRY_VERIFY(!panel.isLoading());
    {
        auto project = Project::open(projectPath, Project::Access::ReadOnly);
        QVERIFY(BoxEditRepository(*project).current(1)->box.x > 2.0);
        QCOMPARE(BoxEditRepository(*project).history().last().action, BoxChange::Action::Move);
    }
    session.undoStack()->undo();
    {
        auto project = Project::open(projectPath, Project::Access::ReadOnly);
        QCOMPARE(BoxEditRepository(*project).current(1)->box.x, 2.0);
    }
    QTRY_VERIFY(!panel.isLoading());

    // The grid says what an image holds, not a class it does not have.
    ThumbnailCache thumbnails;
    SampleGridModel grid(session, thumbnails);
    QCOMPARE(grid.index(0).data(SampleGridModel::LabelRole).toString(), QStringLiteral("2 objects"));
    // Ranked by the image's strongest suspected annotation error: here the car no box comes near.
    grid.waitForImageScores();
    QCOMPARE(grid.index(0).data(SampleGridModel::IssueScoreRole).toDouble(), 1.0);
    QVERIFY(grid.index(0).data(SampleGridModel::IsIssueRole).toBool());

    // The report panel: COCO AP per class, computed off the UI thread, and the confusion with background.
    ReportPanel report(session);
    QStringList names;
    std::vector<std::vector<qint64>> counts;
    connect(&report, &ReportPanel::detectionConfusionChanged, this,
            [&](const QStringList &n, const std::vector<std::vector<qint64>> &c) {
                names = n;
                counts = c;
            });
    QTRY_VERIFY(report.summaryText().contains(QStringLiteral("mAP 50.0")));
    QCOMPARE(report.table()->model()->rowCount(), 2);
    QCOMPARE(names.last(), QStringLiteral("background"));
    QCOMPARE(counts[0][0], qint64(1)); // the plane found
    QCOMPARE(counts[1][2], qint64(1)); // the car missed
    // The first class's precision-recall curve: the plane, found by the only box, precision 1 throughout.
    QCOMPARE(report.prCurve()->title(), QStringLiteral("plane"));
    QCOMPARE(report.prCurve()->precision().size(), size_t(101));
    QCOMPARE(report.prCurve()->precision().back(), 1.0);

    // Precision and recall per class at the thresholds: the plane found by its one box, the car not.
    const auto cell = [&report](int row, int column) {
        return report.table()->model()->index(row, column).data(Qt::UserRole).toDouble();
    };
    QCOMPARE(cell(0, 3), 1.0);
    QCOMPARE(cell(0, 4), 1.0);
    QCOMPARE(cell(1, 4), 0.0);

    // Slide the score threshold above the plane box's score: nothing is predicted, the plane is
    // missed too; the matrix and the per-class table follow.
    report.minScoreSlider()->setValue(95);
    QCOMPARE(report.minScoreBox()->value(), 0.95);
    QTRY_COMPARE(counts[0][2], qint64(1));
    QCOMPARE(counts[0][0], qint64(0));
    QTRY_COMPARE(cell(0, 4), 0.0);
    QVERIFY(report.matchIouBox()->isVisibleTo(&report));

    // The suspected annotation errors: the car no box comes near, spurious; A deletes it (one audited
    // edit), Ctrl+Z brings it back with its id.
    AnnotationErrorsPanel errors(session);
    errors.waitForSuggestions();
    QVERIFY(!errors.suggestions().empty());
    QCOMPARE(errors.suggestions().front().issue, AnnotationIssue::Spurious);
    QCOMPARE(errors.suggestions().front().annotation, qint64(1));
    // Each row shows its box cut from the image.
    QVERIFY(!errors.table()->model()->index(0, 1).data(Qt::DecorationRole).value<QImage>().isNull());
    errors.table()->setCurrentIndex(errors.table()->model()->index(0, 0));
    QCOMPARE(session.selection(), QList<qint64>{0}); // its image is shown everywhere
    QTest::keyClick(errors.table(), Qt::Key_A);
    {
        auto project = Project::open(projectPath, Project::Access::ReadOnly);
        QVERIFY(!BoxEditRepository(*project).current(2));
        QCOMPARE(BoxEditRepository(*project).history().size(), 7);
    }
    errors.waitForSuggestions();
    session.undoStack()->undo();
    auto project = Project::open(projectPath, Project::Access::ReadOnly);
    QCOMPARE(BoxEditRepository(*project).current(2)->category, 1);
    QCOMPARE(BoxEditRepository(*project).history().size(), 8);
}

QTEST_MAIN(TestDetectionView)
#include "tst_detectionview.moc"
