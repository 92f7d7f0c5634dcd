// The embedding map widget offscreen: lasso, rectangle and click selection, zoom around the
// cursor, hover picking, what the rasterised frame looks like, the highlight, and image mode.

#include "embeddingmapview.h"
#include "maprasterizer.h"
#include "mapthumbnailprovider.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

#include <atomic>
#include <map>
#include <random>
#include <set>

using namespace loupe;

namespace {

constexpr int kSide = 10; // the test map is a kSide x kSide grid of points

/** Point i sits at (i % kSide, i / kSide): integer data coordinates, one unit apart. */
std::vector<float> gridPoints()
{
    std::vector<float> xy;
    for (int i = 0; i < kSide * kSide; ++i)
        xy.insert(xy.end(), {float(i % kSide), float(i / kSide)});
    return xy;
}

QPointF gridPoint(qint64 i)
{
    return QPointF(double(i % kSide), double(i / kSide));
}

/** The grid points inside a data-space polygon, by Qt's own even-odd test. */
std::vector<qint64> gridPointsInside(const QPolygonF &polygon)
{
    std::vector<qint64> inside;
    for (qint64 i = 0; i < kSide * kSide; ++i)
        if (polygon.containsPoint(gridPoint(i), Qt::OddEvenFill))
            inside.push_back(i);
    return inside;
}

/** The device pixel under a widget position in a grabbed frame. */
QRgb pixelAt(const QImage &frame, QPointF widgetPos)
{
    const qreal dpr = frame.devicePixelRatio();
    return frame.pixel(int(widgetPos.x() * dpr), int(widgetPos.y() * dpr)) | 0xff000000;
}

int colorDistance(QRgb a, QRgb b)
{
    return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
}

void sendWheel(QWidget *widget, QPointF pos, int angle)
{
    QWheelEvent wheel(pos, widget->mapToGlobal(pos), QPoint(), QPoint(0, angle), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &wheel);
}

/** Shift/Ctrl drags: press with the modifier, move through the path, release at its end. */
void drag(QWidget *widget, Qt::KeyboardModifiers modifiers, const QList<QPoint> &path)
{
    QTest::mousePress(widget, Qt::LeftButton, modifiers, path.first());
    for (qsizetype i = 1; i < path.size(); ++i)
        QTest::mouseMove(widget, path[i]);
    QTest::mouseRelease(widget, Qt::LeftButton, modifiers, path.last());
}

/** The lasso a user draws along a data-space polygon: several mouse positions per edge. */
QList<QPoint> tracePolygon(const EmbeddingMapView &view, const QPolygonF &polygon)
{
    QList<QPoint> path;
    for (qsizetype i = 0; i < polygon.size(); ++i) {
        const QPointF a = view.mapFromData(polygon[i]),
                      b = view.mapFromData(polygon[(i + 1) % polygon.size()]);
        for (int step = 0; step < 8; ++step)
            path << (a + (b - a) * (step / 8.0)).toPoint();
    }
    return path;
}

std::vector<qint64> ids(std::initializer_list<qint64> list)
{
    return std::vector<qint64>(list);
}

/** The flat color of point i's test image: dark, and far from every frame and tint color. */
QRgb imageColor(qint64 i)
{
    return qRgb(int(i % 7) * 8, 20, 30);
}

QImage flatImage(QSize size, QRgb color)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(color);
    return image;
}

/** Answers at once, as a warm cache would. */
class InstantProvider final : public MapThumbnailProvider
{
public:
    QImage thumbnail(qint64 point) override { return flatImage(QSize(56, 56), imageColor(point)); }
};

/**
 * Answers as the app's cache does: a miss starts the image on a worker thread, and the image is
 * handed over (and announced) on the UI thread.
 */
class AsyncProvider final : public MapThumbnailProvider
{
public:
    AsyncProvider() { m_pool.setMaxThreadCount(2); }
    ~AsyncProvider() override { m_pool.waitForDone(); }

