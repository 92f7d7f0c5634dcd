#include "analysis/knnexact.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "analysis/knnparallel.h"

namespace loupe {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

// Tile sizes: a query tile of kRowTile rows against kColumnTile candidates is one GEMM
// whose kColumnTile x kRowTile result (4 MiB) stays in L2/L3 while it is scanned.
constexpr qint64 kRowTile = 256;
constexpr qint64 kColumnTile = 4096;

struct Entry
{
    float distance; // squared while collecting, Euclidean once refined
    qint32 index;
    bool operator<(const Entry &other) const
    {
        return distance < other.distance || (distance == other.distance && index < other.index);
    }
};

/** A bounded max-heap keeping the k smallest entries seen; storage owned by the caller. */
class TopK
{
public:
    TopK(Entry *storage, int k) : m_entries(storage), m_k(k) {}

    float worst() const
    {
        return m_size < m_k ? std::numeric_limits<float>::infinity() : m_entries[0].distance;
    }
    int size() const { return m_size; }
    Entry *begin() const { return m_entries; }

    void push(float distance, qint32 index)
    {
        if (m_size < m_k) {
            m_entries[m_size++] = {distance, index};
            std::push_heap(m_entries, m_entries + m_size);
        } else if (Entry{distance, index} < m_entries[0]) {
            std::pop_heap(m_entries, m_entries + m_size);
            m_entries[m_size - 1] = {distance, index};
            std::push_heap(m_entries, m_entries + m_size);
        }
    }

private:
    Entry *m_entries;
    int m_k;
    int m_size = 0;
};

/** Replaces the squared tile distances with direct Euclidean ones and sorts nearest first. */
void refine(Entry *entries, int count, const float *data, const float *query, int d)
{
    for (int j = 0; j < count; ++j)
        entries[j].distance = knnDistance(query, data + qint64(entries[j].index) * d, d);
    std::sort(entries, entries + count);
}

/** Neighbours of rows [begin, end) against all n rows, written into graph. */
void graphRows(const float *data, const float *norms, qint64 n, int d, qint64 begin, qint64 end,
               KnnGraph &graph)
{
    const int k = graph.k;
    const qint64 rows = end - begin;
    const ConstRowMap queries(data + begin * d, rows, d);
    std::vector<Entry> storage(size_t(rows * k));
    std::vector<TopK> tops;
    tops.reserve(size_t(rows));
    for (qint64 r = 0; r < rows; ++r)
        tops.emplace_back(storage.data() + r * k, k);

    // scores(c, r) = ||y_c||^2 - 2 x_r . y_c; adding ||x_r||^2 gives the squared distance.
    Eigen::MatrixXf scores;
    for (qint64 c0 = 0; c0 < n; c0 += kColumnTile) {
        const qint64 columns = std::min(kColumnTile, n - c0);
        const ConstRowMap candidates(data + c0 * d, columns, d);
        scores.resize(columns, rows);
        scores.noalias() = -2.0f * (candidates * queries.transpose());
        scores.colwise() += Eigen::Map<const Eigen::VectorXf>(norms + c0, columns);
        for (qint64 r = 0; r < rows; ++r) {
            const float own = norms[begin + r];
            const float *column = scores.data() + r * columns;
            TopK &top = tops[size_t(r)];
            float threshold = top.worst() - own;
            for (qint64 c = 0; c < columns; ++c) {
                if (column[c] <= threshold && c0 + c != begin + r) {
                    top.push(std::max(0.0f, column[c] + own), qint32(c0 + c));
                    threshold = top.worst() - own;
                }
            }
        }
    }

    for (qint64 r = 0; r < rows; ++r) {
        TopK &top = tops[size_t(r)];
        refine(top.begin(), top.size(), data, data + (begin + r) * d, d);
        qint32 *indices = graph.indices.data() + (begin + r) * k;
        float *distances = graph.distances.data() + (begin + r) * k;
        for (int j = 0; j < top.size(); ++j) {
            indices[j] = top.begin()[j].index;
            distances[j] = top.begin()[j].distance;
        }
    }
}

} // namespace

float knnDistance(const float *a, const float *b, int d)
{
    float sum = 0.0f;
    for (int j = 0; j < d; ++j) {
        const float diff = a[j] - b[j];
        sum += diff * diff;
    }
    return std::sqrt(sum);
}

std::vector<float> knnSquaredNorms(const float *data, qint64 n, int d)
{
    std::vector<float> norms(static_cast<size_t>(n));
    const ConstRowMap rows(data, n, d);
    Eigen::Map<Eigen::VectorXf>(norms.data(), n) = rows.rowwise().squaredNorm();
    return norms;
}

KnnGraph knnExactGraph(const float *data, qint64 n, int d, int k, Progress &progress)
{
    KnnGraph graph;
    graph.n = n;
    graph.k = k;
    graph.indices.assign(size_t(n * k), -1);
    graph.distances.assign(size_t(n * k), std::numeric_limits<float>::infinity());
    const std::vector<float> norms = knnSquaredNorms(data, n, d);
    knnParallelFor(n, kRowTile, progress,
                   [&](qint64 begin, qint64 end) { graphRows(data, norms.data(), n, d, begin, end, graph); });
    return graph;
}

std::vector<Neighbor> knnExactQuery(const float *data, const float *norms, qint64 n, int d,
                                    const float *query, int k, const NearestNeighbors::Accept &accept)
{
    std::vector<Entry> storage(size_t(std::max(0, k)));
    TopK top(storage.data(), k);
    if (k <= 0 || n == 0)
        return {};
    const Eigen::Map<const Eigen::VectorXf> q(query, d);
    const float own = q.squaredNorm();
    Eigen::VectorXf scores(qint64(std::min(n, kColumnTile * 16)));
    for (qint64 c0 = 0; c0 < n; c0 += scores.size()) {
        const qint64 columns = std::min(qint64(scores.size()), n - c0);
        const ConstRowMap candidates(data + c0 * d, columns, d);
        auto block = scores.head(columns);
        block.noalias() = -2.0f * (candidates * q);
        block += Eigen::Map<const Eigen::VectorXf>(norms + c0, columns);
        float threshold = top.worst() - own;
        for (qint64 c = 0; c < columns; ++c) {
            if (block[c] <= threshold && (!accept || accept(c0 + c))) {
                top.push(std::max(0.0f, block[c] + own), qint32(c0 + c));
                threshold = top.worst() - own;
            }
        }
    }
    refine(top.begin(), top.size(), data, query, d);
    std::vector<Neighbor> result(size_t(top.size()));
    for (int j = 0; j < top.size(); ++j)
        result[size_t(j)] = {top.begin()[j].index, top.begin()[j].distance};
    return result;
}

} // namespace loupe
