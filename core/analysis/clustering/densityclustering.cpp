#include "analysis/clustering/densityclustering.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>

#include <nanoflann.hpp>

#include <QString>

#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();
// The density level of a zero distance (duplicate points): finite, so sums stay finite.
constexpr double kMaxLambda = 1e30;
constexpr quint32 kMixed = std::numeric_limits<quint32>::max();
// Small leaves: the Boruvka search prunes whole leaves by component, so finer is better.
constexpr size_t kLeafSize = 16;

/** Below this many points, threads cost more than they save (and the machine is shared). */
bool worthThreads(qint64 count)
{
    return count > 20000;
}

struct PointCloud
{
    const float *xy;
    size_t count;
    size_t kdtree_get_point_count() const { return count; }
    float kdtree_get_pt(size_t i, size_t dim) const { return xy[2 * i + dim]; }
    template<class Box> bool kdtree_get_bbox(Box &) const { return false; }
};
using KdTree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, PointCloud>,
                                                   PointCloud, 2, quint32>;

/**
 * The kd-tree flattened for the Boruvka search: nodes in pre-order (children after their
 * parent), each covering a contiguous range of points in tree order, with its bounding box
 * and smallest core distance.
 */
struct FlatTree
{
    struct Node
    {
        qint64 first = 0, last = 0; // points [first, last) in tree order
        int child1 = -1, child2 = -1;
        float minX = 0, minY = 0, maxX = 0, maxY = 0;
        float minCore = 0;
        bool isLeaf() const { return child1 < 0; }
    };
    std::vector<Node> nodes;
    std::vector<float> x, y, core; // per point in tree order
    std::vector<quint32> original; // tree position -> input index

    float boxDistance(const Node &node, float px, float py) const
    {
        const float dx = std::max({0.0f, node.minX - px, px - node.maxX});
        const float dy = std::max({0.0f, node.minY - py, py - node.maxY});
        return std::sqrt(dx * dx + dy * dy);
    }
};

int flattenNode(const KdTree::Node *node, FlatTree &flat)
{
    const int index = int(flat.nodes.size());
    flat.nodes.emplace_back();
    if (!node->child1 && !node->child2) {
        flat.nodes[size_t(index)].first = qint64(node->node_type.lr.left);
        flat.nodes[size_t(index)].last = qint64(node->node_type.lr.right);
        return index;
    }
    const int child1 = flattenNode(node->child1, flat);
    const int child2 = flattenNode(node->child2, flat);
    FlatTree::Node &self = flat.nodes[size_t(index)];
    self.child1 = child1;
    self.child2 = child2;
    self.first = flat.nodes[size_t(child1)].first;
    self.last = flat.nodes[size_t(child2)].last;
    return index;
}

/** Boxes and smallest core distances, children before parents (reverse pre-order). */
void summarizeNodes(FlatTree &flat)
{
    for (auto node = flat.nodes.rbegin(); node != flat.nodes.rend(); ++node) {
        if (node->isLeaf()) {
            node->minX = node->minY = node->minCore = kInfinity;
            node->maxX = node->maxY = -kInfinity;
            for (qint64 p = node->first; p < node->last; ++p) {
                node->minX = std::min(node->minX, flat.x[size_t(p)]);
                node->maxX = std::max(node->maxX, flat.x[size_t(p)]);
                node->minY = std::min(node->minY, flat.y[size_t(p)]);
                node->maxY = std::max(node->maxY, flat.y[size_t(p)]);
                node->minCore = std::min(node->minCore, flat.core[size_t(p)]);
            }
            continue;
        }
        const FlatTree::Node &a = flat.nodes[size_t(node->child1)], &b = flat.nodes[size_t(node->child2)];
        node->minX = std::min(a.minX, b.minX);
        node->maxX = std::max(a.maxX, b.maxX);
        node->minY = std::min(a.minY, b.minY);
        node->maxY = std::max(a.maxY, b.maxY);
        node->minCore = std::min(a.minCore, b.minCore);
    }
}

/**
 * Builds the kd-tree, flattens it, and computes core distances with its k-NN queries.
 * Queries run in tree order, so consecutive queries touch the same leaves.
 */
