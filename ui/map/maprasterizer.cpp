#include "maprasterizer.h"

#include "rasterhelpers.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <utility>

#include <QFuture>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe {

using namespace rasterhelpers;

MapRasterizer::MapRasterizer()
{
    setThreadCount(QThread::idealThreadCount());
}

MapRasterizer::~MapRasterizer() = default;

void MapRasterizer::setThreadCount(int threads)
{
    m_threads = std::max(1, threads);
    // The calling thread works too, so the pool needs one thread fewer.
    m_pool.setMaxThreadCount(std::max(1, m_threads - 1));
}

QImage MapRasterizer::render(const MapFrame &frame)
{
    m_stats = {};
    if (frame.deviceSize.isEmpty())
        return QImage();
    QImage &image = m_buffers[m_nextBuffer];
    m_nextBuffer ^= 1;
    if (image.size() != frame.deviceSize)
        image = QImage(frame.deviceSize, QImage::Format_RGB32);
    image.setDevicePixelRatio(frame.devicePixelRatio);
    const Canvas canvas{reinterpret_cast<QRgb *>(image.bits()),
                        image.bytesPerLine() / qsizetype(sizeof(QRgb)), image.width(), image.height()};
    prepareKernel(frame.pointRadius);
    layOutTiles(frame);
    if (frame.pyramid && drawDensityFromPyramid(frame, canvas))
        return image;
    gatherNearbyPoints(frame);
    binPoints(frame);
    const double perCell =
        m_stats.occupiedCells ? double(m_stats.visiblePoints) / m_stats.occupiedCells : 0.0;
    const bool crowded = perCell > m_densityThreshold || m_stats.visiblePoints > kSpriteBudget;
    m_stats.look = crowded ? Look::Density : Look::Sprites;
    if (m_stats.look == Look::Density)
        drawDensity(frame, canvas);
    else
        drawSprites(frame, canvas);
    return image;
}

void MapRasterizer::parallelFor(int count, const std::function<void(int, int)> &work)
{
    std::atomic_int next{0};
    const auto drain = [&](int worker) {
        for (int i = next++; i < count; i = next++)
            work(i, worker);
    };
    const int helpers = std::min(count, m_threads) - 1;
    QList<QFuture<void>> futures;
    for (int h = 0; h < helpers; ++h)
        futures << QtConcurrent::run(&m_pool, drain, h + 1);
    drain(0);
    for (QFuture<void> &future : futures)
        future.waitForFinished();
}

void MapRasterizer::layOutTiles(const MapFrame &frame)
{
    m_cell = std::max(1, int(std::lround(frame.devicePixelRatio)));
    m_invCell = 1.f / float(m_cell);
    m_tileCells = std::max(1, kTileSize / m_cell);
    m_tileSize = m_tileCells * m_cell; // whole density cells per tile
    m_tilesX = (frame.deviceSize.width() + m_tileSize - 1) / m_tileSize;
    m_tilesY = (frame.deviceSize.height() + m_tileSize - 1) / m_tileSize;
    m_layers = frame.selected.empty() ? 1 : 2;
}

QRect MapRasterizer::tileRect(int tile) const
{
    const int x = tile % m_tilesX * m_tileSize, y = tile / m_tilesX * m_tileSize;
    return QRect(x, y, m_tileSize, m_tileSize);
}

template<class Visit> void MapRasterizer::forEachEntry(int tile, int layer, Visit visit) const
{
    const size_t keys = size_t(m_tilesX) * m_tilesY * m_layers, key = size_t(tile) * m_layers + layer;
    for (int c = 0; c < m_chunks; ++c)
        for (const Entry &e : m_bins[c * keys + key])
            visit(e);
}

/**
 * Sorts the points whose sprites touch the image into (tile, layer) bins, per chunk of points
 * so that chunks run in parallel and index order holds within a bin; then measures, tile by
 * tile, how crowded the image is (visible points, occupied cells) to choose the look.
 */
