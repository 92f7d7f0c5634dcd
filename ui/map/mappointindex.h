#pragma once

#include <QPointF>

#include <QRectF>

#include <memory>
#include <span>
#include <vector>

namespace loupe {

/**
 * Nearest-point lookup on a 2-D map (a nanoflann kd-tree over a compact copy of the finite
 * points), for hovering and clicking. Immutable after construction, so one index can be built
 * on a worker thread and then shared with the UI thread.
 */
class MapPointIndex final
{
public:
    /** xy: n*2 interleaved coordinates; points with a non-finite coordinate are left out. */
    explicit MapPointIndex(std::span<const float> xy);
    ~MapPointIndex();
    MapPointIndex(const MapPointIndex &) = delete;
    MapPointIndex &operator=(const MapPointIndex &) = delete;

    /** The index (into xy) of the point nearest to position within maxDistance, or -1. */
    qint64 nearest(QPointF position, double maxDistance) const;

    /**
     * Appends to out the indices of the points inside rect (edges included), in no particular
     * order, and returns true; returns false as soon as more than limit are found (out then
     * holds an arbitrary part of them). Visits about the points in rect's circumscribed circle,
     * not all points: cheap while few are inside, and bounded by limit when many are.
     */
    bool pointsInRect(const QRectF &rect, qint64 limit, std::vector<qint64> &out) const;

private:
    struct Tree;
    std::unique_ptr<Tree> m_tree;
};

} // namespace loupe