FlatTree buildTree(const float *points, qint64 count, int minSamples, Progress &progress)
{
    const PointCloud cloud{points, size_t(count)};
    KdTree tree(2, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(kLeafSize));
    FlatTree flat;
    flattenNode(tree.root_node, flat);
    flat.original = tree.vAcc;
    flat.x.resize(size_t(count));
    flat.y.resize(size_t(count));
    flat.core.resize(size_t(count));
    for (qint64 p = 0; p < count; ++p) {
        const qint64 i = qint64(flat.original[size_t(p)]);
        flat.x[size_t(p)] = points[2 * i];
        flat.y[size_t(p)] = points[2 * i + 1];
    }
    const size_t k = size_t(std::min<qint64>(minSamples, count));
#pragma omp parallel if (worthThreads(count))
    {
        std::vector<quint32> indices(k);
        std::vector<float> squared(k);
#pragma omp for schedule(dynamic, 4096)
        for (qint64 p = 0; p < count; ++p) {
            if (progress.isCancelled())
                continue;
            const float query[2] = {flat.x[size_t(p)], flat.y[size_t(p)]};
            const size_t found = tree.knnSearch(query, k, indices.data(), squared.data());
            flat.core[size_t(p)] = std::sqrt(squared[found - 1]);
        }
    }
    progress.throwIfCancelled();
    summarizeNodes(flat);
    return flat;
}

class UnionFind
{
public:
    explicit UnionFind(qint64 count)
        : m_parent(static_cast<size_t>(count)), m_size(static_cast<size_t>(count), 1)
    {
        std::iota(m_parent.begin(), m_parent.end(), 0u);
    }
    quint32 find(quint32 i)
    {
        while (m_parent[i] != i) {
            m_parent[i] = m_parent[m_parent[i]];
            i = m_parent[i];
        }
        return i;
    }
    /** Joins the sets of roots a and b; returns the new root. */
    quint32 join(quint32 a, quint32 b)
    {
        if (m_size[a] < m_size[b] || (m_size[a] == m_size[b] && b < a))
            std::swap(a, b);
        m_parent[b] = a;
        m_size[a] += m_size[b];
        if (m_size[a] > m_size[m_largest] || (m_size[a] == m_size[m_largest] && a < m_largest))
            m_largest = a;
        return a;
    }
    /** The root of the largest set (the lowest root among equals). */
    quint32 largestRoot() const { return m_largest; }

private:
    std::vector<quint32> m_parent;
    std::vector<quint32> m_size;
    quint32 m_largest = 0;
};

/** An MST edge between points a < b (tree positions); ordered by (weight, a, b). */
struct Edge
{
    float weight = kInfinity;
    quint32 a = 0, b = 0;
    bool operator<(const Edge &other) const
    {
        if (weight != other.weight)
            return weight < other.weight;
        return a != other.a ? a < other.a : b < other.b;
    }
};

void lowerTo(std::atomic<float> &bound, float value)
{
    float current = bound.load(std::memory_order_relaxed);
    while (value < current && !bound.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
    }
}

/** What one Boruvka round reads: each point's component and each node's (kMixed if several). */
struct Components
{
    std::vector<quint32> ofPoint;
    std::vector<quint32> ofNode;
};

/**
 * The cheapest mutual-reachability edge from point q to a point of another component.
 * Subtrees are skipped when wholly inside q's component, when their lower bound
 * max(core(q), min core, box distance) cannot beat q's best edge so far, or when it
 * exceeds the best edge any thread has found for q's component (strictly: that bound
 * depends on thread timing, so it may only cut edges that cannot be the component's
 * cheapest). Among equal weights q keeps the first found in its fixed traversal order,
 * so the result does not depend on the threads.
 */
