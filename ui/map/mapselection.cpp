#include "mapselection.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace loupe::mapselection {

namespace {

struct Edge
{
    double x0, y0, x1, y1;
};

/**
 * The polygon's edges sorted into horizontal slabs, so a point tests only the few edges that
 * span its row instead of all of them: a hand-drawn lasso has hundreds of vertices and the map
 * up to millions of points.
 */
class EdgeSlabs
{
public:
    explicit EdgeSlabs(const QPolygonF &polygon, const QRectF &bounds)
        : m_top(bounds.top()), m_slabs(std::clamp<int>(int(polygon.size()), 1, 512)),
          m_slabHeight(std::max(bounds.height() / m_slabs, 1e-300)), m_edges(m_slabs)
    {
        for (qsizetype i = 0, n = polygon.size(); i < n; ++i) {
            const QPointF a = polygon[i], b = polygon[(i + 1) % n];
            if (a.y() == b.y())
                continue; // a horizontal edge never crosses a horizontal ray
            const int from = slab(std::min(a.y(), b.y())), to = slab(std::max(a.y(), b.y()));
            for (int s = from; s <= to; ++s)
                m_edges[s].push_back({a.x(), a.y(), b.x(), b.y()});
        }
    }

    /** Even-odd rule: count the edges crossed by a ray from (x, y) towards +x. */
    bool contains(double x, double y) const
    {
        bool inside = false;
        for (const Edge &e : m_edges[slab(y)]) {
            if ((e.y0 > y) != (e.y1 > y) && x < e.x0 + (y - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0))
                inside = !inside;
        }
        return inside;
    }

private:
    int slab(double y) const
    {
        // Clamp as a double: a flat polygon makes the quotient too large for an int.
        return int(std::clamp((y - m_top) / m_slabHeight, 0.0, double(m_slabs - 1)));
    }

    double m_top;
    int m_slabs;
    double m_slabHeight;
    std::vector<std::vector<Edge>> m_edges;
};

} // namespace

std::vector<qint64> pointsInRect(std::span<const float> xy, const QRectF &rect)
{
    const QRectF r = rect.normalized();
    std::vector<qint64> hits;
    for (size_t i = 0, n = xy.size() / 2; i < n; ++i) {
        const double x = xy[2 * i], y = xy[2 * i + 1];
        if (x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom()) // false for NaN
            hits.push_back(qint64(i));
    }
    return hits;
}

std::vector<qint64> pointsInPolygon(std::span<const float> xy, const QPolygonF &polygon)
{
    std::vector<qint64> hits;
    if (polygon.size() < 3)
        return hits;
    const QRectF bounds = polygon.boundingRect();
    const EdgeSlabs slabs(polygon, bounds);
    for (size_t i = 0, n = xy.size() / 2; i < n; ++i) {
        const double x = xy[2 * i], y = xy[2 * i + 1];
        if (x >= bounds.left() && x <= bounds.right() && y >= bounds.top() && y <= bounds.bottom() &&
            slabs.contains(x, y))
            hits.push_back(qint64(i));
    }
    return hits;
}

std::vector<qint64> combine(const std::vector<qint64> &current, const std::vector<qint64> &hits,
                            SelectionOp op)
{
    std::vector<qint64> result;
    switch (op) {
    case SelectionOp::Replace:
        return hits;
    case SelectionOp::Add:
        std::set_union(current.begin(), current.end(), hits.begin(), hits.end(), std::back_inserter(result));
        break;
    case SelectionOp::Subtract:
        std::set_difference(current.begin(), current.end(), hits.begin(), hits.end(),
                            std::back_inserter(result));
        break;
    }
    return result;
}

std::vector<qint64> normalized(const std::vector<qint64> &points, qint64 count)
{
    std::vector<qint64> clean;
    clean.reserve(points.size());
    std::copy_if(points.begin(), points.end(), std::back_inserter(clean),
                 [count](qint64 p) { return p >= 0 && p < count; });
    std::sort(clean.begin(), clean.end());
    clean.erase(std::unique(clean.begin(), clean.end()), clean.end());
    return clean;
}

std::vector<quint8> mask(const std::vector<qint64> &points, qint64 count)
{
    std::vector<quint8> flags;
    if (!points.empty()) {
        flags.assign(size_t(count), 0);
        for (const qint64 p : points)
            flags[size_t(p)] = 1;
    }
    return flags;
}

} // namespace loupe::mapselection