    QImage thumbnail(qint64 point) override
    {
        if (const auto it = m_images.find(point); it != m_images.end())
            return it->second;
        if (m_requested.insert(point).second) {
            QThread *ui = QThread::currentThread();
            (void)QtConcurrent::run(&m_pool, [this, point, ui] {
                if (QThread::currentThread() == ui)
                    m_madeOnUiThread = true;
                const QImage image = flatImage(m_size, imageColor(point));
                QMetaObject::invokeMethod(
                    &m_context, [this, point, image] { deliver(point, image); }, Qt::QueuedConnection);
            });
        }
        return {};
    }
    void setImageSize(QSize devicePixels) override { m_size = devicePixels; }

    int delivered() const { return int(m_images.size()); }
    int requested() const { return int(m_requested.size()); }
    bool madeOnUiThread() const { return m_madeOnUiThread; }

private:
    void deliver(qint64 point, const QImage &image)
    {
        m_images[point] = image;
        notifyReady(point);
    }

    QObject m_context; // the UI thread's: delivery happens there
    QThreadPool m_pool;
    QSize m_size{56, 56};
    std::map<qint64, QImage> m_images;
    std::set<qint64> m_requested;
    std::atomic_bool m_madeOnUiThread{false};
};

/** Zooms in around data point at by factor (wheel notches at its position). */
void zoomAround(EmbeddingMapView &view, QPointF at, int notches)
{
    for (int i = 0; i < std::abs(notches); ++i)
        sendWheel(&view, view.mapFromData(at), notches > 0 ? 120 : -120);
}

} // namespace

class TestEmbeddingMapView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void lassoSelectsExactlyThePointsInside();
    void shiftLassoAddsAndAltRectangleSubtracts();
    void shiftDragSelectsRectangle();
    void escapeClearsSelection();
    void clickSelectsPointUnderCursor();
    void plainDragPansWithoutSelecting();
    void wheelZoomKeepsPointUnderCursorFixed();
    void hoverFindsNearestPoint();
    void doubleClickActivatesPoint();
    void largeMapIndexIsBuiltInTheBackground();
    void pointPixelHasPointColor();
    void dimmedPointsDifferFromSelected();
    void denseMapTurnsIntoDensityView();
    void frameDoesNotDependOnThreadCount();
    void highDpiFrameIsInDevicePixels();
    void highlightDrawsMembersOverDimmedRest();
    void imageModeTurnsOnUnderBudgetAndOffWhenZoomedOut();
    void zoomingOutGoesFromImagesToPointsToDensity();
    void thumbnailsArriveAsynchronouslyAndAreDrawn();
    void clickOnThumbnailSelectsItsSample();
    void selectedAndDimmedStatesShowOnThumbnails();
    void crowdedCellShowsMostRelevantPoint();

private:
    std::unique_ptr<EmbeddingMapView> m_view;
};

void TestEmbeddingMapView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestEmbeddingMapView::init()
{
    m_view = std::make_unique<EmbeddingMapView>();
    m_view->resize(400, 300);
    m_view->setPoints(gridPoints());
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestEmbeddingMapView::cleanup()
{
    m_view.reset();
}

void TestEmbeddingMapView::lassoSelectsExactlyThePointsInside()
{
    // A concave L, so a convex-hull shortcut would be caught; edges lie between grid points.
    const QPolygonF lasso{{-0.5, -0.5}, {7.5, -0.5}, {7.5, 2.5}, {2.5, 2.5}, {2.5, 7.5}, {-0.5, 7.5}};
    QSignalSpy changed(m_view.get(), &EmbeddingMapView::selectionChanged);
    drag(m_view.get(), Qt::ControlModifier, tracePolygon(*m_view, lasso));
    const std::vector<qint64> expected = gridPointsInside(lasso);
    QCOMPARE(expected.size(), size_t(8 * 3 + 3 * 5)); // the L's two arms
    QCOMPARE(m_view->selection(), expected);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().value<std::vector<qint64>>(), expected);
}

