// mapframebench: frame times of the embedding map's rasteriser against a naive loop of
// QPainter::drawPoint on a QImage, for the same points, image size and run. Not a test.
//
//   QT_QPA_PLATFORM=offscreen mapframebench [--points N] [--width W] [--height H] [--runs R]
//
// Points: a shuffled mixture of 24 anisotropic Gaussian clusters in 10 categories plus 5 %
// uniform noise. Views: fitted to the map (density view), fitted with 10 % selected, and 8x
// zoomed into a cluster (sprites). Every figure is the median of R frames after one warm-up.

#include "embeddingmapview.h"
#include "maprasterizer.h"

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
    for (const View &view : views) {
        const MapFrame frame{map.xy,      map.colors, view.selected, size,       1.0,
                             view.center, view.scale, 1.3,           0xffffffff, false};
        rasterizer.setThreadCount(threads);
        const double ours = timeMedian(runs, [&] { rasterizer.render(frame); });
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
    return 0;
}
