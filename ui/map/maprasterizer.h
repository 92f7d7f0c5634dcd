#pragma once

#include "mapdensitypyramid.h"

#include <QImage>
#include <QPointF>
#include <QRect>
#include <QSize>
#include <QThreadPool>

#include <functional>
#include <span>
#include <vector>

namespace loupe {

/** Everything one frame of the map depends on. The spans must stay valid during render(). */
struct MapFrame
{
    std::span<const float> xy;        ///< n*2 interleaved data coordinates (non-finite points are skipped)
    std::span<const QRgb> colors;     ///< n colors; alpha is ignored
    std::span<const quint8> selected; ///< n flags (non-zero = selected), or empty when nothing is selected
    QSize deviceSize;                 ///< image size in device pixels
    qreal devicePixelRatio = 1;       ///< stored on the image; sizes below are already in device pixels
    QPointF center;                   ///< data point at the centre of the image
    double scale = 1;                 ///< device pixels per data unit; data y grows upwards
    double pointRadius = 1.3;         ///< sprite radius in device pixels
    QRgb background = 0xffffffff;
    bool meanColors =
        false; ///< density view: average the colors of a pixel (scalar maps), not its dominant one
    /// Aggregates of these same points, colors and selection, or null. When one of its levels
    /// is as fine as a pixel, a density frame is drawn from its cells instead of the points.
    const MapDensityPyramid *pyramid = nullptr;
};

/**
 * Draws a 2-D point map into a QImage on the CPU, never one QPainter call per point.
 *
 * Two looks: antialiased disc sprites while points are sparse on screen, and a density view when
 * many points share a pixel (per pixel a log-scaled count as opacity over the pixel's dominant
 * color, or mean color for scalar maps), as Embedding Atlas and datashader do. With a selection,
 * unselected points are drawn dimmed first and selected points over them.
 *
 * Points in sample order land anywhere on screen, so drawing them straight into a large image is
 * bound by cache misses. Instead a frame first bins the visible points by the 64-pixel tile
 * holding their centre (one pass, in parallel over contiguous ranges of points), then works tile
 * by tile from cache, the tiles shared out to a private thread pool plus the calling thread. No
 * two threads write one pixel at a time and a tile sees its points in index order, so the image
 * does not depend on the thread count. The pool is private so that long analysis jobs on the
 * global pool never hold up a frame.
 *
 * With a MapDensityPyramid in the frame, a view that would be drawn as density is drawn from the
 * coarsest level whose cells are no larger than a density cell: each pyramid cell counts
 * towards the density cell holding its centre, and a density cell's count is scaled by how many
 * pyramid cells it received against how many it covers, so the uneven share of cells per pixel
 * leaves no moire. The cost is then that of the cells on screen, not of the points.
 */
class MapRasterizer final
{
    Q_DISABLE_COPY_MOVE(MapRasterizer)

public:
    enum class Look { Sprites, Density };
    struct Stats
    {
        Look look = Look::Sprites;
        qint64 visiblePoints = 0; ///< points whose centre falls inside the image
        qint64 occupiedCells = 0; ///< density cells (about one logical pixel) holding a point centre
        bool fromPyramid = false; ///< drawn from the frame's pyramid rather than its points
        qint64 visitedPoints = 0; ///< points drawn or tested (all, or those the pyramid found near the view)
    };

    MapRasterizer();
    ~MapRasterizer();

    /**
     * A Format_RGB32 image of frame.deviceSize with frame.devicePixelRatio set. Frames alternate
     * between two buffers: a caller that keeps only the latest frame never causes a copy.
     */
    QImage render(const MapFrame &frame);
    const Stats &lastStats() const { return m_stats; }

    /** Threads used per frame, the calling one included (default: QThread::idealThreadCount()). */
    void setThreadCount(int threads);
    int threadCount() const { return m_threads; }

    /**
     * The density view is drawn when visible points per occupied cell exceed this (default 2),
     * or when more than 500,000 points are visible, which bounds the cost of a frame.
     */
    void setDensityThreshold(double pointsPerPixel) { m_densityThreshold = pointsPerPixel; }

private:
    /** A visible point in device coordinates, as sorted into a tile. */
    struct Entry
    {
        float x, y;
        QRgb color;
    };
    struct Canvas
    {
        QRgb *pixels = nullptr; // detached before any thread starts
        qsizetype stride = 0;   // in pixels
        int width = 0, height = 0;
    };
    struct Tap
    {
        qint8 dx, dy; // from the pixel holding the point's centre
        quint8 cover; // 1..255
    };
    struct Kernel
    {
        double radius = -1;
        int reach = 0;                      // pixels the disc extends beyond the centre pixel
        std::vector<std::vector<Tap>> taps; // per sub-pixel position of the centre
    };

