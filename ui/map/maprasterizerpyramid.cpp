#include "maprasterizer.h"

#include "mapdensitypyramid.h"
#include "rasterhelpers.h"

#include <algorithm>
#include <cmath>

// MapRasterizer's density frames drawn from a MapDensityPyramid, and its visit of the points
// near a view zoomed in past the pyramid: the rest of the rasteriser is in maprasterizer.cpp.

namespace loupe {

using namespace rasterhelpers;

/**
 * The density view from the frame's pyramid, when a level is fine enough and the view is
 * crowded; false leaves the frame to the points. Works in bands of density rows: a pyramid row's
 * cells all land in one density row, so no two bands write one cell.
 */
bool MapRasterizer::drawDensityFromPyramid(const MapFrame &frame, const Canvas &canvas)
{
    const MapDensityPyramid &pyramid = *frame.pyramid;
    if (pyramid.pointCount() != qint64(frame.xy.size() / 2) || pyramid.layerCount() != m_layers)
        return false;
    const double densityCell = m_cell / frame.scale; // data units
    const MapDensityPyramid::Level *level = pyramid.levelFor(densityCell);
    if (!level)
        return false; // zoomed in further than the finest cells
    PyramidView &view = m_view;
    view.level = level;
    view.width = (canvas.width + m_cell - 1) / m_cell;
    view.height = (canvas.height + m_cell - 1) / m_cell;
    view.cellsPerDensityCell = densityCell / level->cellSize;

    // Pyramid columns and rows on screen, and the density column or row holding each one's centre.
    const Transform tf(frame);
    const double cellSize = level->cellSize;
    const double halfWidth = canvas.width * 0.5 / frame.scale, halfHeight = canvas.height * 0.5 / frame.scale;
    const auto onScreen = [&](double centre, double half, double origin, int &first, int &last) {
        first = std::max(0, int(std::floor((centre - half - origin) / cellSize)));
        last = std::min(level->side - 1, int(std::floor((centre + half - origin) / cellSize)));
    };
    onScreen(frame.center.x(), halfWidth, pyramid.origin().x(), view.firstColumn, view.lastColumn);
    onScreen(frame.center.y(), halfHeight, pyramid.origin().y(), view.firstRow, view.lastRow);
    if (view.firstColumn > view.lastColumn || view.firstRow > view.lastRow)
        return false;
    const auto place = [&](int first, int last, double origin, auto toDevice, int cells,
                           std::vector<int> &cellOf, std::vector<quint16> &slots) {
        cellOf.assign(size_t(last - first + 1), -1);
        slots.assign(size_t(cells), 0);
        for (int i = first; i <= last; ++i) {
            const int cell = floorToInt(toDevice(float(origin + (i + 0.5) * cellSize)) * m_invCell);
            if (cell >= 0 && cell < cells) {
                cellOf[size_t(i - first)] = cell;
                ++slots[size_t(cell)];
            }
        }
    };
    place(
        view.firstColumn, view.lastColumn, pyramid.origin().x(), [&](float x) { return tf.x(x); }, view.width,
        m_columnCell, m_slotsX);
    place(
        view.firstRow, view.lastRow, pyramid.origin().y(), [&](float y) { return tf.y(y); }, view.height,
        m_rowCell, m_slotsY);
    // A density cell that received s columns of pyramid cells holds s / cellsPerDensityCell of its width.
    const auto cover = [&](const std::vector<quint16> &slots, std::vector<float> &factor) {
        factor.resize(slots.size());
        for (size_t i = 0; i < slots.size(); ++i)
            factor[i] = slots[i] ? float(view.cellsPerDensityCell / slots[i]) : 0.f;
    };
    cover(m_slotsX, m_coverX);
    cover(m_slotsY, m_coverY);

    const size_t cells = size_t(view.width) * view.height;
    for (int layer = 0; layer < m_layers; ++layer) {
        PixelGrid &grid = m_pixelLayers[layer];
        grid.count.assign(cells, 0);
        grid.density.resize(cells);
        grid.votes.assign(cells, 0);
        grid.dominant.resize(cells);
        for (std::vector<float> *sums : {&grid.red, &grid.green, &grid.blue})
            frame.meanColors ? sums->assign(cells, 0.f) : sums->clear();
    }
    m_scratch.resize(m_threads);
    for (Scratch &scratch : m_scratch)
        for (std::vector<quint32> &histogram : scratch.histogram)
            histogram.assign(kMaxCount + 1, 0);
    const int bands = std::min(view.height, m_threads * 4);
    m_bandVisible.assign(size_t(bands), 0);
    m_bandOccupied.assign(size_t(bands), 0);
    parallelFor(bands, [&](int band, int worker) {
        const int top = view.height * band / bands, bottom = view.height * (band + 1) / bands;
        accumulatePyramidBand(frame, top, bottom);
        normalizePyramidBand(band, top, bottom, worker);
    });
    for (int band = 0; band < bands; ++band) {
        m_stats.visiblePoints += m_bandVisible[size_t(band)];
        m_stats.occupiedCells += m_bandOccupied[size_t(band)];
    }
    const double perCell =
        m_stats.occupiedCells ? double(m_stats.visiblePoints) / m_stats.occupiedCells : 0.0;
    if (perCell <= m_densityThreshold && m_stats.visiblePoints <= kSpriteBudget) {
        m_stats = {};
        return false; // sparse enough for sprites, which need the points
    }
    m_stats.look = Look::Density;
    m_stats.fromPyramid = true;
    for (int layer = 0; layer < m_layers; ++layer)
        prepareOpacity(layer);
    const int pixelBands = std::min(canvas.height, m_threads * 4);
    parallelFor(pixelBands, [&](int band, int) {
        shadePyramidBand(frame, canvas, canvas.height * band / pixelBands,
                         canvas.height * (band + 1) / pixelBands);
    });
    return true;
}

/**
 * A view zoomed in past the pyramid's finest level still shows a small part of the map: its
 * points are those of the finest cells under the view (widened by a sprite's reach), found by
 * rows and columns instead of by testing every point. Only worth it while they are a minority.
 */
void MapRasterizer::gatherNearbyPoints(const MapFrame &frame)
{
    m_onlyNearby = false;
    m_runs.clear();
    m_runEnds.clear();
    if (!frame.pyramid || frame.pyramid->levels().empty() ||
        frame.pyramid->pointCount() != qint64(frame.xy.size() / 2) || frame.pyramid->layerCount() != m_layers)
        return;
    const MapDensityPyramid &pyramid = *frame.pyramid;
    const MapDensityPyramid::Level &finest = pyramid.levels().front();
    const double reach = (m_kernel.reach + 1) / frame.scale;
    const double halfWidth = frame.deviceSize.width() * 0.5 / frame.scale + reach;
    const double halfHeight = frame.deviceSize.height() * 0.5 / frame.scale + reach;
    const auto range = [&](double centre, double half, double origin, int &first, int &last) {
        first =
            int(std::clamp(std::floor((centre - half - origin) / finest.cellSize), 0.0, finest.side - 1.0));
        last =
            int(std::clamp(std::floor((centre + half - origin) / finest.cellSize), -1.0, finest.side - 1.0));
    };
    int firstColumn, lastColumn, firstRow, lastRow;
    range(frame.center.x(), halfWidth, pyramid.origin().x(), firstColumn, lastColumn);
    range(frame.center.y(), halfHeight, pyramid.origin().y(), firstRow, lastRow);
    // Cells next to each other in a row hold consecutive points of the pyramid's sorted copy, so a
    // row's visible cells are one run.
    qint64 nearby = 0;
    for (int layer = 0; layer < m_layers; ++layer) {
        const MapDensityPyramid::Grid &grid = finest.layers[size_t(layer)];
        for (int row = firstRow; row <= lastRow; ++row) {
            const MapDensityPyramid::Cell *begin = grid.cells.data() + grid.rowStart[size_t(row)];
            const MapDensityPyramid::Cell *end = grid.cells.data() + grid.rowStart[size_t(row) + 1];
            const auto byColumn = [](const MapDensityPyramid::Cell &c, int column) {
                return c.column < column;
            };
            const MapDensityPyramid::Cell *first = std::lower_bound(begin, end, firstColumn, byColumn);
            const MapDensityPyramid::Cell *last = std::lower_bound(first, end, lastColumn + 1, byColumn);
            if (first == last)
                continue;
            const quint32 count = (last - 1)->first + (last - 1)->count - first->first;
            m_runs.push_back({first->first, count, layer});
            nearby += count;
            m_runEnds.push_back(nearby);
        }
    }
    if (nearby * 2 > pyramid.pointCount()) {
        m_runs.clear(); // most of the map: a plain pass over the points costs no more
        m_runEnds.clear();
        return;
    }
    m_onlyNearby = true;
}

/** Adds the cells of the pyramid rows that land in density rows [top, bottom) to their density cells. */
void MapRasterizer::accumulatePyramidBand(const MapFrame &frame, int top, int bottom)
{
    const PyramidView &view = m_view;
    for (int row = view.firstRow; row <= view.lastRow; ++row) {
        const int y = m_rowCell[size_t(row - view.firstRow)];
        if (y < top || y >= bottom)
            continue;
        const size_t lineStart = size_t(y) * view.width;
        for (int layer = 0; layer < m_layers; ++layer) {
            const MapDensityPyramid::Grid &source = view.level->layers[size_t(layer)];
            const MapDensityPyramid::Cell *cell = source.cells.data() + source.rowStart[size_t(row)];
            const MapDensityPyramid::Cell *end = source.cells.data() + source.rowStart[size_t(row) + 1];
            cell = std::lower_bound(
                cell, end, view.firstColumn,
                [](const MapDensityPyramid::Cell &c, int column) { return c.column < column; });
            PixelGrid &grid = m_pixelLayers[layer];
            for (; cell != end && cell->column <= view.lastColumn; ++cell) {
                const int x = m_columnCell[size_t(cell->column - view.firstColumn)];
                if (x < 0)
                    continue;
                const size_t at = lineStart + size_t(x);
                grid.count[at] += cell->count;
                mergeMajorityVote(grid.dominant[at], grid.votes[at], cell->dominant, cell->votes);
                if (frame.meanColors) {
                    const float weight = float(cell->count);
                    grid.red[at] += float(qRed(cell->mean)) * weight;
                    grid.green[at] += float(qGreen(cell->mean)) * weight;
                    grid.blue[at] += float(qBlue(cell->mean)) * weight;
                }
            }
        }
    }
}

/**
 * A density cell receives one or two pyramid columns (and rows) as the grids beat against each
 * other: its count is scaled to what a cell of its full cover holds, then counted into the
 * worker's histogram for the opacity scale.
 */
void MapRasterizer::normalizePyramidBand(int band, int top, int bottom, int worker)
{
    const PyramidView &view = m_view;
    qint64 visible = 0, occupied = 0;
    for (int y = top; y < bottom; ++y) {
        const float rowCover = m_coverY[size_t(y)];
        for (int x = 0; x < view.width; ++x) {
            const size_t at = size_t(y) * view.width + x;
            const float cover = rowCover * m_coverX[size_t(x)];
            bool any = false;
            for (int layer = 0; layer < m_layers; ++layer) {
                PixelGrid &grid = m_pixelLayers[layer];
                const quint32 count = grid.count[at];
                quint32 density = 0;
                if (count != 0) {
                    any = true;
                    visible += count;
                    density = std::max<quint32>(1, quint32(float(count) * cover + 0.5f));
                    ++m_scratch[size_t(worker)].histogram[layer][std::min(density, kMaxCount)];
                }
                grid.density[at] = density;
            }
            occupied += any;
        }
    }
    m_bandVisible[size_t(band)] = visible;
    m_bandOccupied[size_t(band)] = occupied;
}

/** Device rows [top, bottom): background, then each layer's density cell with opacity by its count. */
void MapRasterizer::shadePyramidBand(const MapFrame &frame, const Canvas &canvas, int top, int bottom) const
{
    const PyramidView &view = m_view;
    for (int y = top; y < bottom; ++y) {
        QRgb *line = canvas.pixels + y * canvas.stride;
        size_t at = size_t(y / m_cell) * view.width;
        for (int x = 0, sub = 0; x < canvas.width; ++x) {
            if (sub == m_cell) { // the next density cell
                sub = 0;
                ++at;
            }
            ++sub;
            QRgb pixel = frame.background;
            for (int layer = 0; layer < m_layers; ++layer) {
                const PixelGrid &grid = m_pixelLayers[layer];
                const quint32 count = grid.count[at];
                if (count == 0)
                    continue;
                QRgb color = frame.meanColors
                                 ? qRgb(int(grid.red[at] / float(count)), int(grid.green[at] / float(count)),
                                        int(grid.blue[at] / float(count)))
                                 : grid.dominant[at] | 0xff000000;
                if (m_layers == 2 && layer == 0)
                    color = dimmed(color, frame.background);
                pixel = blend(color, m_alphaOfCount[layer][std::min(grid.density[at], kMaxCount)], pixel);
            }
            line[x] = pixel;
        }
    }
}

} // namespace loupe
