#pragma once

#include <QPolygonF>
#include <QRectF>

#include <span>
#include <vector>

namespace loupe {

/** How a new rectangle or lasso selection combines with the current one. */
enum class SelectionOp { Replace, Add, Subtract };

namespace mapselection {

/** Indices of the points (n*2 interleaved xy) inside rect, ascending; edges count as inside. */
std::vector<qint64> pointsInRect(std::span<const float> xy, const QRectF &rect);

/** Indices of the points inside polygon (even-odd rule, closed implicitly), ascending. */
std::vector<qint64> pointsInPolygon(std::span<const float> xy, const QPolygonF &polygon);

/** points in [0, count), ascending and unique. */
std::vector<qint64> normalized(const std::vector<qint64> &points, qint64 count);

/** count flags, set for points (ascending, in range); empty when points is. */
std::vector<quint8> mask(const std::vector<qint64> &points, qint64 count);

/** current combined with hits; both ascending and unique, and so is the result. */
std::vector<qint64> combine(const std::vector<qint64> &current, const std::vector<qint64> &hits,
                            SelectionOp op);

} // namespace mapselection
} // namespace loupe