Edge nearestOutside(const FlatTree &tree, const Components &components, quint32 q, std::atomic<float> &bound,
                    std::vector<int> &stack)
{
    Edge best;
    const quint32 own = components.ofPoint[q];
    const float qx = tree.x[q], qy = tree.y[q], qCore = tree.core[q];
    quint32 partner = kMixed;
    if (qCore > bound.load(std::memory_order_relaxed))
        return best;
    stack.assign(1, 0);
    while (!stack.empty()) {
        const FlatTree::Node &node = tree.nodes[size_t(stack.back())];
        const quint32 nodeComponent = components.ofNode[size_t(stack.back())];
        stack.pop_back();
        if (nodeComponent == own)
            continue;
        const float lowerBound = std::max({qCore, node.minCore, tree.boxDistance(node, qx, qy)});
        if (lowerBound >= best.weight || lowerBound > bound.load(std::memory_order_relaxed))
            continue;
        if (!node.isLeaf()) {
            const FlatTree::Node &a = tree.nodes[size_t(node.child1)], &b = tree.nodes[size_t(node.child2)];
            const bool aFirst = tree.boxDistance(a, qx, qy) <= tree.boxDistance(b, qx, qy);
            stack.push_back(aFirst ? node.child2 : node.child1); // the nearer child is popped first
            stack.push_back(aFirst ? node.child1 : node.child2);
            continue;
        }
        const float before = best.weight;
        for (qint64 p = node.first; p < node.last; ++p) {
            if (components.ofPoint[size_t(p)] == own)
                continue;
            const float dx = tree.x[size_t(p)] - qx, dy = tree.y[size_t(p)] - qy;
            const float weight = std::max({qCore, tree.core[size_t(p)], std::sqrt(dx * dx + dy * dy)});
            if (weight < best.weight) {
                best.weight = weight;
                partner = quint32(p);
            }
        }
        if (best.weight < before)
            lowerTo(bound, best.weight);
    }
    if (partner != kMixed) {
        best.a = std::min(q, partner);
        best.b = std::max(q, partner);
    }
    return best;
}

Components labelComponents(const FlatTree &tree, UnionFind &sets, qint64 count)
{
    Components components;
    components.ofPoint.resize(size_t(count));
    for (qint64 p = 0; p < count; ++p)
        components.ofPoint[size_t(p)] = sets.find(quint32(p));
    components.ofNode.assign(tree.nodes.size(), kMixed);
    for (size_t n = tree.nodes.size(); n-- > 0;) {
        const FlatTree::Node &node = tree.nodes[n];
        if (node.isLeaf()) {
            const quint32 first = components.ofPoint[size_t(node.first)];
            bool same = true;
            for (qint64 p = node.first + 1; p < node.last && same; ++p)
                same = components.ofPoint[size_t(p)] == first;
            components.ofNode[n] = same ? first : kMixed;
        } else {
            const quint32 a = components.ofNode[size_t(node.child1)],
                          b = components.ofNode[size_t(node.child2)];
            components.ofNode[n] = a == b ? a : kMixed;
        }
    }
    return components;
}

/** The minimum spanning tree of the mutual reachability graph by Boruvka rounds. */
std::vector<Edge> mutualReachabilityTree(const FlatTree &tree, qint64 count, Progress &progress)
{
    UnionFind sets(count);
    std::vector<Edge> mst;
    mst.reserve(size_t(count - 1));
    std::vector<std::atomic<float>> bound(static_cast<size_t>(count));
    std::vector<Edge> best(static_cast<size_t>(count));
    while (qint64(mst.size()) < count - 1) {
        const Components components = labelComponents(tree, sets, count);
        for (qint64 p = 0; p < count; ++p)
            bound[size_t(p)].store(kInfinity, std::memory_order_relaxed);
        // Every component but the largest searches for its cheapest edge: each such edge is
        // in the MST (cut property) and every other component merges, so the number of
        // components still roughly halves per round, while late rounds skip almost every point.
        const quint32 largest = sets.largestRoot();
#pragma omp parallel if (worthThreads(count))
        {
            std::vector<int> stack;
#pragma omp for schedule(dynamic, 1024)
            for (qint64 q = 0; q < count; ++q) {
                if (progress.isCancelled())
                    continue;
                const quint32 own = components.ofPoint[size_t(q)];
                best[size_t(q)] =
                    own == largest ? Edge() : nearestOutside(tree, components, quint32(q), bound[own], stack);
            }
        }
        progress.throwIfCancelled();

        // Each component's cheapest edge, then join along them in component order.
        std::vector<Edge> cheapest(static_cast<size_t>(count));
        for (qint64 q = 0; q < count; ++q) {
            Edge &edge = cheapest[components.ofPoint[size_t(q)]];
            if (best[size_t(q)] < edge)
                edge = best[size_t(q)];
        }
        const size_t before = mst.size();
        for (const Edge &edge : cheapest) {
            if (edge.weight == kInfinity)
                continue;
            const quint32 a = sets.find(edge.a), b = sets.find(edge.b);
            if (a == b)
                continue;
            sets.join(a, b);
            mst.push_back(edge);
        }
        if (mst.size() == before)
            throw Error(
                QStringLiteral("density clustering: the spanning tree stopped growing")); // cannot happen
        progress.setProgress(0.25 + 0.6 * double(mst.size()) / double(count - 1));
    }
    return mst;
}

