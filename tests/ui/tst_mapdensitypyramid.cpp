// The map's density pyramid: counts conserved from level to level, majority and mean colors, and
// frames drawn from it against frames drawn from the points (same look, nearly the same pixels),
// the fallbacks to the points, and the widget building it in the background.

#include "colormaps.h"
#include "embeddingmapview.h"
#include "mapdensitypyramid.h"
#include "maprasterizer.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace loupe;

namespace {

struct Points
{
    std::vector<float> xy;
    std::vector<QRgb> colors;
};

/** Points in eight elongated Gaussian clusters of four colors, shuffled, plus a few non-finite ones. */
Points clusters(qint64 n, unsigned seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<float> gauss(0.f, 1.f);
    const QList<QColor> palette = colormaps::categorical();
    Points points;
    for (qint64 i = 0; i < n; ++i) {
        const int k = int(random() % 8);
        const float cx = float(k % 4) * 6.f, cy = float(k / 4) * 5.f;
        points.xy.insert(points.xy.end(), {cx + gauss(random) * 1.4f, cy + gauss(random) * 0.7f});
        points.colors.push_back(palette[k % 4].rgb());
    }
    for (qint64 i = 0; i < n; i += 997)
        points.xy[size_t(2 * i)] = NAN;
    return points;
}

qint64 finiteCount(const std::vector<float> &xy)
{
    qint64 count = 0;
    for (size_t i = 0; i + 1 < xy.size(); i += 2)
        count += std::isfinite(xy[i]) && std::isfinite(xy[i + 1]);
    return count;
}

qint64 layerTotal(const MapDensityPyramid::Grid &grid)
{
    qint64 total = 0;
    for (const MapDensityPyramid::Cell &cell : grid.cells)
        total += cell.count;
    return total;
}

MapFrame fitFrame(const Points &points, QSize size)
{
    MapFrame frame;
    frame.xy = points.xy;
    frame.colors = points.colors;
    frame.deviceSize = size;
    frame.center = QPointF(9, 2.5);
    frame.scale = std::min(size.width() / 30.0, size.height() / 14.0);
    return frame;
}

/**
 * How far two frames differ, in blocks of 4 x 4 pixels: a lone point may land one pixel over
 * from one frame to the other, which a per-pixel comparison would count twice.
 */
struct Difference
{
    double coveredRatio = 0;  // covered pixels, b over a
    double blockCoverage = 0; // mean difference of the covered share, over blocks covered in either
    double blockChannel =
        0; // mean channel difference of the blocks' mean colors, over blocks covered in both
};

Difference compare(const QImage &a, const QImage &b, QRgb background)
{
    constexpr int kBlock = 4;
    const auto covered = [&](QRgb p) {
        return (p | 0xff000000) != (background | 0xff000000);
    };
    qint64 coveredA = 0, coveredB = 0, either = 0, both = 0;
    double coverage = 0, channels = 0;
    for (int by = 0; by + kBlock <= a.height(); by += kBlock) {
        for (int bx = 0; bx + kBlock <= a.width(); bx += kBlock) {
            int inA = 0, inB = 0;
            double sumA[3] = {}, sumB[3] = {};
            for (int y = by; y < by + kBlock; ++y) {
                for (int x = bx; x < bx + kBlock; ++x) {
                    const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
                    inA += covered(p);
                    inB += covered(q);
                    sumA[0] += qRed(p), sumA[1] += qGreen(p), sumA[2] += qBlue(p);
                    sumB[0] += qRed(q), sumB[1] += qGreen(q), sumB[2] += qBlue(q);
                }
            }
            coveredA += inA;
            coveredB += inB;
            if (inA == 0 && inB == 0)
                continue;
            ++either;
            coverage += std::abs(inA - inB) / double(kBlock * kBlock);
            if (inA > 0 && inB > 0) {
                ++both;
                for (int c = 0; c < 3; ++c)
                    channels += std::abs(sumA[c] - sumB[c]) / (kBlock * kBlock) / 3;
            }
        }
    }
    return {coveredA ? double(coveredB) / double(coveredA) : 0.0, either ? coverage / double(either) : 0.0,
            both ? channels / double(both) : 0.0};
}

} // namespace

