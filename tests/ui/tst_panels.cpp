// The desktop panels on a small analysed Fashion-MNIST project, offscreen: the clusters,
// slices, confusion matrix, map and similar panels filter and select through the one
// shared session, the SQL filter refuses writes, and "accept suggestion" is undoable.

#include "analysis/pipeline/analysispipeline.h"
#include "analysis/steps/diagnosisstep.h"
#include "analysis/steps/mapstep.h"
#include "common/error.h"
#include "common/progress.h"
#include "confusionmatrixview.h"
#include "demo/fashionmnistdemo.h"
#include "embeddingmapview.h"
#include "learningcurveview.h"
#include "mainwindow.h"
#include "panels/clusterspanel.h"
#include "panels/clusterstripdelegate.h"
#include "panels/mappanel.h"
#include "panels/similarpanel.h"
#include "panels/slicespanel.h"
#include "projectsession.h"
#include "reportpanel.h"
#include "samplegridmodel.h"
#include "samplegridview.h"
#include "storage/metadatavalues.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QLabel>
#include <QRegularExpression>
#include <QTextDocument>
#include <QUrl>
#include <QMenu>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace loupe;

class TestPanels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void panelsShowTheAnalysis();
    void clusterClickFiltersGrid();
    void clusterRowsShowImagesAndWhatSetsThemApart();
    void confusionCellFiltersGridMostConfidentFirst();
    void sqlFilterFiltersAndRefusesWrites();
    void mapSelectionFiltersGrid();
    void gridSelectionShowsOnMap();
    void mapColorsByMetadataColumn();
    void mapTooltipShowsTheImage();
    void zoomedMapShowsSampleImages();
    void findSimilarExcludesQueryAndFilters();
    void acceptSuggestedLabelIsUndoable();
    void filterMenuFiltersBySplitAndClass();
    void learningCurveShowsTheRunsHistory();

private:
    qint64 countInProject(const QString &condition) const;

    QTemporaryDir m_dir;
    DemoResult m_demo;
    std::unique_ptr<MainWindow> m_window;
};

void TestPanels::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    DemoOptions options;
    options.limit = 1200;
    options.folds = 2;
    options.model.epochs = 3;
    Progress progress;
    m_demo = buildFashionMnistDemo(m_dir.path(), options, progress);
    auto project = Project::open(m_demo.projectPath);
    AnalysisPipeline(*project).run(AnalysisOptions(), progress);
}

void TestPanels::init()
{
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QSignalSpy opened(m_window.get(), &MainWindow::projectOpened);
    m_window->openProject(m_demo.projectPath);
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(m_window->waitForOpen()); // and its damage check: edits are held until it passes
}

void TestPanels::cleanup()
{
    m_window.reset();
}

qint64 TestPanels::countInProject(const QString &condition) const
{
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    return project->database().queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE ") +
                                        condition);
}

void TestPanels::panelsShowTheAnalysis()
{
    QVERIFY(m_window->clustersPanel()->table()->model()->rowCount() > 0);
    QVERIFY(m_window->slicesPanel()->table()->model()->rowCount() > 0);
    QCOMPARE(m_window->mapPanel()->view()->pointCount(), 1200);
    QCOMPARE(m_window->confusionMatrix()->classCount(), 10);
    // The fit diagnosis the analysis stored heads the report.
    QVERIFY(!m_window->session().analysis().get<DiagnosisResults>().sentence.isEmpty());
    QVERIFY(m_window->reportPanel()->summaryText().contains(
        m_window->session().analysis().get<DiagnosisResults>().sentence.toHtmlEscaped()));
    QCOMPARE(m_window->gridModel()->rowCount(), 1200);
    // Most likely label errors first.
    const double first = m_window->gridModel()->index(0).data(SampleGridModel::IssueScoreRole).toDouble();
    const double last = m_window->gridModel()->index(1199).data(SampleGridModel::IssueScoreRole).toDouble();
    QVERIFY(first >= last);
}

