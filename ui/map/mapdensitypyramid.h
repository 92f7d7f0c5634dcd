#pragma once

#include <QPointF>
#include <QRgb>

#include <span>
#include <vector>

namespace loupe {

/**
 * Merges the majority-vote summary (color, votes) into (dominant, margin), as Misra and Gries
 * merge theirs: a color held by more than half of the points of both keeps winning.
 */
inline void mergeMajorityVote(QRgb &dominant, quint32 &margin, QRgb color, quint32 votes)
{
    if (margin == 0) {
        dominant = color;
        margin = votes;
    } else if (dominant == color) {
        margin += votes;
    } else if (margin >= votes) {
        margin -= votes;
    } else {
        dominant = color;
        margin = votes - margin;
    }
}

/**
 * A point map counted into square cells at several resolutions, so that a zoomed-out frame of
 * millions of points costs what its pixels cost, not what its points cost (datashader's and
 * Embedding Atlas's answer to the same problem).
 *
 * The finest level has about as many cells along an edge as the square root of the point count
 * (a power of two, 64 to 4096); each coarser level halves it, down to 16. A level keeps only
 * its occupied cells, row by row (rows grow with data y), each row sorted by column. A cell
 * holds its point count, its dominant color (a Boyer-Moore majority vote over the points in
 * index order, merged level to level as Misra and Gries merge summaries) and its mean color.
 * With a selection the points are kept in two layers, unselected (0) and selected (1), as the
 * rasteriser draws them. The finest level also keeps a copy of its points, cell by cell.
 *
 * Built once per change of points, colors or selection (about half a second at 10 million
 * points, off the UI thread), then read by any number of frames.
 */
class MapDensityPyramid final
{
public:
    struct Cell
    {
        quint16 column = 0;
        quint32 first = 0; // finest level: where the cell's points begin in sortedPoints()
        quint32 count = 0;
        quint32 votes = 0; // the majority vote's remaining margin for dominant
        QRgb dominant = 0;
        QRgb mean = 0;
    };
    /** One layer of one level: rowStart[r]..rowStart[r + 1] are row r's occupied cells. */
    struct Grid
    {
        std::vector<quint32> rowStart;
        std::vector<Cell> cells;
    };
    struct Level
    {
        int side = 0;        // cells along each edge
        double cellSize = 0; // data units
        std::vector<Grid> layers;
    };

    /**
     * Aggregates n points (xy: n*2 interleaved, non-finite points skipped) with their colors
     * and, when selected is not empty, their selection flags. An empty map gives no levels.
     */
    MapDensityPyramid(std::span<const float> xy, std::span<const QRgb> colors,
                      std::span<const quint8> selected);

    /** The data point at the lower left corner of every level's cell (0, 0). */
    QPointF origin() const { return m_origin; }
    qint64 pointCount() const { return m_pointCount; }
    int layerCount() const { return m_layerCount; }
    /** Finest first. */
    const std::vector<Level> &levels() const { return m_levels; }
    /** The coarsest level whose cells are at most maxCellSize across, or nullptr. */
    const Level *levelFor(double maxCellSize) const;
    /** A copy of a layer's points, in the order of the finest level's cells. */
    struct SortedPoints
    {
        std::vector<float> xy;
        std::vector<QRgb> colors;
    };
    /**
     * The layer's points by finest cell (in index order within a cell): a spatial index that
     * lets a view zoomed in past the finest level read only the points near it, in runs.
     */
    const SortedPoints &sortedPoints(int layer) const { return m_sorted[size_t(layer)]; }

private:
    Grid finestLayer(std::span<const float> xy, std::span<const QRgb> colors,
                     std::span<const quint8> selected, int layer, int side);
    static Grid coarsen(const Grid &fine, int fineSide);

    QPointF m_origin;
    double m_finestCellSize = 1;
    qint64 m_pointCount = 0;
    int m_layerCount = 1;
    std::vector<Level> m_levels;
    std::vector<SortedPoints> m_sorted; // per layer
};

} // namespace loupe