class TestMapDensityPyramid : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsAreConservedAtEveryLevel();
    void cellsHoldTheirMajorityAndMeanColors();
    void selectionSplitsThePointsIntoLayers();
    void emptyAndDegenerateMaps();
    void frameFromPyramidMatchesFrameFromPoints_data();
    void frameFromPyramidMatchesFrameFromPoints();
    void zoomedInOrSparseViewsUseThePoints();
    void widgetBuildsThePyramidInTheBackground();
};

void TestMapDensityPyramid::countsAreConservedAtEveryLevel()
{
    const Points points = clusters(50000, 1);
    const MapDensityPyramid pyramid(points.xy, points.colors, {});
    QCOMPARE(pyramid.pointCount(), qint64(50000));
    QCOMPARE(pyramid.layerCount(), 1);
    QVERIFY(pyramid.levels().size() >= 3);
    QCOMPARE(pyramid.levels().front().side, 256); // the power of two at or above sqrt(50,000)
    const qint64 finite = finiteCount(points.xy);
    for (size_t l = 0; l < pyramid.levels().size(); ++l) {
        const MapDensityPyramid::Level &level = pyramid.levels()[l];
        if (l > 0) {
            QCOMPARE(level.side, pyramid.levels()[l - 1].side / 2);
            QCOMPARE(level.cellSize, pyramid.levels()[l - 1].cellSize * 2);
        }
        const MapDensityPyramid::Grid &grid = level.layers.front();
        QCOMPARE(layerTotal(grid), finite);
        QCOMPARE(grid.rowStart.size(), size_t(level.side) + 1);
        for (int row = 0; row < level.side; ++row) {
            QVERIFY(grid.rowStart[size_t(row)] <= grid.rowStart[size_t(row) + 1]);
            for (quint32 c = grid.rowStart[size_t(row)]; c < grid.rowStart[size_t(row) + 1]; ++c) {
                QVERIFY(grid.cells[c].column < level.side);
                QVERIFY(grid.cells[c].count > 0);
                if (c > grid.rowStart[size_t(row)])
                    QVERIFY(grid.cells[c - 1].column < grid.cells[c].column);
            }
        }
    }
    // Every point counts in the cell that holds it.
    const MapDensityPyramid::Level &finest = pyramid.levels().front();
    const QPointF origin = pyramid.origin();
    std::vector<quint32> expected(size_t(finest.side) * finest.side, 0);
    for (size_t i = 0; i + 1 < points.xy.size(); i += 2) {
        if (!std::isfinite(points.xy[i]))
            continue;
        const int column = std::min(finest.side - 1, int((points.xy[i] - origin.x()) / finest.cellSize));
        const int row = std::min(finest.side - 1, int((points.xy[i + 1] - origin.y()) / finest.cellSize));
        ++expected[size_t(row) * finest.side + column];
    }
    const MapDensityPyramid::Grid &grid = finest.layers.front();
    for (int row = 0; row < finest.side; ++row)
        for (quint32 c = grid.rowStart[size_t(row)]; c < grid.rowStart[size_t(row) + 1]; ++c)
            QCOMPARE(grid.cells[c].count, expected[size_t(row) * finest.side + grid.cells[c].column]);
    QCOMPARE(pyramid.levelFor(finest.cellSize * 0.99), nullptr);
    QCOMPARE(pyramid.levelFor(finest.cellSize), &finest);
    QCOMPARE(pyramid.levelFor(finest.cellSize * 4.5), &pyramid.levels()[2]);
}