/** Single-linkage merges: node count + i joins children left[i] and right[i] at distance[i]. */
struct Hierarchy
{
    std::vector<qint64> left, right, size;
    std::vector<float> distance;
    qint64 points = 0;

    qint64 sizeOf(qint64 node) const { return node < points ? 1 : size[size_t(node - points)]; }
};

Hierarchy singleLinkage(std::vector<Edge> mst, qint64 count)
{
    std::sort(mst.begin(), mst.end());
    Hierarchy tree;
    tree.points = count;
    UnionFind sets(count);
    tree.left.reserve(mst.size());
    tree.right.reserve(mst.size());
    tree.size.reserve(mst.size());
    tree.distance.reserve(mst.size());
    std::vector<qint64> nodeOf(static_cast<size_t>(count));
    std::iota(nodeOf.begin(), nodeOf.end(), 0);
    for (size_t i = 0; i < mst.size(); ++i) {
        const quint32 a = sets.find(mst[i].a), b = sets.find(mst[i].b);
        tree.left.push_back(nodeOf[a]);
        tree.right.push_back(nodeOf[b]);
        tree.distance.push_back(mst[i].weight);
        tree.size.push_back(tree.sizeOf(nodeOf[a]) + tree.sizeOf(nodeOf[b]));
        nodeOf[sets.join(a, b)] = count + qint64(i);
    }
    return tree;
}

/**
 * The condensed tree: clusters (0 is the root) with parent, birth density level and size,
 * and for each point the cluster it falls out of and at which level (lambda = 1/distance).
 */
struct CondensedTree
{
    std::vector<int> parent;
    std::vector<double> birth;
    std::vector<qint64> size;
    std::vector<int> pointCluster;
    std::vector<double> pointLambda;

    int addCluster(int parentCluster, double lambda, qint64 members)
    {
        parent.push_back(parentCluster);
        birth.push_back(lambda);
        size.push_back(members);
        return int(parent.size()) - 1;
    }
};

double lambdaOf(float distance)
{
    return distance > 0.0f ? std::min(kMaxLambda, 1.0 / double(distance)) : kMaxLambda;
}

/** Marks every point under node as falling out of cluster at lambda. */
void dropPoints(const Hierarchy &tree, qint64 node, int cluster, double lambda, CondensedTree &condensed,
                std::vector<qint64> &stack)
{
    stack.assign(1, node);
    while (!stack.empty()) {
        const qint64 n = stack.back();
        stack.pop_back();
        if (n < tree.points) {
            condensed.pointCluster[size_t(n)] = cluster;
            condensed.pointLambda[size_t(n)] = lambda;
        } else {
            stack.push_back(tree.left[size_t(n - tree.points)]);
            stack.push_back(tree.right[size_t(n - tree.points)]);
        }
    }
}