    /** One layer's density cells of the tile a worker is on. */
    struct CellGrid
    {
        std::vector<quint32> count, votes;     // votes: Boyer-Moore majority vote for dominant
        std::vector<QRgb> dominant;            // the majority color when one exists
        std::vector<quint32> red, green, blue; // colour sums, mean-color mode only
    };
    /** Per worker: scratch cells for both layers and its share of the count histograms. */
    struct Scratch
    {
        CellGrid layers[2];
        std::vector<quint32> histogram[2]; // per layer, occupied cells by count (capped)
    };

    void parallelFor(int count, const std::function<void(int item, int worker)> &work);
    void layOutTiles(const MapFrame &frame);
    void binPoints(const MapFrame &frame);
    void binChunk(const MapFrame &frame, int chunk, int chunks);
    void surveyTile(const MapFrame &frame, int tile, Scratch &scratch);
    QRect tileRect(int tile) const;
    template<class Visit> void forEachEntry(int tile, int layer, Visit visit) const;
    void drawSprites(const MapFrame &frame, const Canvas &canvas);
    void drawSpriteTile(const MapFrame &frame, const Canvas &canvas, int tile, int layer) const;
    void drawSprite(const Canvas &canvas, const QRect &clip, float x, float y, QRgb color) const;
    void drawDensity(const MapFrame &frame, const Canvas &canvas);
    void accumulateTile(const MapFrame &frame, int tile, int layer, CellGrid &grid) const;
    void shadeTile(const MapFrame &frame, const Canvas &canvas, int tile, const Scratch &scratch) const;
    void prepareKernel(double radius);
    void prepareOpacity(int layer);
    bool drawDensityFromPyramid(const MapFrame &frame, const Canvas &canvas);
    void gatherNearbyPoints(const MapFrame &frame);
    void accumulatePyramidBand(const MapFrame &frame, int top, int bottom);
    void normalizePyramidBand(int band, int top, int bottom, int worker);
    void shadePyramidBand(const MapFrame &frame, const Canvas &canvas, int top, int bottom) const;

    QThreadPool m_pool;
    int m_threads = 1;
    double m_densityThreshold = 2.0;
    Stats m_stats;
    Kernel m_kernel;
    int m_cell = 1;       // density cell edge in device pixels: about one logical pixel
    float m_invCell = 1;  // 1 / m_cell: a multiply instead of a division per point
    int m_tileCells = 64; // density cells along a tile's edge
    int m_tileSize = 64;  // device pixels, a multiple of m_cell
    int m_tilesX = 0, m_tilesY = 0;
    int m_layers = 1; // 2 with a selection: unselected (0) then selected (1)
    // Tile sort: the visible points of each chunk of points (a contiguous index range) by
    // (tile, layer) key, in index order: m_bins[chunk * keys + key]. Vectors keep their capacity
    // from frame to frame.
    std::vector<std::vector<Entry>> m_bins;
    // With a pyramid and a view zoomed in past it: the points of the finest cells near the view,
    // cell by cell, which binPoints() visits instead of every point.
    struct NearbyRun
    {
        quint32 first, count; // in the layer's sorted points
        int layer;
    };
    std::vector<NearbyRun> m_runs;
    std::vector<qint64> m_runEnds; // running total of the runs' counts
    bool m_onlyNearby = false;

    /** One layer's density cells over the whole image, filled from pyramid cells. */
    struct PixelGrid
    {
        std::vector<quint32> count, density; // points; points scaled to the cell's full cover
        std::vector<quint32> votes;
        std::vector<QRgb> dominant;
        std::vector<float> red, green, blue; // colour sums, mean-color mode only
    };
    struct PyramidView
    {
        const MapDensityPyramid::Level *level = nullptr;
        int firstColumn = 0, lastColumn = -1, firstRow = 0, lastRow = -1;
        int width = 0, height = 0;      // density cells over the image
        double cellsPerDensityCell = 1; // along an edge, 1 to 2
    };
    PyramidView m_view;
    PixelGrid m_pixelLayers[2];
    std::vector<int> m_columnCell, m_rowCell; // per visible pyramid column / row: density cell or -1
    std::vector<quint16> m_slotsX, m_slotsY;  // per density column / row: pyramid cells it received
    std::vector<float> m_coverX, m_coverY;    // and the count scale that follows from it
    std::vector<qint64> m_bandVisible, m_bandOccupied;
    int m_chunks = 1;
    std::vector<qint64> m_tileVisible;  // per tile, points whose centre lies in the tile
    std::vector<qint64> m_tileOccupied; // per tile, cells holding such a centre (any layer)
    QImage m_buffers[2]; // frames alternate, so the caller's copy of the last frame is never written
    int m_nextBuffer = 0;
    std::vector<Scratch> m_scratch;        // per worker
    std::vector<quint8> m_alphaOfCount[2]; // per layer: density opacity by (capped) cell count
};

} // namespace loupe
