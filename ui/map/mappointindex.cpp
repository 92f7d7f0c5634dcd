#include "mappointindex.h"

#include <cmath>
#include <vector>

#include <nanoflann.hpp>

namespace loupe {

namespace {

/** The finite points, as nanoflann's dataset adaptor wants them. */
struct Cloud
{
    std::vector<float> xy;
    std::vector<quint32> original; // index into the caller's points, per cloud point
    size_t kdtree_get_point_count() const { return original.size(); }
    float kdtree_get_pt(size_t i, size_t dim) const { return xy[2 * i + dim]; }
    template<class Box> bool kdtree_get_bbox(Box &) const { return false; }
};

using KdTree =
    nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, Cloud>, Cloud, 2, quint32>;
constexpr size_t kLeafSize = 16;

/**
 * A nanoflann result set for a radius search that keeps only the points inside a rectangle
 * and stops the search once more than limit are found (addPoint() returning false).
 */
class RectResultSet
{
public:
    RectResultSet(const Cloud &cloud, const QRectF &rect, float radiusSquared, qint64 limit,
                  std::vector<qint64> &out)
        : m_cloud(cloud), m_left(float(rect.left())), m_right(float(rect.right())), m_top(float(rect.top())),
          m_bottom(float(rect.bottom())), m_radiusSquared(radiusSquared), m_limit(limit), m_out(out)
    {
    }
    void init() {}
    void clear() {}
    size_t size() const { return size_t(m_found); }
    bool full() const { return true; }
    float worstDist() const { return m_radiusSquared; }
    bool overflowed() const { return m_found > m_limit; }
    bool addPoint(float, quint32 i)
    {
        const float x = m_cloud.xy[2 * i], y = m_cloud.xy[2 * i + 1];
        if (x < m_left || x > m_right || y < m_top || y > m_bottom)
            return true;
        if (++m_found > m_limit)
            return false;
        m_out.push_back(m_cloud.original[i]);
        return true;
    }

private:
    const Cloud &m_cloud;
    const float m_left, m_right, m_top, m_bottom, m_radiusSquared;
    const qint64 m_limit;
    std::vector<qint64> &m_out;
    qint64 m_found = 0;
};

} // namespace

struct MapPointIndex::Tree
{
    Cloud cloud;
    std::unique_ptr<KdTree> tree; // refers to cloud: declared after it, destroyed before it
};

MapPointIndex::MapPointIndex(std::span<const float> xy) : m_tree(std::make_unique<Tree>())
{
    const size_t n = xy.size() / 2;
    Cloud &cloud = m_tree->cloud;
    cloud.xy.reserve(2 * n);
    cloud.original.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        if (std::isfinite(xy[2 * i]) && std::isfinite(xy[2 * i + 1])) {
            cloud.xy.push_back(xy[2 * i]);
            cloud.xy.push_back(xy[2 * i + 1]);
            cloud.original.push_back(quint32(i));
        }
    }
    m_tree->tree = std::make_unique<KdTree>(2, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(kLeafSize));
}

MapPointIndex::~MapPointIndex() = default;

qint64 MapPointIndex::nearest(QPointF position, double maxDistance) const
{
    if (m_tree->cloud.original.empty())
        return -1;
    const float query[2] = {float(position.x()), float(position.y())};
    quint32 found = 0;
    float distanceSquared = 0;
    if (m_tree->tree->knnSearch(query, 1, &found, &distanceSquared) == 0)
        return -1;
    if (double(distanceSquared) > maxDistance * maxDistance)
        return -1;
    return m_tree->cloud.original[found];
}

bool MapPointIndex::pointsInRect(const QRectF &rect, qint64 limit, std::vector<qint64> &out) const
{
    if (m_tree->cloud.original.empty() || rect.isEmpty())
        return true;
    const QPointF centre = rect.center();
    const float query[2] = {float(centre.x()), float(centre.y())};
    // The circle through the corners, a little larger so float rounding loses no corner point.
    const double halfDiagonal = std::hypot(rect.width(), rect.height()) / 2;
    const float radiusSquared = float(halfDiagonal * halfDiagonal * 1.0001);
    RectResultSet found(m_tree->cloud, rect, radiusSquared, limit, out);
    m_tree->tree->findNeighbors(found, query, nanoflann::SearchParams());
    return !found.overflowed();
}

} // namespace loupe