CondensedTree condense(const Hierarchy &tree, int minClusterSize)
{
    CondensedTree condensed;
    condensed.pointCluster.assign(size_t(tree.points), 0);
    condensed.pointLambda.assign(size_t(tree.points), 0.0);
    condensed.addCluster(-1, 0.0, tree.points);
    if (tree.points < 2)
        return condensed;
    std::vector<std::pair<qint64, int>> pending{{2 * tree.points - 2, 0}}; // (hierarchy node, its cluster)
    std::vector<qint64> stack;
    while (!pending.empty()) {
        const auto [node, cluster] = pending.back();
        pending.pop_back();
        const size_t i = size_t(node - tree.points);
        const double lambda = lambdaOf(tree.distance[i]);
        const qint64 children[2] = {tree.left[i], tree.right[i]};
        const bool split =
            tree.sizeOf(children[0]) >= minClusterSize && tree.sizeOf(children[1]) >= minClusterSize;
        for (const qint64 child : children) {
            if (split)
                pending.emplace_back(child, condensed.addCluster(cluster, lambda, tree.sizeOf(child)));
            else if (tree.sizeOf(child) >= minClusterSize)
                pending.emplace_back(child, cluster); // the cluster goes on, shedding the other side
            else
                dropPoints(tree, child, cluster, lambda, condensed, stack);
        }
    }
    return condensed;
}

/**
 * Excess-of-mass selection: a cluster is kept when its stability is at least the summed
 * stability of its selected descendants (or, with Selection::Leaf, every cluster without
 * child clusters is kept). Children have larger ids than parents, so one
 * pass from the last cluster up is bottom-up. Returns each cluster's selected owner
 * (itself or its selected ancestor), or -1.
 */
std::vector<int> selectClusters(const CondensedTree &condensed, const DensityClusteringParams &params,
                                std::vector<double> &stability)
{
    const int clusters = int(condensed.parent.size());
    stability.assign(size_t(clusters), 0.0);
    for (size_t p = 0; p < condensed.pointCluster.size(); ++p) {
        const int c = condensed.pointCluster[p];
        stability[size_t(c)] += condensed.pointLambda[p] - condensed.birth[size_t(c)];
    }
    for (int c = 1; c < clusters; ++c) {
        const int parent = condensed.parent[size_t(c)];
        stability[size_t(parent)] += (condensed.birth[size_t(c)] - condensed.birth[size_t(parent)]) *
                                     double(condensed.size[size_t(c)]);
    }
    std::vector<bool> selected(size_t(clusters), false);
    if (params.selection == DensityClusteringParams::Selection::Leaf) {
        std::vector<bool> hasChild(size_t(clusters), false);
        for (int c = 1; c < clusters; ++c)
            hasChild[size_t(condensed.parent[size_t(c)])] = true;
        for (int c = 0; c < clusters; ++c)
            selected[size_t(c)] = !hasChild[size_t(c)] && (c > 0 || params.allowSingleCluster);
    }
    std::vector<double> childSum(size_t(clusters), 0.0);
    for (int c = clusters - 1; c >= 0 && params.selection == DensityClusteringParams::Selection::ExcessOfMass;
         --c) {
        if (c == 0 && !params.allowSingleCluster)
            break; // the root is not a cluster: without a stable split everything is noise
        double subtree = stability[size_t(c)];
        if (childSum[size_t(c)] > stability[size_t(c)])
            subtree = childSum[size_t(c)];
        else
            selected[size_t(c)] = true;
        if (c > 0)
            childSum[size_t(condensed.parent[size_t(c)])] += subtree;
    }
    std::vector<int> owner(size_t(clusters), -1);
    for (int c = 0; c < clusters; ++c) {
        const int parent = condensed.parent[size_t(c)];
        if (parent >= 0 && owner[size_t(parent)] >= 0)
            owner[size_t(c)] = owner[size_t(parent)];
        else if (selected[size_t(c)])
            owner[size_t(c)] = c;
    }
    return owner;
}