void TestMapDensityPyramid::cellsHoldTheirMajorityAndMeanColors()
{
    // Two far corners fix the extent at 64 finest cells of one unit; the points at (10.5, 10.5)
    // are seven red and three blue in alternation, those at (20.5, 30.5) all green.
    Points points;
    const auto add = [&](float x, float y, QRgb color) {
        points.xy.insert(points.xy.end(), {x, y});
        points.colors.push_back(color);
    };
    add(0, 0, qRgb(0, 0, 0));
    add(64 / (1 + 1e-6) - 1e-4f, 64 / (1 + 1e-6) - 1e-4f, qRgb(0, 0, 0));
    const QRgb red = qRgb(200, 0, 0), blue = qRgb(0, 0, 100), green = qRgb(0, 160, 0);
    for (int i = 0; i < 10; ++i)
        add(10.5f, 10.5f, i % 3 == 1 ? blue : red); // blue at 1, 4, 7
    for (int i = 0; i < 5; ++i)
        add(20.5f, 30.5f, green);
    const MapDensityPyramid pyramid(points.xy, points.colors, {});
    const MapDensityPyramid::Level &finest = pyramid.levels().front();
    QCOMPARE(finest.side, 64);
    QVERIFY(std::abs(finest.cellSize - 1.0) < 1e-3);
    const auto cellAt = [&](const MapDensityPyramid::Level &level, int column, int row) {
        const MapDensityPyramid::Grid &grid = level.layers.front();
        for (quint32 c = grid.rowStart[size_t(row)]; c < grid.rowStart[size_t(row) + 1]; ++c)
            if (grid.cells[c].column == column)
                return grid.cells[c];
        return MapDensityPyramid::Cell{};
    };
    const MapDensityPyramid::Cell mixed = cellAt(finest, 10, 10);
    QCOMPARE(mixed.count, 10u);
    QCOMPARE(mixed.dominant, red | 0xff000000);
    QCOMPARE(qRed(mixed.mean), 140);
    QCOMPARE(qBlue(mixed.mean), 30);
    const MapDensityPyramid::Cell pure = cellAt(finest, 20, 30);
    QCOMPARE(pure.count, 5u);
    QCOMPARE(pure.dominant, green | 0xff000000);
    QCOMPARE(pure.mean, green | 0xff000000);
    // Two levels up both clusters still sit in cells of their own, with the same summaries.
    const MapDensityPyramid::Level &coarse = pyramid.levels()[2];
    QCOMPARE(cellAt(coarse, 2, 2).count, 10u);
    QCOMPARE(cellAt(coarse, 2, 2).dominant, red | 0xff000000);
    QCOMPARE(cellAt(coarse, 2, 2).mean, mixed.mean);
    QCOMPARE(cellAt(coarse, 5, 7).dominant, green | 0xff000000);
    // At the coarsest level (16 cells of 4 units) they still differ.
    const MapDensityPyramid::Level &coarsest = pyramid.levels().back();
    QCOMPARE(coarsest.side, 16);
    QCOMPARE(cellAt(coarsest, 2, 2).count, 10u);
}

void TestMapDensityPyramid::selectionSplitsThePointsIntoLayers()
{
    const Points points = clusters(20000, 2);
    std::vector<quint8> selected(20000, 0);
    qint64 finiteSelected = 0;
    for (size_t i = 0; i < selected.size(); i += 7) {
        selected[i] = 1;
        finiteSelected += std::isfinite(points.xy[2 * i]);
    }
    const MapDensityPyramid pyramid(points.xy, points.colors, selected);
    QCOMPARE(pyramid.layerCount(), 2);
    for (const MapDensityPyramid::Level &level : pyramid.levels()) {
        QCOMPARE(level.layers.size(), size_t(2));
        QCOMPARE(layerTotal(level.layers[1]), finiteSelected);
        QCOMPARE(layerTotal(level.layers[0]) + layerTotal(level.layers[1]), finiteCount(points.xy));
    }
}