void TestPanels::clusterClickFiltersGrid()
{
    ClustersPanel *panel = m_window->clustersPanel();
    QTableView *table = panel->table();
    QSignalSpy activated(panel, &ClustersPanel::clusterActivated);
    const QRect cell = table->visualRect(table->model()->index(0, 0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.count(), 1);
    // The first row is the most severe significant pattern across classes, or a k-means cluster.
    const QString method = activated.first().at(0).toString();
    const int cluster = activated.first().at(1).toInt();
    const QString column =
        method == QLatin1String("pattern") ? QStringLiteral("pattern") : QStringLiteral("cluster");
    const qint64 size = countInProject(QStringLiteral("%1 = %2").arg(column).arg(cluster));
    QVERIFY(size > 0);
    QCOMPARE(m_window->gridModel()->rowCount(), int(size));
    QVERIFY(m_window->session().hasFilter());
    // The map highlights exactly the cluster's members and dims the rest (no hull, which could
    // cover half the map for a cluster scattered in 2-D).
    EmbeddingMapView *view = m_window->mapPanel()->view();
    std::vector<qint64> members = m_window->session().filteredSamples();
    std::sort(members.begin(), members.end());
    QCOMPARE(view->highlight(), members);
    // The grid's current sample (the selection) stands out too, wherever it is.
    const std::vector<qint64> &selected = view->selection();
    for (qint64 sample = 0; sample < view->pointCount(); ++sample) {
        const bool shown = std::binary_search(members.begin(), members.end(), sample) ||
                           std::binary_search(selected.begin(), selected.end(), sample);
        QCOMPARE(view->isDimmed(sample), !shown);
    }
    // The filter lifts with Ctrl+Shift+A, and the highlight with it.
    QTest::keyClick(m_window.get(), Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(m_window->gridModel()->rowCount(), 1200);
    QVERIFY(view->highlight().empty());
}

void TestPanels::clusterRowsShowImagesAndWhatSetsThemApart()
{
    ClustersPanel *panel = m_window->clustersPanel();
    QTableView *table = panel->table();
    // Patterns first: the default view lists the significant patterns above the k-means clusters.
    panel->setView(QStringLiteral("all"));
    bool seenCluster = false;
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const bool pattern = panel->methodAt(row) == QLatin1String("pattern");
        QVERIFY2(!(pattern && seenCluster), "a pattern below a cluster");
        seenCluster = seenCluster || !pattern;
    }
    // The pattern view lists every pattern, each a group the analysis stored.
    panel->setView(QStringLiteral("pattern"));
    {
        auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
        QCOMPARE(table->model()->rowCount(), int(project->database().queryInt(QStringLiteral(
                                                 "SELECT count(*) FROM clusters WHERE method = 'pattern'"))));
    }
    panel->setView(QStringLiteral("kmeans"));
    QVERIFY(table->model()->rowCount() > 0);
    // Every row's strip holds members of its cluster: the most typical, then the worst errors (red).
    for (int row = 0; row < std::min(5, table->model()->rowCount()); ++row) {
        const QModelIndex strip = table->model()->index(row, 2);
        const auto samples = strip.data(ClusterStripDelegate::kSamplesRole).value<QList<qint64>>();
        const auto errors = strip.data(ClusterStripDelegate::kErrorsRole).value<QList<bool>>();
        QVERIFY(!samples.isEmpty());
        QCOMPARE(errors.size(), samples.size());
        for (const qint64 sample : samples)
            QCOMPARE(countInProject(QStringLiteral("sample_index = %1 AND cluster = %2")
                                        .arg(sample)
                                        .arg(panel->clusterAt(row))),
                     qint64(1));
        // The last column says what sets the cluster apart (or that nothing does).
        QVERIFY(!table->model()->index(row, table->model()->columnCount() - 1).data().toString().isEmpty());
    }
    // The strips' thumbnails arrive from the decoder and are painted.
    auto *delegate = qobject_cast<ClusterStripDelegate *>(table->itemDelegateForColumn(2));
    QVERIFY(delegate);
    QTRY_VERIFY_WITH_TIMEOUT((table->viewport()->repaint(), delegate->lastPaintComplete()), 10000);
}

void TestPanels::confusionCellFiltersGridMostConfidentFirst()
{
    ConfusionMatrixView *matrix = m_window->confusionMatrix();
    // Shirt (6) given, T-shirt/top (0) predicted: the demo's commonest confusion.
    const qint64 expected = countInProject(QStringLiteral("label_index = 6 AND predicted_index = 0"));
    QVERIFY(expected > 0);
    QCOMPARE(matrix->count(6, 0), expected);
    QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(6, 0).center());
    SampleGridModel *grid = m_window->gridModel();
    QCOMPARE(grid->rowCount(), int(expected));
    double previous = 2.0;
    for (int row = 0; row < grid->rowCount(); ++row) {
        QCOMPARE(grid->index(row).data(SampleGridModel::LabelRole).toString(), QStringLiteral("Shirt"));
        QCOMPARE(grid->index(row).data(SampleGridModel::PredictedRole).toString(),
                 QStringLiteral("T-shirt/top"));
        const double confidence = grid->index(row).data(SampleGridModel::ConfidenceRole).toDouble();
        QVERIFY(confidence <= previous);
        previous = confidence;
    }
}

