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

} // namespace loupe