void TestEmbeddingMapView::shiftLassoAddsAndAltRectangleSubtracts()
{
    const QPolygonF first{{-0.5, -0.5}, {1.5, -0.5}, {1.5, 1.5}, {-0.5, 1.5}};
    const QPolygonF second{{7.2, 7.5}, {9.5, 7.5}, {9.5, 9.8}}; // (8, 8), (9, 8) and (9, 9)
    drag(m_view.get(), Qt::ControlModifier, tracePolygon(*m_view, first));
    drag(m_view.get(), Qt::ControlModifier | Qt::ShiftModifier, tracePolygon(*m_view, second));
    QCOMPARE(m_view->selection(), ids({0, 1, 10, 11, 88, 89, 99}));

    const QPoint from = m_view->mapFromData({0.5, -0.5}).toPoint(),
                 to = m_view->mapFromData({1.5, 1.5}).toPoint();
    drag(m_view.get(), Qt::ShiftModifier | Qt::AltModifier, {from, (from + to) / 2, to});
    QCOMPARE(m_view->selection(), ids({0, 10, 88, 89, 99}));
}

void TestEmbeddingMapView::shiftDragSelectsRectangle()
{
    const QPoint from = m_view->mapFromData({1.5, 1.5}).toPoint(),
                 to = m_view->mapFromData({4.5, 3.5}).toPoint();
    drag(m_view.get(), Qt::ShiftModifier, {from, (from + to) / 2, to});
    QCOMPARE(m_view->selection(), ids({22, 23, 24, 32, 33, 34}));

    // A rectangle dragged the other way round selects the same points.
    m_view->clearSelection();
    drag(m_view.get(), Qt::ShiftModifier, {to, (from + to) / 2, from});
    QCOMPARE(m_view->selection(), ids({22, 23, 24, 32, 33, 34}));
}

void TestEmbeddingMapView::escapeClearsSelection()
{
    m_view->setSelection(ids({5, 3, 3, 500, -1}));
    QCOMPARE(m_view->selection(), ids({3, 5})); // sorted, unique, in range
    QSignalSpy changed(m_view.get(), &EmbeddingMapView::selectionChanged);
    QTest::keyClick(m_view.get(), Qt::Key_Escape);
    QVERIFY(m_view->selection().empty());
    QCOMPARE(changed.count(), 1);
}

void TestEmbeddingMapView::clickSelectsPointUnderCursor()
{
    QTest::mouseClick(m_view.get(), Qt::LeftButton, Qt::NoModifier,
                      m_view->mapFromData({5.05, 5.0}).toPoint());
    QCOMPARE(m_view->selection(), ids({55}));
    QTest::mouseClick(m_view.get(), Qt::LeftButton, Qt::ControlModifier,
                      m_view->mapFromData({6, 5}).toPoint());
    QCOMPARE(m_view->selection(), ids({55, 56}));
    QTest::mouseClick(m_view.get(), Qt::LeftButton, Qt::ControlModifier,
                      m_view->mapFromData({5, 5}).toPoint());
    QCOMPARE(m_view->selection(), ids({56}));
    // Halfway between points is empty space: a plain click there clears.
    QTest::mouseClick(m_view.get(), Qt::LeftButton, Qt::NoModifier,
                      m_view->mapFromData({5.5, 5.5}).toPoint());
    QVERIFY(m_view->selection().empty());
}

void TestEmbeddingMapView::plainDragPansWithoutSelecting()
{
    const QPointF before = m_view->mapFromData(gridPoint(44));
    drag(m_view.get(), Qt::NoModifier, {QPoint(200, 150), QPoint(230, 140), QPoint(260, 130)});
    QVERIFY(m_view->selection().empty());
    const QPointF after = m_view->mapFromData(gridPoint(44));
    QVERIFY(std::abs(after.x() - before.x() - 60) < 1e-9);
    QVERIFY(std::abs(after.y() - before.y() + 20) < 1e-9);
}