void MapRasterizer::binPoints(const MapFrame &frame)
{
    const qint64 n = m_onlyNearby ? (m_runEnds.empty() ? 0 : m_runEnds.back()) : qint64(frame.xy.size() / 2);
    m_stats.visitedPoints = n;
    m_chunks = int(std::clamp<qint64>(n / kPointsPerThread, 1, m_threads));
    m_bins.resize(size_t(m_chunks) * m_tilesX * m_tilesY * m_layers);
    parallelFor(m_chunks, [&](int c, int) { binChunk(frame, c, m_chunks); });
    const int tiles = m_tilesX * m_tilesY;
    m_tileVisible.assign(tiles, 0);
    m_tileOccupied.assign(tiles, 0);
    m_scratch.resize(m_threads);
    for (Scratch &scratch : m_scratch)
        for (std::vector<quint32> &histogram : scratch.histogram)
            histogram.assign(kMaxCount + 1, 0);
    parallelFor(tiles, [&](int tile, int worker) { surveyTile(frame, tile, m_scratch[worker]); });
    for (int tile = 0; tile < tiles; ++tile) {
        m_stats.visiblePoints += m_tileVisible[tile];
        m_stats.occupiedCells += m_tileOccupied[tile];
    }
}

void MapRasterizer::binChunk(const MapFrame &frame, int chunk, int chunks)
{
    const size_t keys = size_t(m_tilesX) * m_tilesY * m_layers;
    std::vector<Entry> *bins = m_bins.data() + size_t(chunk) * keys;
    for (size_t key = 0; key < keys; ++key)
        bins[key].clear();
    const Transform tf(frame);
    const float width = float(frame.deviceSize.width()), height = float(frame.deviceSize.height());
    const float reach = float(m_kernel.reach), invTile = 1.f / float(m_tileSize);
    const int lastX = m_tilesX - 1, lastY = m_tilesY - 1, layers = m_layers;
    const auto place = [&](float dataX, float dataY, QRgb color, int layer) {
        const float x = tf.x(dataX), y = tf.y(dataY);
        if (!touchesImage(x, y, reach, width, height))
            return;
        // The tile holding the centre; centres just outside the image go to the border tile.
        const int tx = std::clamp(int(x * invTile), 0, lastX), ty = std::clamp(int(y * invTile), 0, lastY);
        bins[(size_t(ty) * m_tilesX + tx) * layers + layer].push_back({x, y, color | 0xff000000});
    };
    if (!m_onlyNearby) {
        const qint64 n = qint64(frame.xy.size() / 2);
        for (qint64 i = n * chunk / chunks, end = n * (chunk + 1) / chunks; i < end; ++i)
            place(frame.xy[2 * i], frame.xy[2 * i + 1], frame.colors[i],
                  layers == 2 ? int(frame.selected[i] != 0) : 0);
        return;
    }
    // The chunk's share of the runs of the pyramid's points, laid end to end.
    const qint64 n = m_runEnds.empty() ? 0 : m_runEnds.back();
    qint64 k = n * chunk / chunks;
    const qint64 end = n * (chunk + 1) / chunks;
    size_t run = size_t(std::upper_bound(m_runEnds.begin(), m_runEnds.end(), k) - m_runEnds.begin());
    for (; k < end; ++run) {
        const NearbyRun &r = m_runs[run];
        const qint64 runBegin = m_runEnds[run] - r.count, stop = std::min(end, m_runEnds[run]);
        const MapDensityPyramid::SortedPoints &points = frame.pyramid->sortedPoints(r.layer);
        for (; k < stop; ++k) {
            const size_t i = size_t(r.first + (k - runBegin));
            place(points.xy[2 * i], points.xy[2 * i + 1], points.colors[i], r.layer);
        }
    }
}

/**
 * The tile's share of the crowding measure (its own points only, not its neighbours'), and of
 * each layer's histogram of cell counts, which sets the density view's opacity scale.
 */