void TestPanels::sqlFilterFiltersAndRefusesWrites()
{
    SlicesPanel *panel = m_window->slicesPanel();
    const qint64 testSamples = countInProject(QStringLiteral("split = 'test'"));
    QTest::keyClicks(panel->conditionEdit(), QStringLiteral("split = 'test'"));
    QTest::keyClick(panel->conditionEdit(), Qt::Key_Return);
    panel->waitForQuery();
    QTRY_COMPARE(m_window->gridModel()->rowCount(), int(testSamples));

    // A write is refused with a message; nothing changes, and the filter stays.
    panel->conditionEdit()->clear();
    QTest::keyClicks(panel->conditionEdit(), QStringLiteral("1; DELETE FROM samples"));
    QSignalSpy finished(panel, &SlicesPanel::queryFinished);
    QTest::keyClick(panel->conditionEdit(), Qt::Key_Return);
    panel->waitForQuery();
    QTRY_COMPARE(finished.count(), 1);
    const QString error = finished.first().first().toString();
    QVERIFY2(!error.isEmpty(), "the write was not refused");
    QVERIFY(panel->messageLabel()->isVisible());
    QCOMPARE(panel->messageLabel()->text(), error);
    QCOMPARE(countInProject(QStringLiteral("1")), 1200);
    QCOMPARE(m_window->gridModel()->rowCount(), int(testSamples));
}

void TestPanels::mapSelectionFiltersGrid()
{
    EmbeddingMapView *map = m_window->mapPanel()->view();
    const std::vector<qint64> points{3, 10, 500, 1100};
    map->setSelection(points);
    QCOMPARE(m_window->gridModel()->rowCount(), 4);
    QCOMPARE(m_window->session().filterDescription(), QStringLiteral("map selection"));
    QCOMPARE(m_window->session().selection().size(), 4);
    map->clearSelection();
    QCOMPARE(m_window->gridModel()->rowCount(), 1200);
}

void TestPanels::gridSelectionShowsOnMap()
{
    SampleGridView *grid = m_window->grid();
    grid->setFocus();
    grid->setCurrentIndex(m_window->gridModel()->index(0));
    const qint64 sample = m_window->gridModel()->sampleAt(0);
    QCOMPARE(m_window->session().selection(), QList<qint64>{sample});
    QCOMPARE(m_window->mapPanel()->view()->selection(), std::vector<qint64>{sample});
}