void TestEmbeddingMapView::wheelZoomKeepsPointUnderCursorFixed()
{
    const QPointF cursor = m_view->mapFromData(gridPoint(37));
    const QPointF dataUnderCursor = m_view->mapToData(cursor);
    const double zoom = m_view->zoom();
    QSignalSpy viewChanged(m_view.get(), &EmbeddingMapView::viewChanged);
    sendWheel(m_view.get(), cursor, 120);
    sendWheel(m_view.get(), cursor, 240);
    QCOMPARE(viewChanged.count(), 2);
    QVERIFY(m_view->zoom() > zoom * 1.9);
    const QPointF after = m_view->mapFromData(dataUnderCursor);
    QVERIFY2(std::hypot(after.x() - cursor.x(), after.y() - cursor.y()) < 1e-6,
             qPrintable(QStringLiteral("moved to %1,%2").arg(after.x()).arg(after.y())));
    // The rendered point is still under the cursor, while its neighbour moved away.
    m_view->setCategoricalColors(std::vector<int>(kSide * kSide, 3));
    const QImage frame = m_view->grab().toImage();
    QCOMPARE(pixelAt(frame, cursor), colormaps::categoricalColor(3).rgb());
    QVERIFY(m_view->mapFromData(gridPoint(38)).x() - cursor.x() > 1.9 * zoom);
}

void TestEmbeddingMapView::hoverFindsNearestPoint()
{
    QSignalSpy hovered(m_view.get(), &EmbeddingMapView::hovered);
    QTest::mouseMove(m_view.get(), (m_view->mapFromData(gridPoint(64)) + QPointF(2, 1)).toPoint());
    QCOMPARE(m_view->hoveredPoint(), qint64(64));
    QVERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().first().toLongLong(), qint64(64));
    // A few pixels from a point, well inside the pick distance: QTest moves by a pixel at scale 2.
    QTest::mouseMove(m_view.get(), m_view->mapFromData({4.9, 6.05}).toPoint());
    QCOMPARE(m_view->hoveredPoint(), qint64(65));
    QTest::mouseMove(m_view.get(), m_view->mapFromData({4.1, 5.95}).toPoint());
    QCOMPARE(m_view->hoveredPoint(), qint64(64));
    // Halfway between four points is farther than the pick distance from all of them.
    QTest::mouseMove(m_view.get(), m_view->mapFromData({4.5, 6.5}).toPoint());
    QCOMPARE(m_view->hoveredPoint(), qint64(-1));
    QCOMPARE(hovered.last().first().toLongLong(), qint64(-1));
}

void TestEmbeddingMapView::doubleClickActivatesPoint()
{
    QSignalSpy activated(m_view.get(), &EmbeddingMapView::activated);
    QTest::mouseDClick(m_view.get(), Qt::LeftButton, Qt::NoModifier,
                       m_view->mapFromData(gridPoint(23)).toPoint());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toLongLong(), qint64(23));
}

void TestEmbeddingMapView::largeMapIndexIsBuiltInTheBackground()
{
    // Above the synchronous limit the kd-tree is built on a worker; asking for a point waits for it.
    constexpr int columns = 500, rows = 300;
    std::vector<float> xy;
    for (int i = 0; i < columns * rows; ++i)
        xy.insert(xy.end(), {float(i % columns), float(i / columns)});
    m_view->setPoints(std::move(xy));
    const qint64 target = 123 * columns + 321;
    for (int i = 0; i < 8; ++i) // zoom in so neighbours are far apart on screen
        sendWheel(m_view.get(), m_view->mapFromData({321, 123}), 240);
    QCOMPARE(m_view->pointAt(m_view->mapFromData({321.2, 122.9})), target);
    QCOMPARE(m_view->pointAt(m_view->mapFromData({321.5, 122.5})), qint64(-1));
}

void TestEmbeddingMapView::pointPixelHasPointColor()
{
    const QList<QColor> palette{QColor(0xd62728), QColor(0x2ca02c), QColor(0x1f77b4)};
    std::vector<int> category;
    for (int i = 0; i < kSide * kSide; ++i)
        category.push_back(i % 3);
    m_view->setCategoricalColors(category, palette);
    const QImage frame = m_view->grab().toImage();
    QVERIFY(!m_view->isDensityView());
    for (qint64 i : {11, 45, 46, 47, 78}) {
        QCOMPARE(pixelAt(frame, m_view->mapFromData(gridPoint(i))), palette[int(i % 3)].rgb());
    }
    // Between points is background.
    const QRgb background = m_view->palette().color(QPalette::Base).rgb();
    QCOMPARE(pixelAt(frame, m_view->mapFromData({4.5, 4.5})), background);
}