void MapRasterizer::surveyTile(const MapFrame &frame, int tile, Scratch &scratch)
{
    const size_t cells = size_t(m_tileCells) * m_tileCells;
    const QRect rect = tileRect(tile);
    const float left = float(rect.x()), top = float(rect.y());
    const float right = float(std::min(rect.x() + m_tileSize, frame.deviceSize.width()));
    const float bottom = float(std::min(rect.y() + m_tileSize, frame.deviceSize.height()));
    const int last = m_tileCells - 1;
    qint64 visible = 0;
    for (int layer = 0; layer < m_layers; ++layer) {
        std::vector<quint32> &count = scratch.layers[layer].count;
        count.assign(cells, 0);
        forEachEntry(tile, layer, [&](const Entry &e) {
            if (!(e.x >= left && e.x < right && e.y >= top && e.y < bottom))
                return;
            ++visible;
            const int cx = std::min(last, int((e.x - left) * m_invCell));
            const int cy = std::min(last, int((e.y - top) * m_invCell));
            ++count[size_t(cy) * m_tileCells + cx];
        });
        for (quint32 c : count)
            if (c != 0)
                ++scratch.histogram[layer][std::min(c, kMaxCount)];
    }
    qint64 occupied = 0;
    const quint32 *first = scratch.layers[0].count.data();
    const quint32 *second = m_layers == 2 ? scratch.layers[1].count.data() : nullptr;
    for (size_t cell = 0; cell < cells; ++cell)
        occupied += (first[cell] != 0) || (second && second[cell] != 0);
    m_tileVisible[tile] = visible;
    m_tileOccupied[tile] = occupied;
}

/**
 * Background, then the unselected (dimmed) and the selected points. A tile draws its points'
 * whole sprites, which may reach into neighbouring tiles; tiles run in four checkerboard phases,
 * so tiles drawn at the same time are two tiles apart and never touch the same pixel (a sprite
 * reaches less than half a tile). Where sprites of two tiles overlap, the later phase is on top.
 */
void MapRasterizer::drawSprites(const MapFrame &frame, const Canvas &canvas)
{
    const QRect image(0, 0, canvas.width, canvas.height);
    parallelFor(m_tilesX * m_tilesY, [&](int tile, int) {
        const QRect rect = tileRect(tile).intersected(image);
        for (int y = rect.top(); y <= rect.bottom(); ++y) {
            QRgb *line = canvas.pixels + y * canvas.stride;
            std::fill(line + rect.left(), line + rect.right() + 1, frame.background);
        }
    });
    const int columns = (m_tilesX + 1) / 2, rows = (m_tilesY + 1) / 2;
    for (int layer = 0; layer < m_layers; ++layer) {
        for (int phase = 0; phase < 4; ++phase) {
            const int offsetX = phase & 1, offsetY = phase >> 1;
            parallelFor(columns * rows, [&](int i, int) {
                const int tx = 2 * (i % columns) + offsetX, ty = 2 * (i / columns) + offsetY;
                if (tx < m_tilesX && ty < m_tilesY)
                    drawSpriteTile(frame, canvas, ty * m_tilesX + tx, layer);
            });
        }
    }
}

void MapRasterizer::drawSpriteTile(const MapFrame &frame, const Canvas &canvas, int tile, int layer) const
{
    const QRect image(0, 0, canvas.width, canvas.height);
    const bool dim = m_layers == 2 && layer == 0;
    forEachEntry(tile, layer, [&](const Entry &e) {
        drawSprite(canvas, image, e.x, e.y, dim ? dimmed(e.color, frame.background) : e.color);
    });
}

void MapRasterizer::drawSprite(const Canvas &canvas, const QRect &clip, float x, float y, QRgb color) const
{
    const int ix = floorToInt(x), iy = floorToInt(y), reach = m_kernel.reach;
    const int sx = std::min(kSubPixels - 1, int((x - float(ix)) * kSubPixels));
    const int sy = std::min(kSubPixels - 1, int((y - float(iy)) * kSubPixels));
    const std::vector<Tap> &taps = m_kernel.taps[size_t(sy * kSubPixels + sx)];
    if (ix - reach >= clip.left() && ix + reach <= clip.right() && iy - reach >= clip.top() &&
        iy + reach <= clip.bottom()) {
        QRgb *centre = canvas.pixels + iy * canvas.stride + ix; // the common case: no clipping
        for (const Tap &tap : taps) {
            QRgb &pixel = centre[tap.dy * canvas.stride + tap.dx];
            pixel = tap.cover == 255 ? color : blend(color, tap.cover, pixel);
        }
        return;
    }
    for (const Tap &tap : taps) {
        const int px = ix + tap.dx, py = iy + tap.dy;
        if (px < clip.left() || px > clip.right() || py < clip.top() || py > clip.bottom())
            continue;
        QRgb &pixel = canvas.pixels[py * canvas.stride + px];
        pixel = tap.cover == 255 ? color : blend(color, tap.cover, pixel);
    }
}

