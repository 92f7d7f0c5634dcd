#include "mapdensitypyramid.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace loupe {

namespace {

constexpr int kFinestSideMin = 64;
constexpr int kFinestSideMax = 4096; // 16.7M cells: the counting sort's buckets stay at 67 MB
constexpr int kCoarsestSide = 16;
constexpr quint32 kSkipped = std::numeric_limits<quint32>::max();

/** Running per-channel sums of a cell's colors, for its mean. */
struct ColorSums
{
    quint64 red = 0, green = 0, blue = 0;

    void add(QRgb color, quint64 weight)
    {
        red += qRed(color) * weight;
        green += qGreen(color) * weight;
        blue += qBlue(color) * weight;
    }
    QRgb mean(quint64 count) const
    {
        return count ? qRgb(int(red / count), int(green / count), int(blue / count)) : qRgb(0, 0, 0);
    }
};

} // namespace

MapDensityPyramid::MapDensityPyramid(std::span<const float> xy, std::span<const QRgb> colors,
                                     std::span<const quint8> selected)
    : m_pointCount(qint64(xy.size() / 2)), m_layerCount(selected.empty() ? 1 : 2)
{
    float minX = std::numeric_limits<float>::max(), minY = minX;
    float maxX = std::numeric_limits<float>::lowest(), maxY = maxX;
    for (qint64 i = 0; i < m_pointCount; ++i) {
        const float x = xy[size_t(2 * i)], y = xy[size_t(2 * i + 1)];
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        minX = std::min(minX, x);
        maxX = std::max(maxX, x);
        minY = std::min(minY, y);
        maxY = std::max(maxY, y);
    }
    if (minX > maxX)
        return;
    m_origin = QPointF(minX, minY);
    double extent = std::max(double(maxX) - minX, double(maxY) - minY);
    if (!(extent > 0))
        extent = 1; // every point in one place
    const auto root = quint32(std::ceil(std::sqrt(double(m_pointCount))));
    int side = int(std::clamp<quint32>(std::bit_ceil(root), kFinestSideMin, kFinestSideMax));
    // A hair wider than the points, so that the largest coordinate falls inside the last cell.
    m_finestCellSize = extent * (1 + 1e-6) / side;

    Level finest{side, m_finestCellSize, {}};
    for (int layer = 0; layer < m_layerCount; ++layer)
        finest.layers.push_back(finestLayer(xy, colors, selected, layer, side));
    m_levels.push_back(std::move(finest));
    while (side > kCoarsestSide) {
        const Level &fine = m_levels.back();
        Level coarse{side / 2, fine.cellSize * 2, {}};
        for (const Grid &grid : fine.layers)
            coarse.layers.push_back(coarsen(grid, side));
        m_levels.push_back(std::move(coarse));
        side /= 2;
    }
}

const MapDensityPyramid::Level *MapDensityPyramid::levelFor(double maxCellSize) const
{
    const Level *chosen = nullptr;
    for (const Level &level : m_levels) // finest first: cells grow
        if (level.cellSize <= maxCellSize)
            chosen = &level;
    return chosen;
}

/**
 * A counting sort of the layer's points by cell (row-major) straight into the sorted copy,
 * stable so that each cell sees its points in index order; then one pass over the cells.
 */