void TestPanels::mapColorsByMetadataColumn()
{
    // The demo's numeric "brightness" column, loaded off the UI thread, becomes a color bar.
    MapPanel *panel = m_window->mapPanel();
    QSignalSpy ready(panel, &MapPanel::colorByReady);
    panel->setColorByMetadata(QStringLiteral("brightness"));
    QTRY_VERIFY(ready.count() >= 1);
    const QImage frame = panel->view()->grab().toImage();
    QVERIFY(!frame.isNull());

    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    const MetadataValues values = MetadataValues::load(*project, QStringLiteral("Brightness"), 1200);
    QVERIFY(values.isNumeric());
    QCOMPARE(values.numbers.size(), size_t(1200));
    auto first = project->database().prepare(
        QStringLiteral("SELECT brightness FROM sample_metadata WHERE sample_index = 0"));
    QVERIFY(first.step());
    QCOMPARE(values.numbers[0], float(first.columnDouble(0)));
    QVERIFY(
        std::all_of(values.numbers.begin(), values.numbers.end(), [](float v) { return std::isfinite(v); }));
    QVERIFY_THROWS_EXCEPTION(Error, MetadataValues::load(*project, QStringLiteral("nope"), 1200));

    // The images step's statistics color the map like imported metadata, with no user metadata.
    const qsizetype before = ready.count();
    panel->setColorByMetadata(QStringLiteral("image_sharpness"));
    QTRY_VERIFY(ready.count() > before);
    const MetadataValues sharpness = MetadataValues::load(*project, QStringLiteral("image_sharpness"), 1200);
    QVERIFY(sharpness.isNumeric());
    QVERIFY(
        std::all_of(sharpness.numbers.begin(), sharpness.numbers.end(), [](float v) { return v >= 0.0f; }));
    // Coloring by pattern grays every sample outside the patterns.
    panel->setColorBy(MapPanel::ColorBy::Pattern);
    QVERIFY(!panel->view()->grab().toImage().isNull());
}

void TestPanels::mapTooltipShowsTheImage()
{
    const QString tip = m_window->mapPanel()->toolTipFor(0);
    QVERIFY(Qt::mightBeRichText(tip));
    QVERIFY(tip.contains(m_window->session().table().ids.at(0)));
    // Qt's text engine (which draws tooltips) finds and decodes the image.
    const QRegularExpressionMatch src = QRegularExpression(QStringLiteral("src=\"([^\"]+)\"")).match(tip);
    QVERIFY(src.hasMatch());
    QTextDocument document;
    document.setHtml(tip);
    const QVariant image = document.resource(QTextDocument::ImageResource, QUrl(src.captured(1)));
    QVERIFY2(image.isValid() && !image.value<QImage>().isNull(), qPrintable(src.captured(1)));
}

void TestPanels::zoomedMapShowsSampleImages()
{
    // Zoomed in on a sample until few are on screen, the map shows the samples' images, decoded
    // by the panel's thumbnail cache off the UI thread and painted as they arrive.
    EmbeddingMapView *view = m_window->mapPanel()->view();
    const std::vector<float> &map = m_window->session().analysis().get<MapResults>().coordinates;
    const QPointF sample(map[0], map[1]);
    for (int i = 0; i < 30 && !view->isImageMode(); ++i) {
        view->zoomBy(1.5, view->mapFromData(sample));
        view->grab();
    }
    QVERIFY(view->isImageMode());
    const size_t tiles = view->thumbnailTiles().size();
    QVERIFY(tiles > 0 && tiles <= size_t(view->imageModeBudget()));
    QTRY_VERIFY_WITH_TIMEOUT((view->grab(), view->loadedThumbnailCount() == int(tiles)), 10000);
    // A click on a thumbnail selects its sample everywhere.
    const auto shown = view->thumbnailTiles();
    const auto inside = std::find_if(shown.begin(), shown.end(), [view](const auto &tile) {
        return view->rect().contains(tile.second.toRect());
    });
    QVERIFY(inside != shown.end());
    const auto [point, cell] = *inside;
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, cell.center().toPoint());
    QCOMPARE(m_window->session().selection(), QList<qint64>{point});
}

void TestPanels::findSimilarExcludesQueryAndFilters()
{
    m_window->grid()->setCurrentIndex(m_window->gridModel()->index(5));
    const qint64 query = m_window->gridModel()->sampleAt(5);
    SimilarPanel *panel = m_window->similarPanel();
    QSignalSpy finished(panel, &SimilarPanel::searchFinished);
    panel->findSimilar();
    panel->waitForSearch();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toString(), QString());
    QCOMPARE(panel->results().size(), size_t(100));
    for (size_t i = 0; i < panel->results().size(); ++i) {
        QVERIFY(panel->results()[i].sample != query);
        if (i > 0)
            QVERIFY(panel->results()[i].distance >= panel->results()[i - 1].distance);
    }
    const QString csv = m_dir.filePath(QStringLiteral("similar.csv"));
    QCOMPARE(panel->exportCsv(csv), QString());
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 101);
}