/**
 * Each layer gets an opacity scale from its histogram of cell counts; then every tile counts
 * its points per cell in a worker's scratch grids (small enough to stay in cache) and shades
 * its pixels from them, the dimmed unselected layer under the selected one.
 */
void MapRasterizer::drawDensity(const MapFrame &frame, const Canvas &canvas)
{
    for (int layer = 0; layer < m_layers; ++layer)
        prepareOpacity(layer);
    parallelFor(m_tilesX * m_tilesY, [&](int tile, int worker) {
        Scratch &scratch = m_scratch[worker];
        for (int layer = 0; layer < m_layers; ++layer)
            accumulateTile(frame, tile, layer, scratch.layers[layer]);
        shadeTile(frame, canvas, tile, scratch);
    });
}

/**
 * The layer's opacity by cell count, from the workers' histograms of occupied cells. The
 * reference count (full opacity) is a high quantile, so one very dense cell does not wash out the
 * rest of the map.
 */
void MapRasterizer::prepareOpacity(int layer)
{
    std::vector<quint32> merged(kMaxCount + 1, 0);
    for (const Scratch &scratch : m_scratch)
        std::transform(merged.begin(), merged.end(), scratch.histogram[layer].begin(), merged.begin(),
                       std::plus<>());
    qint64 occupied = 0;
    for (quint32 c = 1; c <= kMaxCount; ++c)
        occupied += merged[c];
    const qint64 wanted = qint64(std::ceil(kReferenceQuantile * double(occupied)));
    quint32 reference = 1;
    for (qint64 seen = merged[1]; seen < wanted && reference < kMaxCount;)
        seen += merged[++reference];
    const double logReference = std::log1p(double(std::max<quint32>(reference, 2)));
    std::vector<quint8> &alphaOfCount = m_alphaOfCount[layer];
    alphaOfCount.resize(kMaxCount + 1);
    for (quint32 c = 0; c <= kMaxCount; ++c) {
        const double t = std::min(1.0, std::log1p(double(c)) / logReference);
        alphaOfCount[c] = quint8(std::lround(255.0 * (kFaintestDensity + (1.0 - kFaintestDensity) * t)));
    }
}

/** Counts and colors of the tile's points of one layer, per cell of the tile. */
void MapRasterizer::accumulateTile(const MapFrame &frame, int tile, int layer, CellGrid &grid) const
{
    const size_t cells = size_t(m_tileCells) * m_tileCells;
    grid.count.assign(cells, 0);
    grid.votes.assign(cells, 0);
    grid.dominant.resize(cells);
    if (frame.meanColors) {
        grid.red.assign(cells, 0);
        grid.green.assign(cells, 0);
        grid.blue.assign(cells, 0);
    }
    const QRect rect = tileRect(tile);
    const float left = float(rect.x()), top = float(rect.y());
    const float right = float(std::min(rect.x() + m_tileSize, frame.deviceSize.width()));
    const float bottom = float(std::min(rect.y() + m_tileSize, frame.deviceSize.height()));
    const int last = m_tileCells - 1;
    forEachEntry(tile, layer, [&](const Entry &e) {
        // Points just outside the image are binned for their sprites' edges; they do not count.
        if (!(e.x >= left && e.x < right && e.y >= top && e.y < bottom))
            return;
        const int cx = std::min(last, int((e.x - left) * m_invCell));
        const int cy = std::min(last, int((e.y - top) * m_invCell));
        const size_t cell = size_t(cy) * m_tileCells + cx;
        ++grid.count[cell];
        // Boyer-Moore majority vote: finds the color held by more than half of the cell's
        // points in O(1) memory; otherwise some frequent one.
        if (grid.votes[cell] == 0) {
            grid.dominant[cell] = e.color;
            grid.votes[cell] = 1;
        } else if (grid.dominant[cell] == e.color) {
            ++grid.votes[cell];
        } else {
            --grid.votes[cell];
        }
        if (frame.meanColors) {
            grid.red[cell] += qRed(e.color);
            grid.green[cell] += qGreen(e.color);
            grid.blue[cell] += qBlue(e.color);
        }
    });
}