MapDensityPyramid::Grid MapDensityPyramid::finestLayer(std::span<const float> xy,
                                                       std::span<const QRgb> colors,
                                                       std::span<const quint8> selected, int layer, int side)
{
    const size_t cellCount = size_t(side) * side;
    const double invCell = 1.0 / m_finestCellSize;
    const double originX = m_origin.x(), originY = m_origin.y();
    const auto cellOf = [&](qint64 i) -> quint32 {
        if (!selected.empty() && int(selected[size_t(i)] != 0) != layer)
            return kSkipped;
        const float x = xy[size_t(2 * i)], y = xy[size_t(2 * i + 1)];
        if (!std::isfinite(x) || !std::isfinite(y))
            return kSkipped;
        const int column = std::clamp(int((x - originX) * invCell), 0, side - 1);
        const int row = std::clamp(int((y - originY) * invCell), 0, side - 1);
        return quint32(row) * quint32(side) + quint32(column);
    };
    std::vector<quint32> end(cellCount, 0); // counts, then each cell's begin, then its end
    for (qint64 i = 0; i < m_pointCount; ++i)
        if (const quint32 cell = cellOf(i); cell != kSkipped)
            ++end[cell];
    quint32 total = 0;
    size_t occupied = 0;
    for (quint32 &slot : end) {
        const quint32 count = slot;
        slot = total;
        total += count;
        occupied += count != 0;
    }
    SortedPoints &sorted = m_sorted.emplace_back();
    sorted.xy.resize(size_t(total) * 2);
    sorted.colors.resize(total);
    for (qint64 i = 0; i < m_pointCount; ++i) {
        const quint32 cell = cellOf(i);
        if (cell == kSkipped)
            continue;
        const quint32 at = end[cell]++;
        sorted.xy[2 * size_t(at)] = xy[size_t(2 * i)];
        sorted.xy[2 * size_t(at) + 1] = xy[size_t(2 * i + 1)];
        sorted.colors[at] = (size_t(i) < colors.size() ? colors[size_t(i)] : 0) | 0xff000000;
    }

    Grid grid;
    grid.rowStart.resize(size_t(side) + 1);
    grid.cells.reserve(occupied);
    quint32 begin = 0;
    for (int row = 0; row < side; ++row) {
        grid.rowStart[size_t(row)] = quint32(grid.cells.size());
        for (int column = 0; column < side; ++column) {
            const quint32 stop = end[size_t(row) * side + column];
            if (stop == begin)
                continue;
            Cell cell;
            cell.column = quint16(column);
            cell.first = begin;
            cell.count = stop - begin;
            ColorSums sums;
            for (quint32 j = begin; j < stop; ++j) {
                mergeMajorityVote(cell.dominant, cell.votes, sorted.colors[j], 1);
                sums.add(sorted.colors[j], 1);
            }
            cell.mean = sums.mean(cell.count);
            grid.cells.push_back(cell);
            begin = stop;
        }
    }
    grid.rowStart[size_t(side)] = quint32(grid.cells.size());
    return grid;
}

/**
 * The next level's grid: coarse row r merges fine rows 2r and 2r + 1, whose cells, in column
 * order, fall into coarse cells in runs.
 */
MapDensityPyramid::Grid MapDensityPyramid::coarsen(const Grid &fine, int fineSide)
{
    const int side = fineSide / 2;
    Grid grid;
    grid.rowStart.resize(size_t(side) + 1);
    ColorSums sums; // of the last cell, while open
    bool open = false;
    const auto finishCell = [&] {
        if (open)
            grid.cells.back().mean = sums.mean(grid.cells.back().count);
        sums = {};
        open = false;
    };
    for (int row = 0; row < side; ++row) {
        const quint32 rowBegin = quint32(grid.cells.size());
        grid.rowStart[size_t(row)] = rowBegin;
        const Cell *a = fine.cells.data() + fine.rowStart[size_t(2 * row)];
        const Cell *aEnd = fine.cells.data() + fine.rowStart[size_t(2 * row + 1)];
        const Cell *b = aEnd;
        const Cell *bEnd = fine.cells.data() + fine.rowStart[size_t(2 * row + 2)];
        while (a != aEnd || b != bEnd) {
            const Cell &next = (b == bEnd || (a != aEnd && a->column <= b->column)) ? *a++ : *b++;
            const quint16 column = quint16(next.column / 2);
            if (grid.cells.size() == rowBegin || grid.cells.back().column != column) {
                finishCell();
                Cell cell;
                cell.column = column;
                grid.cells.push_back(cell);
                open = true;
            }
            Cell &cell = grid.cells.back();
            cell.count += next.count;
            mergeMajorityVote(cell.dominant, cell.votes, next.dominant, next.votes);
            sums.add(next.mean, next.count);
        }
        finishCell();
    }
    grid.rowStart[size_t(side)] = quint32(grid.cells.size());
    return grid;
}

} // namespace loupe