void TestEmbeddingMapView::dimmedPointsDifferFromSelected()
{
    const QColor color(0x9467bd);
    m_view->setColors(std::vector<QRgb>(kSide * kSide, color.rgb()));
    m_view->setSelection(ids({44}));
    const QImage frame = m_view->grab().toImage();
    const QRgb selected = pixelAt(frame, m_view->mapFromData(gridPoint(44)));
    const QRgb dimmed = pixelAt(frame, m_view->mapFromData(gridPoint(45)));
    const QRgb background = m_view->palette().color(QPalette::Base).rgb();
    QCOMPARE(selected, color.rgb());
    QVERIFY(dimmed != selected);
    QVERIFY(dimmed != background); // still visible
    QVERIFY(colorDistance(dimmed, background) < colorDistance(selected, background) / 2);
}

void TestEmbeddingMapView::denseMapTurnsIntoDensityView()
{
    // 200,000 points in a blob a few data units wide: many points per pixel when fitted. 70 % red
    // and 30 % blue, shuffled: the dominant color of the densest pixels is red.
    std::mt19937 random(7);
    std::normal_distribution<float> gauss(0.f, 1.f);
    std::vector<float> xy;
    std::vector<QRgb> colors;
    for (int i = 0; i < 200000; ++i) {
        xy.insert(xy.end(), {gauss(random), gauss(random)});
        colors.push_back(random() % 10 < 7 ? qRgb(220, 0, 0) : qRgb(0, 0, 220));
    }
    m_view->setPoints(xy);
    m_view->setColors(colors);
    const QImage frame = m_view->grab().toImage();
    QVERIFY(m_view->isDensityView());
    const QRgb centre = pixelAt(frame, m_view->mapFromData({0, 0}));
    QVERIFY2(qRed(centre) > 150 && qBlue(centre) < 60, qPrintable(QString::number(centre, 16)));

    // Zoomed in far, the same points are sprites again.
    for (int i = 0; i < 12; ++i)
        sendWheel(m_view.get(), QPointF(200, 150), 240);
    m_view->grab();
    QVERIFY(!m_view->isDensityView());
}

void TestEmbeddingMapView::frameDoesNotDependOnThreadCount()
{
    std::mt19937 random(3);
    std::uniform_real_distribution<float> uniform(-1.f, 1.f);
    std::vector<float> xy(2 * 300000);
    std::vector<QRgb> colors(300000);
    std::vector<quint8> selected(300000);
    for (size_t i = 0; i < colors.size(); ++i) {
        xy[2 * i] = uniform(random) * uniform(random); // clustered towards the middle
        xy[2 * i + 1] = uniform(random);
        colors[i] = colormaps::categoricalColor(int(i % 7)).rgb();
        selected[i] = i % 5 == 0;
    }
    MapRasterizer rasterizer;
    for (double scale : {150.0, 4000.0}) { // density view, then sprites
        MapFrame frame{xy,  colors,     selected, QSize(320, 240), 1.0, QPointF(0.1, 0), scale,
                       1.3, 0xffffffff, false};
        rasterizer.setThreadCount(1);
        const QImage one = rasterizer.render(frame);
        const MapRasterizer::Look look = rasterizer.lastStats().look;
        rasterizer.setThreadCount(4);
        QCOMPARE(rasterizer.render(frame), one);
        QCOMPARE(int(rasterizer.lastStats().look), int(look));
        QCOMPARE(int(look), int(scale < 1000 ? MapRasterizer::Look::Density : MapRasterizer::Look::Sprites));
    }
}