/** The tile's pixels: background, then each layer's cells with opacity by count. */
void MapRasterizer::shadeTile(const MapFrame &frame, const Canvas &canvas, int tile,
                              const Scratch &scratch) const
{
    const QRect rect = tileRect(tile);
    const int right = std::min(rect.x() + m_tileSize, canvas.width);
    const int bottom = std::min(rect.y() + m_tileSize, canvas.height);
    for (int y = rect.y(); y < bottom; ++y) {
        QRgb *line = canvas.pixels + y * canvas.stride;
        // Step through the row's cells, m_cell pixels each.
        size_t cell = size_t((y - rect.y()) / m_cell) * m_tileCells - 1;
        for (int x = rect.x(), sub = 0; x < right; ++x, sub = sub + 1 == m_cell ? 0 : sub + 1) {
            if (sub == 0)
                ++cell;
            QRgb pixel = frame.background;
            for (int layer = 0; layer < m_layers; ++layer) {
                const CellGrid &grid = scratch.layers[layer];
                const quint32 count = grid.count[cell];
                if (count == 0)
                    continue;
                QRgb color = frame.meanColors
                                 ? qRgb(int(grid.red[cell] / count), int(grid.green[cell] / count),
                                        int(grid.blue[cell] / count))
                                 : grid.dominant[cell] | 0xff000000;
                if (m_layers == 2 && layer == 0)
                    color = dimmed(color, frame.background);
                pixel = blend(color, m_alphaOfCount[layer][std::min(count, kMaxCount)], pixel);
            }
            line[x] = pixel;
        }
    }
}

/**
 * The taps (offset and coverage) of an antialiased disc for each of kSubPixels² sub-pixel centre
 * positions, by supersampling once per radius, so a sprite is a short table walk with a blend per tap.
 */
void MapRasterizer::prepareKernel(double radius)
{
    // A sprite must reach less than half a tile for the checkerboard phases of drawSprites().
    radius = std::clamp(radius, 0.5, kTileSize / 2 - 2.0);
    if (radius == m_kernel.radius)
        return;
    Kernel kernel;
    kernel.radius = radius;
    kernel.reach = int(std::ceil(radius + 0.5));
    const double r2 = radius * radius;
    for (int sy = 0; sy < kSubPixels; ++sy) {
        for (int sx = 0; sx < kSubPixels; ++sx) {
            // The point's position inside its own pixel.
            const double cx = (sx + 0.5) / kSubPixels, cy = (sy + 0.5) / kSubPixels;
            std::vector<Tap> &taps = kernel.taps.emplace_back();
            for (int dy = -kernel.reach; dy <= kernel.reach; ++dy) {
                for (int dx = -kernel.reach; dx <= kernel.reach; ++dx) {
                    int inside = 0;
                    for (int j = 0; j < kSuperSamples; ++j) {
                        for (int i = 0; i < kSuperSamples; ++i) {
                            const double u = dx + (i + 0.5) / kSuperSamples - cx;
                            const double v = dy + (j + 0.5) / kSuperSamples - cy;
                            inside += u * u + v * v <= r2;
                        }
                    }
                    const int cover =
                        (inside * 255 + kSuperSamples * kSuperSamples / 2) / (kSuperSamples * kSuperSamples);
                    if (cover > 0)
                        taps.push_back({qint8(dx), qint8(dy), quint8(cover)});
                }
            }
        }
    }
    m_kernel = std::move(kernel);
}

} // namespace loupe
