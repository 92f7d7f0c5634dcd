// mapframebench: frame times of the embedding map's rasteriser against a naive loop of
// QPainter::drawPoint on a QImage, for the same points, image size and run. Not a test.
//
//   QT_QPA_PLATFORM=offscreen mapframebench [--points N] [--width W] [--height H] [--runs R]
//
// Points: a shuffled mixture of 24 anisotropic Gaussian clusters in 10 categories plus 5 %
// uniform noise. Views: fitted to the map (density view), fitted with 10 % selected, and 8x
// zoomed into a cluster (sprites). Then the widget in image mode: zoomed in until about 280
// points are on screen, with thumbnails (synthetic 64x64 images from a provider that answers at
// once, as a warm cache does), at 70,000 points and at N. Every figure is the median of R frames
// after one warm-up.

#include "embeddingmapview.h"
#include "mapdensitypyramid.h"
#include "maprasterizer.h"
#include "mapthumbnailprovider.h"

#include "benchstats.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>

using namespace loupe;
using bench::median;

namespace {

struct Map
{
    std::vector<float> xy;
    std::vector<int> category;
    std::vector<QRgb> colors;
    std::vector<QPointF> centers;
};

Map mixture(qint64 n, unsigned seed)
{
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> uniform(-10.f, 10.f), spread(0.3f, 1.5f), angle(0.f, 3.14159f);
    std::normal_distribution<float> gauss(0.f, 1.f);
    struct Cluster
    {
        float x, y, sx, sy, c, s;
        int category;
    };
    std::vector<Cluster> clusters;
    Map map;
    for (int k = 0; k < 24; ++k) {
        const float a = angle(random);
        clusters.push_back({uniform(random), uniform(random), spread(random), spread(random) * 0.5f,
                            std::cos(a), std::sin(a), k % 10});
        map.centers.emplace_back(clusters.back().x, clusters.back().y);
    }
    const QList<QColor> palette = colormaps::categorical();
    for (qint64 i = 0; i < n; ++i) {
        float x, y;
        int category;
        if (random() % 100 < 5) {
            x = uniform(random) * 1.2f;
            y = uniform(random) * 1.2f;
            category = int(random() % 10);
        } else {
            const Cluster &c = clusters[random() % clusters.size()];
            const float u = gauss(random) * c.sx, v = gauss(random) * c.sy;
            x = c.x + u * c.c - v * c.s;
            y = c.y + u * c.s + v * c.c;
            category = c.category;
        }
        map.xy.insert(map.xy.end(), {x, y});
        map.category.push_back(category);
        map.colors.push_back(palette[category].rgb());
    }
    return map;
}

/** Median milliseconds of runs calls, after one warm-up call. */
double timeMedian(int runs, const std::function<void()> &frame)
{
    frame();
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
        QElapsedTimer timer;
        timer.start();
        frame();
        ms.push_back(timer.nsecsElapsed() / 1e6);
    }
    return median(ms);
}

/** The naive way: one QPainter::drawPoint per point, the pen changed only when the color does. */
QImage naiveFrame(const MapFrame &frame, bool antialiased)
{
    QImage image(frame.deviceSize, QImage::Format_RGB32);
    image.fill(frame.background);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing, antialiased);
    const double halfW = frame.deviceSize.width() / 2.0, halfH = frame.deviceSize.height() / 2.0;
    QRgb current = 0;
    const qreal width = antialiased ? 2 * frame.pointRadius : 1;
    for (size_t i = 0; i < frame.colors.size(); ++i) {
        const double x = (frame.xy[2 * i] - frame.center.x()) * frame.scale + halfW;
        const double y = halfH - (frame.xy[2 * i + 1] - frame.center.y()) * frame.scale;
        if (x < -2 || y < -2 || x > frame.deviceSize.width() + 2 || y > frame.deviceSize.height() + 2)
            continue;
        if (frame.colors[i] != current || i == 0) {
            current = frame.colors[i];
            painter.setPen(QPen(QColor(current), width, Qt::SolidLine, Qt::RoundCap));
        }
        painter.drawPoint(QPointF(x, y));
    }
    return image;
}

/** A warm cache: every point's image is ready, one synthetic 64x64 picture per category. */
class SyntheticThumbnails final : public MapThumbnailProvider
{
public:
    explicit SyntheticThumbnails(const std::vector<int> &category) : m_category(category)
    {
        const QList<QColor> palette = colormaps::categorical();
        for (int c = 0; c < 10; ++c) {
            QImage image(64, 64, QImage::Format_ARGB32_Premultiplied);
            image.fill(palette[c].lighter(150));
            QPainter painter(&image);
            painter.setBrush(palette[c].darker(150));
            painter.drawEllipse(QRectF(12, 8 + c, 40, 48 - 2 * c));
            m_images.push_back(image);
        }
    }
    QImage thumbnail(qint64 point) override { return m_images[size_t(m_category[size_t(point)])]; }

private:
    const std::vector<int> &m_category;
    std::vector<QImage> m_images;
};