void TestEmbeddingMapView::highDpiFrameIsInDevicePixels()
{
    const std::vector<float> xy{0.f, 0.f};
    const std::vector<QRgb> colors{qRgb(10, 20, 30)};
    MapRasterizer rasterizer;
    // 100 x 80 logical pixels at ratio 2; the point's disc has a 1.3 logical pixel radius.
    const MapFrame frame{xy, colors, {}, QSize(200, 160), 2.0, QPointF(0, 0), 2.0, 2.6, 0xffffffff, false};
    const QImage image = rasterizer.render(frame);
    QCOMPARE(image.size(), QSize(200, 160));
    QCOMPARE(image.devicePixelRatio(), 2.0);
    QCOMPARE(image.pixel(100, 80), qRgb(10, 20, 30));
    QCOMPARE(image.pixel(101, 80), qRgb(10, 20, 30)); // about 5 device pixels across
    QCOMPARE(image.pixel(99, 79), qRgb(10, 20, 30));
    QCOMPARE(image.pixel(100, 85), qRgb(255, 255, 255));
}

void TestEmbeddingMapView::highlightDrawsMembersOverDimmedRest()
{
    const QColor color(0x9467bd);
    m_view->setColors(std::vector<QRgb>(kSide * kSide, color.rgb()));
    m_view->setHighlight(ids({44, 46, 46, 999}), QStringLiteral("cluster 3"));
    QCOMPARE(m_view->highlight(), ids({44, 46}));
    QVERIFY(!m_view->isDimmed(44));
    QVERIFY(m_view->isDimmed(45));
    const QImage frame = m_view->grab().toImage();
    const QRgb background = m_view->palette().color(QPalette::Base).rgb();
    QCOMPARE(pixelAt(frame, m_view->mapFromData(gridPoint(44))), color.rgb());
    const QRgb dimmed = pixelAt(frame, m_view->mapFromData(gridPoint(45)));
    QVERIFY(colorDistance(dimmed, background) < colorDistance(color.rgb(), background) / 2);
    // A selection stands out as well, without hiding the highlight (the grid selects in a cluster).
    m_view->setSelection(ids({45}));
    QVERIFY(!m_view->isDimmed(44));
    QVERIFY(!m_view->isDimmed(45));
    QVERIFY(m_view->isDimmed(47));
    m_view->clearSelection();
    QVERIFY(m_view->isDimmed(45));
    m_view->setHighlight({});
    QVERIFY(!m_view->isDimmed(47));
}

void TestEmbeddingMapView::imageModeTurnsOnUnderBudgetAndOffWhenZoomedOut()
{
    m_view->setImageModeBudget(20);
    m_view->setThumbnailProvider(std::make_shared<InstantProvider>());
    m_view->grab();
    QVERIFY(!m_view->isImageMode()); // 100 points on screen
    QVERIFY(m_view->thumbnailTiles().empty());
    zoomAround(*m_view, gridPoint(44), 6); // about 4 x 3 points on screen
    m_view->grab();
    QVERIFY(m_view->isImageMode());
    const auto tiles = m_view->thumbnailTiles();
    QVERIFY(!tiles.empty() && tiles.size() <= 20);
    // Every point on screen is under its thumbnail (one point per cell at this zoom).
    for (qint64 i = 0; i < kSide * kSide; ++i) {
        const QPointF at = m_view->mapFromData(gridPoint(i));
        if (!m_view->rect().contains(at.toPoint()))
            continue;
        QVERIFY(std::any_of(tiles.begin(), tiles.end(),
                            [&](const auto &tile) { return tile.first == i && tile.second.contains(at); }));
    }
    zoomAround(*m_view, gridPoint(44), -6);
    m_view->grab();
    QVERIFY(!m_view->isImageMode());
    QVERIFY(!m_view->isDensityView()); // points again
    // Without a provider there is no image mode, however far in.
    m_view->setThumbnailProvider(nullptr);
    zoomAround(*m_view, gridPoint(44), 6);
    m_view->grab();
    QVERIFY(!m_view->isImageMode());
}