void TestMapDensityPyramid::emptyAndDegenerateMaps()
{
    const MapDensityPyramid empty({}, {}, {});
    QVERIFY(empty.levels().empty());
    QCOMPARE(empty.levelFor(1e9), nullptr);
    const std::vector<float> nonFinite{NAN, 1.f, INFINITY, 2.f};
    QVERIFY(MapDensityPyramid(nonFinite, std::vector<QRgb>(2, 0), {}).levels().empty());
    // Every point in one place: one cell holds them all, at every level.
    const std::vector<float> same(2000, 3.f);
    const MapDensityPyramid one(same, std::vector<QRgb>(1000, qRgb(1, 2, 3)), {});
    QVERIFY(!one.levels().empty());
    for (const MapDensityPyramid::Level &level : one.levels()) {
        QCOMPARE(level.layers.front().cells.size(), size_t(1));
        QCOMPARE(level.layers.front().cells.front().count, 1000u);
    }
}

void TestMapDensityPyramid::frameFromPyramidMatchesFrameFromPoints_data()
{
    QTest::addColumn<bool>("withSelection");
    QTest::addColumn<bool>("meanColors");
    QTest::addColumn<double>("zoom");
    QTest::newRow("fit") << false << false << 1.0;
    QTest::newRow("fit, selection") << true << false << 1.0;
    QTest::newRow("fit, mean colors") << false << true << 1.0;
    QTest::newRow("zoomed 1.7x") << false << false << 1.7;
}

void TestMapDensityPyramid::frameFromPyramidMatchesFrameFromPoints()
{
    QFETCH(bool, withSelection);
    QFETCH(bool, meanColors);
    QFETCH(double, zoom);
    const Points points = clusters(400000, 3);
    std::vector<quint8> selected;
    if (withSelection) {
        selected.assign(400000, 0);
        for (size_t i = 0; i < points.xy.size() / 2; ++i)
            selected[i] = points.xy[2 * i] > 12.f; // the right half of the map
    }
    MapFrame frame = fitFrame(points, QSize(480, 300));
    frame.scale *= zoom;
    frame.selected = selected;
    frame.meanColors = meanColors;
    MapRasterizer rasterizer;
    const QImage fromPoints = rasterizer.render(frame).copy();
    QCOMPARE(rasterizer.lastStats().look, MapRasterizer::Look::Density);
    QVERIFY(!rasterizer.lastStats().fromPyramid);
    const qint64 visible = rasterizer.lastStats().visiblePoints;

    const MapDensityPyramid pyramid(points.xy, points.colors, selected);
    frame.pyramid = &pyramid;
    const QImage fromPyramid = rasterizer.render(frame).copy();
    QVERIFY(rasterizer.lastStats().fromPyramid);
    QCOMPARE(rasterizer.lastStats().look, MapRasterizer::Look::Density);
    // The cells at the image's edges take in points a little outside it, or leave some out.
    QVERIFY(std::abs(rasterizer.lastStats().visiblePoints - visible) < visible / 50);

    if (qEnvironmentVariableIsSet("LOUPE_SAVE_FRAMES")) {
        fromPoints.save(QStringLiteral("/tmp/points-%1.png").arg(QLatin1String(QTest::currentDataTag())));
        fromPyramid.save(QStringLiteral("/tmp/pyramid-%1.png").arg(QLatin1String(QTest::currentDataTag())));
    }
    const Difference difference = compare(fromPoints, fromPyramid, frame.background);
    qDebug("covered pixels %.3f of the points' frame; per 4x4 block: covered share off by %.3f, mean "
           "color by %.2f of 255",
           difference.coveredRatio, difference.blockCoverage, difference.blockChannel);
    QVERIFY(difference.coveredRatio > 0.95 && difference.coveredRatio < 1.05);
    // Closer to the points' frame than that frame is to itself moved by two pixels.
    frame.pyramid = nullptr;
    frame.center += QPointF(2 / frame.scale, 0);
    const Difference moved = compare(fromPoints, rasterizer.render(frame), frame.background);
    qDebug("moved by two pixels: covered share off by %.3f, color by %.2f", moved.blockCoverage,
           moved.blockChannel);
    QVERIFY(difference.blockCoverage < moved.blockCoverage);
    QVERIFY(difference.blockChannel < moved.blockChannel);
}