qint64 pointsOnScreen(const EmbeddingMapView &widget, const std::vector<float> &xy)
{
    const QRectF area = QRectF(widget.mapToData(QPointF(0, 0)),
                               widget.mapToData(QPointF(widget.size().width(), widget.size().height())))
                            .normalized();
    qint64 count = 0;
    for (size_t i = 0; i + 1 < xy.size(); i += 2)
        count += area.contains(QPointF(xy[i], xy[i + 1]));
    return count;
}

/** Fits, then zooms in around at just far enough that at most target points are on screen. */
void zoomToAbout(EmbeddingMapView &widget, const std::vector<float> &xy, QPointF at, qint64 target)
{
    double low = 1, high = 1e4; // zoom factors: too many points at low, at most target at high
    const auto apply = [&](double factor) {
        widget.fitToContents();
        widget.zoomBy(factor, widget.mapFromData(at));
    };
    for (int i = 0; i < 40; ++i) {
        const double middle = std::sqrt(low * high);
        apply(middle);
        (pointsOnScreen(widget, xy) > target ? low : high) = middle;
    }
    apply(high);
}

/** Image mode frames at n points: a zoom step (layout + paint + grab), a repaint, and the same view as
 * points. */
void imageModeRow(qint64 n, QSize size, int runs)
{
    const Map map = mixture(n, 42);
    EmbeddingMapView widget;
    widget.resize(size);
    widget.setPoints(map.xy);
    widget.setCategoricalColors(map.category);
    widget.show();
    widget.pointAt(QPointF(0, 0)); // waits for the kd-tree a large map builds on a worker
    // Just under the budget (300), so that the timed zoom steps stay in image mode.
    zoomToAbout(widget, map.xy, map.centers.front(), 280);
    const qint64 onScreen = pointsOnScreen(widget, map.xy);
    bool in = true;
    const QPointF middle(size.width() / 2.0, size.height() / 2.0);
    const auto zoomStep = [&] {
        widget.zoomBy(in ? 1.001 : 1 / 1.001, middle);
        in = !in;
        widget.grab();
    };
    const double points = timeMedian(runs, zoomStep);
    const auto provider = std::make_shared<SyntheticThumbnails>(map.category);
    widget.setThumbnailProvider(provider);
    const double images = timeMedian(runs, zoomStep);
    // A new provider drops the images fitted to the tiles: every tile scales its 64x64 image once.
    const double first = timeMedian(runs, [&] {
        widget.setThumbnailProvider(provider);
        widget.grab();
    });
    const bool imageMode = widget.isImageMode();
    const int tiles = int(widget.thumbnailTiles().size()), loaded = widget.loadedThumbnailCount();
    const double repaint = timeMedian(runs, [&] { widget.grab(); });
    std::printf("%-9lld %9lld %7d %7d %-5s | %11.1f %9.1f %11.1f | %12.1f\n", n, onScreen, tiles, loaded,
                imageMode ? "yes" : "NO", images, repaint, first, points);
    std::fflush(stdout);
}