void TestEmbeddingMapView::zoomingOutGoesFromImagesToPointsToDensity()
{
    // 200,000 points in a blob: a density view when fitted, images when zoomed far in.
    std::mt19937 random(11);
    std::normal_distribution<float> gauss(0.f, 1.f);
    std::vector<float> xy;
    for (int i = 0; i < 200000; ++i)
        xy.insert(xy.end(), {gauss(random), gauss(random)});
    m_view->setPoints(xy);
    m_view->setThumbnailProvider(std::make_shared<InstantProvider>());
    m_view->pointAt(QPointF(0, 0)); // waits for the kd-tree, built on a worker at this size
    const QPointF middle(200, 150);
    for (int i = 0; i < 12; ++i) // 1.25^24: about a hundred points on screen
        sendWheel(m_view.get(), middle, 240);
    m_view->grab();
    QVERIFY(m_view->isImageMode());
    QVERIFY(m_view->thumbnailTiles().size() > 0);
    // Out step by step: images, then points, then density, each kept until the next takes over.
    QList<int> looks; // 0 images, 1 points, 2 density
    for (int i = 0; i < 40; ++i) {
        sendWheel(m_view.get(), middle, -120);
        m_view->grab();
        const int look = m_view->isImageMode() ? 0 : m_view->isDensityView() ? 2 : 1;
        if (looks.isEmpty() || looks.last() != look)
            looks << look;
    }
    QCOMPARE(looks, QList<int>({0, 1, 2}));
}

void TestEmbeddingMapView::thumbnailsArriveAsynchronouslyAndAreDrawn()
{
    const QList<QColor> palette{QColor(0xd62728), QColor(0x2ca02c), QColor(0x1f77b4)};
    std::vector<int> category;
    for (int i = 0; i < kSide * kSide; ++i)
        category.push_back(i % 3);
    m_view->setCategoricalColors(category, palette);
    auto provider = std::make_shared<AsyncProvider>();
    m_view->setImageModeBudget(20);
    m_view->setThumbnailProvider(provider);
    zoomAround(*m_view, gridPoint(44), 6);
    m_view->grab();
    QVERIFY(m_view->isImageMode());
    const auto tiles = m_view->thumbnailTiles();
    QCOMPARE(m_view->loadedThumbnailCount(), 0); // nothing was ready: placeholders
    QCOMPARE(provider->requested(), int(tiles.size()));
    // They stream in without anyone asking again: the view repaints when one arrives.
    QTRY_COMPARE(provider->delivered(), int(tiles.size()));
    QTRY_COMPARE(m_view->loadedThumbnailCount(), int(tiles.size()));
    QVERIFY(!provider->madeOnUiThread());
    const QImage frame = m_view->grab().toImage();
    for (const auto &[point, cell] : tiles) {
        const QRectF visible = cell.intersected(m_view->rect());
        if (visible.width() < cell.width() || visible.height() < cell.height())
            continue; // cut by the widget's edge
        // The frame (2 px in from the cell's edge, 3 px wide) has the point's color; the image its own.
        QCOMPARE(pixelAt(frame, cell.topLeft() + QPointF(3.5, cell.height() / 2)),
                 palette[int(point % 3)].rgb());
        QCOMPARE(pixelAt(frame, cell.center()), imageColor(point));
    }
}

void TestEmbeddingMapView::clickOnThumbnailSelectsItsSample()
{
    m_view->setImageModeBudget(20);
    m_view->setThumbnailProvider(std::make_shared<InstantProvider>());
    zoomAround(*m_view, gridPoint(44), 6);
    m_view->grab();
    QVERIFY(m_view->isImageMode());
    // A tile's corner farthest from its point: the point itself is out of pick distance there.
    const auto tiles = m_view->thumbnailTiles();
    const auto tile = std::find_if(tiles.begin(), tiles.end(), [](const auto &t) { return t.first == 44; });
    QVERIFY(tile != tiles.end());
    const QPointF point = m_view->mapFromData(gridPoint(44));
    const QRectF cell = tile->second;
    const QPointF corner(point.x() < cell.center().x() ? cell.right() - 4 : cell.left() + 4,
                         point.y() < cell.center().y() ? cell.bottom() - 4 : cell.top() + 4);
    QVERIFY(QLineF(corner, point).length() > 20);
    QTest::mouseMove(m_view.get(), corner.toPoint());
    QCOMPARE(m_view->hoveredPoint(), qint64(44));
    QTest::mouseClick(m_view.get(), Qt::LeftButton, Qt::NoModifier, corner.toPoint());
    QCOMPARE(m_view->selection(), ids({44}));
    // A rectangle around a thumbnail's centre catches it, wherever its point is in the cell.
    m_view->clearSelection();
    const QPoint from = (cell.center() - QPointF(8, 8)).toPoint(),
                 to = (cell.center() + QPointF(8, 8)).toPoint();
    drag(m_view.get(), Qt::ShiftModifier, {from, (from + to) / 2, to});
    QVERIFY(std::binary_search(m_view->selection().begin(), m_view->selection().end(), qint64(44)));
}

