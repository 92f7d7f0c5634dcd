// loupe-thumbnail-bench: time to fill one grid page of thumbnails through ThumbnailCache, from
// the originals (cold: decode, encode and queue for the disk cache) against from the disk
// cache (warm: a new ThumbnailCache, so the memory tier is empty). Not a test.
//
//   QT_QPA_PLATFORM=offscreen loupe-thumbnail-bench [--dataset DIR] [--count N] [--size PX] [--runs R]
//
// Two image sets: the first N PNGs of the Fashion-MNIST demo (DIR/images/train, default
// /tmp/demo-data/dataset; generated 28 px grayscale PNGs if absent) and N generated
// 1600x1200 JPEGs. Each run removes the cache file, then times a page with no disk tier
// (what the grid did before it had one), a cold page and a warm page. The originals are in
// the OS page cache after the untimed warm-up run, so "cold" is decode cost, not disk
// latency; a first open after boot is slower still. Figures are medians of R runs.

#include "thumbnailcache.h"
#include "thumbnaildiskcache.h"

#include "benchstats.h"

#include <cstdio>
#include <random>

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

using namespace loupe;
using bench::median;

namespace {

struct ImageSet
{
    QString name;
    QStringList paths;
};

QStringList demoImages(const QString &dataset, int count)
{
    QDir dir(dataset + QStringLiteral("/images/train"));
    QStringList names = dir.entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
    QStringList paths;
    for (int i = 0; i < std::min<qsizetype>(count, names.size()); ++i)
        paths << dir.filePath(names.at(i));
    return paths.size() == count ? paths : QStringList();
}

QStringList generateSmallPngs(const QString &folder, int count)
{
    std::mt19937 rng(7);
    QStringList paths;
    for (int i = 0; i < count; ++i) {
        QImage image(28, 28, QImage::Format_Grayscale8);
        for (int y = 0; y < 28; ++y) {
            uchar *line = image.scanLine(y);
            for (int x = 0; x < 28; ++x)
                line[x] = uchar(std::abs(x - 14) + std::abs(y - 14) < 10 ? 100 + rng() % 156 : 0);
        }
        paths << QDir(folder).filePath(QStringLiteral("small%1.png").arg(i));
        image.save(paths.last(), "PNG");
    }
    return paths;
}

// Gradients, shapes and sensor-like noise, so the JPEGs are as large as photos (~0.5 MB).
QStringList generatePhotos(const QString &folder, int count)
{
    std::mt19937 rng(11);
    QStringList paths;
    for (int i = 0; i < count; ++i) {
        QImage image(1600, 1200, QImage::Format_RGB32);
        QPainter painter(&image);
        QLinearGradient gradient(0, 0, 1600, 1200);
        gradient.setColorAt(0, QColor::fromHsv(int(rng() % 360), 160, 230));
        gradient.setColorAt(1, QColor::fromHsv(int(rng() % 360), 200, 60));
        painter.fillRect(image.rect(), gradient);
        painter.setRenderHint(QPainter::Antialiasing);
        for (int shape = 0; shape < 25; ++shape) {
            painter.setBrush(QColor::fromHsv(int(rng() % 360), int(rng() % 256), int(rng() % 256)));
            painter.drawEllipse(QPointF(rng() % 1600, rng() % 1200), 20 + rng() % 300, 20 + rng() % 200);
        }
        painter.end();
        for (int y = 0; y < image.height(); ++y) {
            auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
            for (int x = 0; x < image.width(); ++x) {
                const int noise = int(rng() % 17) - 8;
                const QRgb p = line[x];
                line[x] = qRgb(std::clamp(qRed(p) + noise, 0, 255), std::clamp(qGreen(p) + noise, 0, 255),
                               std::clamp(qBlue(p) + noise, 0, 255));
            }
        }
        paths << QDir(folder).filePath(QStringLiteral("photo%1.jpg").arg(i));
        image.save(paths.last(), "JPEG", 90);
    }
    return paths;
}

qint64 totalBytes(const QStringList &paths)
{
    qint64 bytes = 0;
    for (const QString &path : paths)
        bytes += QFileInfo(path).size();
    return bytes;
}

// Milliseconds from reset() to the last thumbnailReady of one page, as the grid sees it.
double timePage(const ImageSet &set, const QString &cacheDir, const QString &project, QSize size,
                double *flushMs = nullptr)
{
    ThumbnailCache cache;
    cache.setDiskCacheDirectory(cacheDir);
    cache.setThumbnailSize(size);
    const QStringList paths = set.paths;
    int ready = 0;
    QEventLoop loop;
    QObject::connect(&cache, &ThumbnailCache::thumbnailReady, &loop, [&] {
        if (++ready == paths.size())
            loop.quit();
    });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    cache.reset([paths](qint64 sample) { return paths.at(sample); }, project);
    for (int i = 0; i < paths.size(); ++i)
        cache.thumbnail(i);
    if (ready < paths.size())
        loop.exec();
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    if (ready != paths.size())
        qFatal("only %d of %lld thumbnails arrived", ready, qlonglong(paths.size()));
    timer.restart();
    cache.waitForDone();
    if (flushMs)
        *flushMs = double(timer.nsecsElapsed()) / 1e6;
    return ms;
}

// ThumbnailDiskCache::load of every image on this thread: lookup under the lock plus blob decode.
double timeDirectLoads(const ImageSet &set, const QString &file, QSize size)
{
    ThumbnailDiskCache disk(file);
    QElapsedTimer timer;
    timer.start();
    for (const QString &path : set.paths) {
        if (disk.load(path, size, ThumbnailDiskCache::SourceStamp::of(path)).isNull())
            qFatal("%s is not in the disk cache", qPrintable(path));
    }
    return double(timer.nsecsElapsed()) / 1e6;
}

void removeCacheFile(const QString &file)
{
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(file + suffix);
}

void run(const ImageSet &set, const QString &cacheDir, QSize size, int runs)
{
    const QString project = QDir(cacheDir).filePath(QStringLiteral("%1.loupe").arg(set.name));
    const QString file = ThumbnailDiskCache::fileFor(cacheDir, project);
    std::vector<double> none, cold, flush, warm, direct;
    qint64 cacheBytes = 0;
    for (int r = -1; r < runs; ++r) { // run -1 warms the OS page cache and is not counted
        removeCacheFile(file);
        const double noneMs = timePage(set, {}, project, size);
        double flushMs = 0;
        const double coldMs = timePage(set, cacheDir, project, size, &flushMs);
        cacheBytes = QFileInfo(file).size(); // the cache is closed, so its WAL is checkpointed
        const double warmMs = timePage(set, cacheDir, project, size);
        const double directMs = timeDirectLoads(set, file, size);
        if (r < 0)
            continue;
        none.push_back(noneMs);
        cold.push_back(coldMs);
        flush.push_back(flushMs);
        warm.push_back(warmMs);
        direct.push_back(directMs);
    }
    const int n = int(set.paths.size());
    std::printf("%s: %d images, %.0f KB of originals, %dx%d thumbnails, cache file %.1f KB (%.1f KB each)\n",
                qPrintable(set.name), n, double(totalBytes(set.paths)) / 1024, size.width(), size.height(),
                double(cacheBytes) / 1024, double(cacheBytes) / 1024 / n);
    std::printf("  no disk tier (decode)       %8.1f ms  %7.0f us/thumbnail\n", median(none),
                1000 * median(none) / n);
    std::printf("  cold (decode + store)       %8.1f ms  %7.0f us/thumbnail  + %.1f ms writing the batch\n",
                median(cold), 1000 * median(cold) / n, median(flush));
    std::printf("  warm (disk cache)           %8.1f ms  %7.0f us/thumbnail\n", median(warm),
                1000 * median(warm) / n);
    std::printf("  warm, direct loads, 1 thread%8.1f ms  %7.0f us/thumbnail\n", median(direct),
                1000 * median(direct) / n);
    std::printf("  cold / warm %.1fx   no-disk-tier / warm %.1fx\n\n", median(cold) / median(warm),
                median(none) / median(warm));
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("dataset"), QStringLiteral("Fashion-MNIST demo folder."),
                      QStringLiteral("dir"), QStringLiteral("/tmp/demo-data/dataset")});
    parser.addOption({QStringLiteral("count"), QStringLiteral("Thumbnails per page."), QStringLiteral("n"),
                      QStringLiteral("60")});
    parser.addOption({QStringLiteral("size"),
                      QStringLiteral("Thumbnail edge in pixels (the grid's default tile is 112)."),
                      QStringLiteral("px"), QStringLiteral("112")});
    parser.addOption(
        {QStringLiteral("runs"), QStringLiteral("Timed runs."), QStringLiteral("r"), QStringLiteral("7")});
    parser.process(app);
    const int count = parser.value(QStringLiteral("count")).toInt();
    const int edge = parser.value(QStringLiteral("size")).toInt();
    const int runs = parser.value(QStringLiteral("runs")).toInt();

    QTemporaryDir work;
    const QString cacheDir = work.filePath(QStringLiteral("cache"));
    std::printf("loupe-thumbnail-bench: %d runs, decode pool of %d threads\n\n", runs,
                QThread::idealThreadCount());

    ImageSet small{QStringLiteral("fashion-mnist-png"),
                   demoImages(parser.value(QStringLiteral("dataset")), count)};
    if (small.paths.isEmpty()) {
        small.name = QStringLiteral("generated-28px-png");
        small.paths = generateSmallPngs(work.path(), count);
    }
    run(small, cacheDir, QSize(edge, edge), runs);

    const ImageSet photos{QStringLiteral("photo-1600x1200-jpeg"), generatePhotos(work.path(), count)};
    run(photos, cacheDir, QSize(edge, edge), runs);
    std::printf("peak memory %.0f MiB\n", bench::peakResidentMiB());
    return 0;
}
