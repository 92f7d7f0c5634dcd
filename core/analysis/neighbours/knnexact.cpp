#include "analysis/neighbours/knnexact.h"

#include "analysis/neighbours/productkernels.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "common/parallelfor.h"

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

/** One tile of queries [q0, q0 + rows) against all candidates, collected into tops. */
void tileNeighbors(const KnnRows &queries, qint64 q0, qint64 rows, const KnnRows &candidates, int d,
                   std::vector<TopK> &tops)
{
    // scores(c, r) = ||y_c||^2 - 2 x_r . y_c; adding ||x_r||^2 gives the squared distance.
    Eigen::MatrixXf scores;
    for (qint64 c0 = 0; c0 < candidates.count; c0 += kColumnTile) {
        const qint64 columns = std::min(kColumnTile, candidates.count - c0);
        scores.resize(columns, rows);
        scaledProductABt(candidates.vectors + c0 * d, columns, queries.vectors + q0 * d, rows, d, -2.0f,
                         scores.data());
        scores.colwise() += Eigen::Map<const Eigen::VectorXf>(candidates.norms + c0, columns);
        for (qint64 r = 0; r < rows; ++r) {
            const float own = queries.norms[q0 + r];
            const qint32 self = queries.id(q0 + r);
            const float *column = scores.data() + r * columns;
            TopK &top = tops[size_t(r)];
            float threshold = top.worst() - own;
            for (qint64 c = 0; c < columns; ++c) {
                if (column[c] <= threshold) {
                    const qint32 id = candidates.id(c0 + c);
                    if (id == self)
                        continue;
                    top.push(std::max(0.0f, column[c] + own), id);
                    threshold = top.worst() - own;
                }
            }
        }
    }
}

} // namespace

float knnDistance(const float *a, const float *b, int d)
{
    using Vector = Eigen::Map<const Eigen::VectorXf>;
    return std::sqrt((Vector(a, d) - Vector(b, d)).squaredNorm());
}

std::vector<float> knnSquaredNorms(const float *data, qint64 n, int d)
{
    std::vector<float> norms(static_cast<size_t>(n));
    const ConstRowMap rows(data, n, d);
    Eigen::Map<Eigen::VectorXf>(norms.data(), n) = rows.rowwise().squaredNorm();
    return norms;
}

void knnBlockNeighbors(const KnnRows &queries, const KnnRows &candidates, int d, int k, const float *data,
                       qint32 *outIndices, float *outDistances)
{
    std::vector<Entry> storage(static_cast<size_t>(kRowTile * k));
    std::vector<TopK> tops;
    for (qint64 q0 = 0; q0 < queries.count; q0 += kRowTile) {
        const qint64 rows = std::min(kRowTile, queries.count - q0);
        tops.clear();
        for (qint64 r = 0; r < rows; ++r)
            tops.emplace_back(storage.data() + r * k, k);
        tileNeighbors(queries, q0, rows, candidates, d, tops);
        for (qint64 r = 0; r < rows; ++r) {
            TopK &top = tops[size_t(r)];
            refine(top.begin(), top.size(), data, data + qint64(queries.id(q0 + r)) * d, d);
            qint32 *indices = outIndices + (q0 + r) * k;
            float *distances = outDistances + (q0 + r) * k;
            for (int j = 0; j < top.size(); ++j) {
                indices[j] = top.begin()[j].index;
                distances[j] = top.begin()[j].distance;
            }
        }
    }
}

KnnGraph knnExactGraph(const float *data, qint64 n, int d, int k, Progress &progress)
{
    KnnGraph graph;
    graph.n = n;
    graph.k = k;
    graph.indices.assign(size_t(n * k), -1);
    graph.distances.assign(size_t(n * k), std::numeric_limits<float>::infinity());
    const std::vector<float> norms = knnSquaredNorms(data, n, d);
    const KnnRows all{data, norms.data(), nullptr, 0, n};
    parallelFor(n, kRowTile, progress, [&](qint64 begin, qint64 end) {
        const KnnRows rows{data + begin * d, norms.data() + begin, nullptr, qint32(begin), end - begin};
        knnBlockNeighbors(rows, all, d, k, data, graph.indices.data() + begin * k,
                          graph.distances.data() + begin * k);
    });
    return graph;
}

std::vector<Neighbor> knnExactQuery(const float *data, const float *norms, qint64 n, int d,
                                    const float *query, int k, const NearestNeighbors::Accept &accept)
{
    std::vector<Entry> storage(size_t(std::max(0, k)));
    TopK top(storage.data(), k);
    if (k <= 0 || n == 0)
        return {};
    const float own = Eigen::Map<const Eigen::VectorXf>(query, d).squaredNorm();
    Eigen::VectorXf scores(qint64(std::min(n, kColumnTile * 16)));
    for (qint64 c0 = 0; c0 < n; c0 += scores.size()) {
        const qint64 columns = std::min(qint64(scores.size()), n - c0);
        auto block = scores.head(columns);
        // A matrix-vector product, at the machine's best SIMD level (Eigen picks its GEMV path).
        scaledProductABt(data + c0 * d, columns, query, 1, d, -2.0f, block.data());
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