const char *lookName(MapRasterizer::Look look)
{
    return look == MapRasterizer::Look::Density ? "density" : "sprites";
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Embedding map frame times against QPainter::drawPoint."));
    parser.addHelpOption();
    const QCommandLineOption pointsOption(QStringLiteral("points"), QStringLiteral("Points (1000000)."),
                                          QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption widthOption(QStringLiteral("width"), QStringLiteral("Frame width (1600)."),
                                         QStringLiteral("W"), QStringLiteral("1600"));
    const QCommandLineOption heightOption(QStringLiteral("height"), QStringLiteral("Frame height (1000)."),
                                          QStringLiteral("H"), QStringLiteral("1000"));
    const QCommandLineOption runsOption(QStringLiteral("runs"),
                                        QStringLiteral("Timed frames per figure (7)."), QStringLiteral("R"),
                                        QStringLiteral("7"));
    parser.addOptions({pointsOption, widthOption, heightOption, runsOption});
    parser.process(app);
    const qint64 n = parser.value(pointsOption).toLongLong();
    const QSize size(parser.value(widthOption).toInt(), parser.value(heightOption).toInt());
    const int runs = std::max(1, parser.value(runsOption).toInt());

    const Map map = mixture(n, 42);
    std::vector<quint8> tenth(size_t(n), 0);
    for (qint64 i = 0; i < n; i += 10)
        tenth[size_t(i)] = 1;
    float minX = 1e9f, minY = 1e9f, maxX = -1e9f, maxY = -1e9f;
    for (qint64 i = 0; i < n; ++i) {
        minX = std::min(minX, map.xy[2 * i]);
        maxX = std::max(maxX, map.xy[2 * i]);
        minY = std::min(minY, map.xy[2 * i + 1]);
        maxY = std::max(maxY, map.xy[2 * i + 1]);
    }
    const double fit =
        std::min((size.width() - 48) / double(maxX - minX), (size.height() - 48) / double(maxY - minY));
    const QPointF middle((minX + maxX) / 2.0, (minY + maxY) / 2.0);

    struct View
    {
        const char *name;
        QPointF center;
        double scale;
        std::span<const quint8> selected;
    };
    const View views[] = {{"fit", middle, fit, {}},
                          {"fit, 10% selected", middle, fit, tenth},
                          {"8x zoom on a cluster", map.centers.front(), 8 * fit, {}}};

    const int threads = QThread::idealThreadCount();
    std::printf("mapframebench: %lld points (24-cluster mixture, 10 categories, shuffled), %dx%d, "
                "%d threads, median of %d frames\n\n",
                n, size.width(), size.height(), threads, runs);
    std::printf("%-22s %-8s %9s | %10s %10s | %12s %7s | %12s %7s\n", "view", "look", "visible", "raster ms",
                "1 thread", "drawPoint ms", "ratio", "AA point ms", "ratio");
    MapRasterizer rasterizer;
    std::vector<double> fromPoints;
    for (const View &view : views) {
        const MapFrame frame{map.xy,      map.colors, view.selected, size,       1.0,
                             view.center, view.scale, 1.3,           0xffffffff, false};
        rasterizer.setThreadCount(threads);
        const double ours = timeMedian(runs, [&] { rasterizer.render(frame); });
        fromPoints.push_back(ours);
        const MapRasterizer::Stats stats = rasterizer.lastStats();
        rasterizer.setThreadCount(1);
        const double single = timeMedian(runs, [&] { rasterizer.render(frame); });
        const double naive = timeMedian(runs, [&] { naiveFrame(frame, false); });
        const double naiveAa = timeMedian(std::max(1, runs / 2), [&] { naiveFrame(frame, true); });
        std::printf("%-22s %-8s %9lld | %10.1f %10.1f | %12.1f %6.0fx | %12.1f %6.0fx\n", view.name,
                    lookName(stats.look), stats.visiblePoints, ours, single, naive, naive / ours, naiveAa,
                    naiveAa / ours);
        std::fflush(stdout);
    }

    // The same views from a density pyramid, built once per points, colors and selection.
    std::printf("\ndensity pyramid (built once per points, colors and selection), median ms\n");
    std::printf("%-22s %10s | %10s %-9s %10s\n", "view", "build", "frame", "drawn", "vs points");
    rasterizer.setThreadCount(threads);
    for (size_t v = 0; v < std::size(views); ++v) {
        const View &view = views[v];
        std::unique_ptr<MapDensityPyramid> pyramid;
        const double build = timeMedian(std::max(1, runs / 2), [&] {
            pyramid = std::make_unique<MapDensityPyramid>(map.xy, map.colors, view.selected);
        });
        MapFrame frame{map.xy,      map.colors, view.selected, size,       1.0,
                       view.center, view.scale, 1.3,           0xffffffff, false};
        frame.pyramid = pyramid.get();
        const double ms = timeMedian(runs, [&] { rasterizer.render(frame); });
        const bool fromPyramid = rasterizer.lastStats().fromPyramid;
        std::printf("%-22s %10.1f | %10.1f %-9s %9.1fx\n", view.name, build, ms,
                    fromPyramid ? "pyramid" : "points", fromPoints[v] / ms);
        std::fflush(stdout);
    }

    // The whole widget: a zoom step re-rasterises, then paint and grab; and a repaint from the cache.
    EmbeddingMapView widget;
    widget.resize(size);
    widget.setPoints(map.xy);
    widget.setCategoricalColors(map.category);
    widget.show();
    bool in = true;
    const double widgetFrame = timeMedian(runs, [&] {
        widget.zoomBy(in ? 1.001 : 1 / 1.001, QPointF(size.width() / 2.0, size.height() / 2.0));
        in = !in;
        widget.grab();
    });
    const double cached = timeMedian(runs, [&] { widget.grab(); });
    std::printf(
        "\nwidget frame (zoom step: rasterise + paint + grab): %.1f ms; repaint from cache: %.1f ms\n",
        widgetFrame, cached);

    std::printf("\nimage mode: widget zoomed in to about 280 points on screen, thumbnails loaded (64x64 "
                "synthetic), median ms\n");
    std::printf("%-9s %9s %7s %7s %-5s | %11s %9s %11s | %12s\n", "points", "on screen", "tiles", "loaded",
                "image", "zoom step", "repaint", "first (fit)", "as points");
    for (const qint64 count : {std::min<qint64>(n, 70000), n})
        imageModeRow(count, size, runs);
    return 0;
}