void TestPanels::acceptSuggestedLabelIsUndoable()
{
    SampleGridModel *grid = m_window->gridModel();
    int row = -1;
    for (int r = 0; r < grid->rowCount() && row < 0; ++r) {
        if (!grid->index(r).data(SampleGridModel::SuggestedRole).toString().isEmpty())
            row = r;
    }
    QVERIFY(row >= 0);
    const QString before = grid->index(row).data(SampleGridModel::LabelRole).toString();
    const QString suggested = grid->index(row).data(SampleGridModel::SuggestedRole).toString();
    m_window->grid()->setFocus();
    m_window->grid()->setCurrentIndex(grid->index(row));
    QTest::keyClick(m_window->grid(), Qt::Key_A);
    QCOMPARE(grid->index(row).data(SampleGridModel::LabelRole).toString(), suggested);
    m_window->session().undoStack()->undo();
    QCOMPARE(grid->index(row).data(SampleGridModel::LabelRole).toString(), before);
}

void TestPanels::filterMenuFiltersBySplitAndClass()
{
    // View > Filter By > Split > test, then > Predicted Class > Bag.
    const auto trigger = [this](const QString &submenu, const QString &item) {
        for (QMenu *menu : m_window->findChildren<QMenu *>()) {
            if (menu->title().remove(QLatin1Char('&')) != submenu)
                continue;
            for (QAction *action : menu->actions()) {
                if (action->text() == item) {
                    action->trigger();
                    return true;
                }
            }
        }
        return false;
    };
    QVERIFY(trigger(QStringLiteral("Split"), QStringLiteral("test")));
    QCOMPARE(m_window->gridModel()->rowCount(), int(countInProject(QStringLiteral("split = 'test'"))));
    QVERIFY(trigger(QStringLiteral("Predicted Class"), QStringLiteral("Bag")));
    QCOMPARE(m_window->gridModel()->rowCount(), int(countInProject(QStringLiteral("predicted = 'Bag'"))));
    QCOMPARE(m_window->session().filterDescription(), QStringLiteral("predicted Bag"));
}

void TestPanels::learningCurveShowsTheRunsHistory()
{
    LearningCurveView *curve = m_window->learningCurve();
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    SqliteDatabase &db = project->database();
    const qint64 epochs = db.queryInt(QStringLiteral("SELECT count(DISTINCT epoch) FROM training_history"));
    QVERIFY(epochs >= 2);
    QCOMPARE(qint64(curve->history().size()), epochs);
    QCOMPARE(
        qint64(curve->bestValidationEpoch()),
        db.queryInt(QStringLiteral(
            "SELECT epoch FROM training_history WHERE metric = 'val_loss' ORDER BY value, epoch LIMIT 1")));
    QCOMPARE(curve->history().front().trainLoss,
             db
                 .queryText(QStringLiteral(
                     "SELECT value FROM training_history WHERE metric = 'train_loss' ORDER BY epoch LIMIT 1"))
                 .toDouble());
    // Both curves are drawn: count pixels of the training blue and the validation orange.
    curve->resize(480, 280);
    const QImage image = curve->grab().toImage();
    int train = 0;
    int validation = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            train += std::abs(c.red() - 46) + std::abs(c.green() - 134) + std::abs(c.blue() - 222) < 30;
            validation += std::abs(c.red() - 230) + std::abs(c.green() - 126) + std::abs(c.blue() - 34) < 30;
        }
    }
    QVERIFY2(train > 100 && validation > 100, qPrintable(QStringLiteral("%1 %2").arg(train).arg(validation)));
    // Without a project the view explains what it needs instead of drawing empty axes.
    m_window->session().close();
    QVERIFY(curve->history().empty());
}

QTEST_MAIN(TestPanels)
#include "tst_panels.moc"