/** Labels (numbered by decreasing size), membership and per-cluster figures, in input order. */
DensityClusteringResult labelPoints(const FlatTree &tree, const CondensedTree &condensed,
                                    const std::vector<int> &owner, const std::vector<double> &stability)
{
    const qint64 count = qint64(condensed.pointCluster.size());
    std::vector<qint64> ownedSize(owner.size(), 0);
    std::vector<double> maxLambda(owner.size(), 0.0);
    std::vector<qint64> firstPoint(owner.size(), std::numeric_limits<qint64>::max());
    for (qint64 p = 0; p < count; ++p) {
        const int c = owner[size_t(condensed.pointCluster[size_t(p)])];
        if (c < 0)
            continue;
        ++ownedSize[size_t(c)];
        maxLambda[size_t(c)] = std::max(maxLambda[size_t(c)], condensed.pointLambda[size_t(p)]);
        firstPoint[size_t(c)] = std::min(firstPoint[size_t(c)], qint64(tree.original[size_t(p)]));
    }
    std::vector<int> selected;
    for (size_t c = 0; c < owner.size(); ++c)
        if (owner[c] == int(c))
            selected.push_back(int(c));
    std::sort(selected.begin(), selected.end(), [&](int a, int b) {
        if (ownedSize[size_t(a)] != ownedSize[size_t(b)])
            return ownedSize[size_t(a)] > ownedSize[size_t(b)];
        return firstPoint[size_t(a)] < firstPoint[size_t(b)];
    });
    std::vector<int> number(owner.size(), -1);
    DensityClusteringResult result;
    for (size_t n = 0; n < selected.size(); ++n) {
        number[size_t(selected[n])] = int(n);
        result.sizes.push_back(ownedSize[size_t(selected[n])]);
        result.stability.push_back(stability[size_t(selected[n])]);
    }
    result.clusterCount = int(selected.size());
    result.labels.assign(size_t(count), -1);
    result.membership.assign(size_t(count), 0.0f);
    for (qint64 p = 0; p < count; ++p) {
        const int c = owner[size_t(condensed.pointCluster[size_t(p)])];
        const quint32 input = tree.original[size_t(p)];
        if (c < 0) {
            ++result.noise;
            continue;
        }
        result.labels[input] = number[size_t(c)];
        const double top = maxLambda[size_t(c)];
        result.membership[input] =
            top > 0.0 ? float(std::min(condensed.pointLambda[size_t(p)], top) / top) : 1.0f;
    }
    return result;
}

} // namespace

DensityClustering::DensityClustering(DensityClusteringParams params) : m_params(params) {}

int DensityClustering::automaticMinClusterSize(qint64 count)
{
    return int(std::max<qint64>(10, std::llround(std::sqrt(double(count)) / 2.0)));
}

DensityClusteringResult DensityClustering::run(const float *points, qint64 count, Progress &progress) const
{
    if (count >= qint64(kMixed))
        throw Error(QStringLiteral("density clustering: too many points (%1)").arg(count));
    for (qint64 i = 0; i < 2 * count; ++i)
        if (!std::isfinite(points[i]))
            throw Error(QStringLiteral("density clustering: point %1 has a coordinate that is not a number")
                            .arg(i / 2));
    const int minClusterSize =
        std::max(2, m_params.minClusterSize > 0 ? m_params.minClusterSize : automaticMinClusterSize(count));
    const int minSamples =
        std::max(1, m_params.minSamples > 0 ? m_params.minSamples : std::min(10, minClusterSize));

    DensityClusteringResult result;
    if (count < 2) {
        result.labels.assign(size_t(count), m_params.allowSingleCluster ? 0 : -1);
        result.membership.assign(size_t(count), m_params.allowSingleCluster ? 1.0f : 0.0f);
        result.clusterCount = m_params.allowSingleCluster ? int(count) : 0;
        result.sizes.assign(size_t(result.clusterCount), count);
        result.stability.assign(size_t(result.clusterCount), 0.0);
        result.noise = m_params.allowSingleCluster ? 0 : count;
    } else {
        const FlatTree tree = buildTree(points, count, minSamples, progress);
        progress.setProgress(0.25);
        const Hierarchy hierarchy = singleLinkage(mutualReachabilityTree(tree, count, progress), count);
        const CondensedTree condensed = condense(hierarchy, minClusterSize);
        std::vector<double> stability;
        const std::vector<int> owner = selectClusters(condensed, m_params, stability);
        result = labelPoints(tree, condensed, owner, stability);
    }
    result.minClusterSize = minClusterSize;
    result.minSamples = minSamples;
    progress.setProgress(1.0);
    return result;
}

} // namespace loupe