void TestEmbeddingMapView::selectedAndDimmedStatesShowOnThumbnails()
{
    const QColor color(0x9467bd);
    m_view->setColors(std::vector<QRgb>(kSide * kSide, color.rgb()));
    m_view->setImageModeBudget(20);
    m_view->setThumbnailProvider(std::make_shared<InstantProvider>());
    zoomAround(*m_view, gridPoint(34), 6); // the wheel leaves 34 hovered, with its own ring
    QCOMPARE(m_view->hoveredPoint(), qint64(34));
    m_view->setSelection(ids({44}));
    const QImage frame = m_view->grab().toImage();
    QVERIFY(m_view->isImageMode());
    const QRgb background = m_view->palette().color(QPalette::Base).rgb();
    const QRgb highlight = m_view->palette().color(QPalette::Highlight).rgb();
    bool sawSelected = false;
    for (const auto &[point, cell] : m_view->thumbnailTiles()) {
        if (!m_view->rect().contains(cell.toAlignedRect()) || point == 34)
            continue;
        const QRgb frameColor = pixelAt(frame, cell.topLeft() + QPointF(3.5, cell.height() / 2));
        const QRgb ring = pixelAt(frame, cell.topLeft() + QPointF(0.5, cell.height() / 2));
        const QRgb image = pixelAt(frame, cell.center());
        if (point == 44) {
            sawSelected = true;
            QCOMPARE(frameColor, color.rgb());
            QCOMPARE(ring, highlight); // the selection ring
            QCOMPARE(image, imageColor(44));
        } else {
            QVERIFY(colorDistance(frameColor, background) < colorDistance(color.rgb(), background) / 2);
            QCOMPARE(ring, background);
            // The image is faded toward the background.
            QVERIFY(colorDistance(image, background) < colorDistance(imageColor(point), background) / 2);
        }
    }
    QVERIFY(sawSelected);
}

void TestEmbeddingMapView::crowdedCellShowsMostRelevantPoint()
{
    // Three points within a fraction of a cell, one far away: one thumbnail for the three.
    m_view->setPoints({0.5f, 0.5f, 0.51f, 0.5f, 0.5f, 0.51f, 5.f, 5.f});
    m_view->setThumbnailProvider(std::make_shared<InstantProvider>());
    const auto shownNear = [this] {
        m_view->grab();
        for (const auto &[point, cell] : m_view->thumbnailTiles())
            if (point != 3)
                return point;
        return qint64(-1);
    };
    QCOMPARE(shownNear(), qint64(0)); // ties: the lowest index
    m_view->setPriorities({0.1f, 0.9f, NAN, 0.f});
    QCOMPARE(shownNear(), qint64(1)); // the highest priority
    m_view->setSelection(ids({2}));
    QCOMPARE(shownNear(), qint64(2)); // the selected, whatever its priority
    m_view->clearSelection();
    m_view->setHighlight(ids({0}));
    QCOMPARE(shownNear(), qint64(0)); // highlighted
    QCOMPARE(m_view->thumbnailTiles().size(), size_t(2));
}

QTEST_MAIN(TestEmbeddingMapView)
#include "tst_embeddingmapview.moc"