void TestMapDensityPyramid::zoomedInOrSparseViewsUseThePoints()
{
    const Points points = clusters(400000, 4);
    const MapDensityPyramid pyramid(points.xy, points.colors, {});
    MapFrame frame = fitFrame(points, QSize(480, 300));
    frame.pyramid = &pyramid;
    MapRasterizer rasterizer;
    // Far enough in that a pixel is smaller than the finest cell: the points are drawn, but only
    // those of the cells near the view are visited, and they are the same points on screen.
    frame.scale = 4.0 / pyramid.levels().front().cellSize;
    frame.center = QPointF(6, 0); // a cluster's centre
    frame.pyramid = nullptr;
    const QImage everyPoint = rasterizer.render(frame).copy();
    const MapRasterizer::Stats all = rasterizer.lastStats();
    QCOMPARE(all.visitedPoints, qint64(400000));
    frame.pyramid = &pyramid;
    const QImage nearby = rasterizer.render(frame).copy();
    const MapRasterizer::Stats near = rasterizer.lastStats();
    QVERIFY(!near.fromPyramid);
    QCOMPARE(near.look, all.look);
    QCOMPARE(near.visiblePoints, all.visiblePoints);
    QVERIFY(near.visiblePoints > 0);
    QVERIFY(near.visitedPoints >= near.visiblePoints);
    QVERIFY(near.visitedPoints < 400000 / 4);
    // Cell by cell instead of by index: only where sprites overlap may another color be on top.
    const Difference difference = compare(everyPoint, nearby, frame.background);
    QCOMPARE(difference.coveredRatio, 1.0);
    QCOMPARE(difference.blockCoverage, 0.0);
    // A sparse map: the pyramid would do, but the points are drawn as sprites.
    const Points few = clusters(2000, 5);
    const MapDensityPyramid small(few.xy, few.colors, {});
    MapFrame sparse = fitFrame(few, QSize(480, 300));
    sparse.pyramid = &small;
    rasterizer.render(sparse);
    QCOMPARE(rasterizer.lastStats().look, MapRasterizer::Look::Sprites);
    QVERIFY(!rasterizer.lastStats().fromPyramid);
    // A pyramid of other points is never used.
    MapFrame mismatched = fitFrame(points, QSize(480, 300));
    mismatched.pyramid = &small;
    rasterizer.render(mismatched);
    QVERIFY(!rasterizer.lastStats().fromPyramid);
}

void TestMapDensityPyramid::widgetBuildsThePyramidInTheBackground()
{
    const Points points = clusters(200000, 6);
    EmbeddingMapView view;
    view.resize(480, 300);
    view.setDensityPyramidThreshold(100000);
    view.setPoints(points.xy);
    view.setColors(points.colors);
    view.show();
    QTRY_VERIFY(view.hasDensityPyramid());
    view.grab();
    QVERIFY(view.isDensityView());
    QVERIFY(view.isDrawnFromPyramid());
    // A selection changes the layers: frames use the points until the new pyramid is ready.
    std::vector<qint64> some;
    for (qint64 i = 0; i < 200000; i += 3)
        some.push_back(i);
    view.setSelection(some);
    QVERIFY(!view.hasDensityPyramid());
    view.grab();
    QVERIFY(!view.isDrawnFromPyramid());
    QTRY_VERIFY(view.hasDensityPyramid());
    view.grab();
    QVERIFY(view.isDrawnFromPyramid());
    // Below the threshold there is none.
    view.setDensityPyramidThreshold(300000);
    QVERIFY(!view.hasDensityPyramid());
    QTest::qWait(50);
    QVERIFY(!view.hasDensityPyramid());
    view.grab();
    QVERIFY(!view.isDrawnFromPyramid());
}

QTEST_MAIN(TestMapDensityPyramid)
#include "tst_mapdensitypyramid.moc"
