#include "analysis/neighbours/knnclustered.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "analysis/clustering/kmeans.h"
#include "analysis/neighbours/knnexact.h"
#include "common/parallelfor.h"
#include "common/progress.h"

namespace loupe {

namespace {

// k-means is trained on this many points per cell (FAISS uses 39-256): enough for
// cells of even size, and training stays a small part of the total at any n.
constexpr qint64 kTrainingPointsPerCell = 64;

// Refinement looks at the nearest 8 neighbours of the nearest 8 neighbours (64 candidates,
// not k^2 = 225): near neighbours' lists hold most of what the cells missed, and each
// candidate costs a random memory access and a full-length distance.
constexpr int kRefineFanout = 8;

// Progress: making the cells, the cell searches, the refinement passes.
constexpr double kCellsMade = 0.15;
constexpr double kSearched = 0.9;

/** The points of each cell, contiguous (compressed rows). */
struct Cells
{
    std::vector<qint64> offsets; // cells + 1
    std::vector<qint32> members; // point ids grouped by cell, ascending within a cell

    qint64 size(qint64 cell) const { return offsets[size_t(cell + 1)] - offsets[size_t(cell)]; }
    const qint32 *begin(qint64 cell) const { return members.data() + offsets[size_t(cell)]; }
};

Cells groupByCell(const std::vector<int> &cellOf, qint64 cells)
{
    Cells result;
    result.offsets.assign(size_t(cells + 1), 0);
    for (const int cell : cellOf)
        ++result.offsets[size_t(cell + 1)];
    std::partial_sum(result.offsets.begin(), result.offsets.end(), result.offsets.begin());
    result.members.resize(cellOf.size());
    std::vector<qint64> next(result.offsets.begin(), result.offsets.end() - 1);
    for (size_t i = 0; i < cellOf.size(); ++i)
        result.members[size_t(next[size_t(cellOf[i])]++)] = qint32(i);
    return result;
}

/** Cells and their centroids: which cell each point is in. */
struct CellFit
{
    std::vector<int> cellOf;
    std::vector<float> centroids; // cells x d
    qint64 cells = 0;
};

KMeansParams cellKMeans(qint64 cells, qint64 rows, const KnnParams &params, quint64 seed)
{
    KMeansParams kmeans;
    kmeans.k = int(cells);
    kmeans.seeding = KMeansParams::Seeding::RandomRows;
    kmeans.fitSampleSize = std::min(rows, cells * kTrainingPointsPerCell);
    kmeans.maxIterations = params.clusterIterations;
    kmeans.refineIterations = 0;
    kmeans.seed = seed;
    return kmeans;
}

/** One k-means over every point. */
CellFit flatCells(const float *data, qint64 n, int d, qint64 cells, const KnnParams &params,
                  Progress &progress)
{
    KMeansResult fit = KMeans(cellKMeans(cells, n, params, params.seed)).run(data, n, d, progress);
    return {std::move(fit.labels), std::move(fit.centroids), cells};
}

/**
 * Two levels: about sqrt(cells) groups, then each group's points split into its share of the
 * cells. A point's cell is then the nearest centroid of its group's cells, which need not be the
 * nearest of all; the probes (by centroid, over all cells) and the refinement pass make up for
 * points on a group's border.
 */
CellFit twoLevelCells(const float *data, qint64 n, int d, qint64 cells, const KnnParams &params,
                      Progress &progress)
{
    const qint64 groups = qint64(std::ceil(std::sqrt(double(cells))));
    KMeansResult coarse = [&] {
        StageProgress stage(progress, 0.0, 0.2);
        return KMeans(cellKMeans(groups, n, params, params.seed)).run(data, n, d, stage.progress());
    }();
    const Cells members = groupByCell(coarse.labels, groups);
    coarse = {};
    CellFit fit;
    fit.cellOf.assign(size_t(n), 0);
    std::vector<float> rows;
    for (qint64 group = 0; group < groups; ++group) {
        const qint64 size = members.size(group);
        if (size == 0)
            continue;
        rows.resize(size_t(size * d));
        const qint32 *ids = members.begin(group);
        for (qint64 i = 0; i < size; ++i)
            std::copy_n(data + qint64(ids[i]) * d, d, rows.data() + i * d);
        // The group's share of the cells, by its share of the points.
        const qint64 groupCells = std::clamp<qint64>(std::llround(double(cells) * size / n), 1, size);
        StageProgress stage(progress, 0.2 + 0.8 * group / groups, 0.2 + 0.8 * (group + 1) / groups);
        KMeansResult local = KMeans(cellKMeans(groupCells, size, params, params.seed + quint64(group) + 1))
                                 .run(rows.data(), size, d, stage.progress());
        for (qint64 i = 0; i < size; ++i)
            fit.cellOf[size_t(ids[i])] = int(fit.cells + local.labels[size_t(i)]);
        fit.centroids.insert(fit.centroids.end(), local.centroids.begin(), local.centroids.end());
        fit.cells += groupCells;
    }
    return fit;
}

/** Per cell, the probes cells to compare it with: itself first, then the nearest by centroid. */
std::vector<qint32> probeLists(const std::vector<float> &centroids, qint64 cells, int d, int probes)
{
    std::vector<qint32> lists(static_cast<size_t>(cells * probes));
    Progress quiet;
    const KnnGraph nearest =
        probes > 1 ? knnExactGraph(centroids.data(), cells, d, probes - 1, quiet) : KnnGraph{};
    for (qint64 c = 0; c < cells; ++c) {
        qint32 *list = lists.data() + c * probes;
        list[0] = qint32(c);
        for (int j = 1; j < probes; ++j)
            list[j] = nearest.indices[size_t(c * (probes - 1) + j - 1)];
    }
    return lists;
}

/** Copies the rows (and norms) of ids into contiguous buffers for one GEMM search. */
void gather(const float *data, const std::vector<float> &norms, int d, const std::vector<qint32> &ids,
            std::vector<float> &vectors, std::vector<float> &gatheredNorms)
{
    vectors.resize(ids.size() * size_t(d));
    gatheredNorms.resize(ids.size());
    for (size_t r = 0; r < ids.size(); ++r) {
        std::copy_n(data + qint64(ids[r]) * d, d, vectors.data() + r * size_t(d));
        gatheredNorms[r] = norms[size_t(ids[r])];
    }
}

/** Exact kNN of one cell's points among the points of its probe cells; fills their graph rows. */
void searchCell(const float *data, const std::vector<float> &norms, int d, int k, const Cells &cells,
                const qint32 *probeList, int probes, qint64 cell, KnnGraph &graph)
{
    const qint64 count = cells.size(cell);
    if (count == 0)
        return;
    std::vector<qint32> queryIds(cells.begin(cell), cells.begin(cell) + count);
    std::vector<qint32> candidateIds;
    for (int p = 0; p < probes; ++p)
        candidateIds.insert(candidateIds.end(), cells.begin(probeList[p]),
                            cells.begin(probeList[p]) + cells.size(probeList[p]));

    std::vector<float> queryVectors, queryNorms, candidateVectors, candidateNorms;
    gather(data, norms, d, queryIds, queryVectors, queryNorms);
    gather(data, norms, d, candidateIds, candidateVectors, candidateNorms);
    const KnnRows queries{queryVectors.data(), queryNorms.data(), queryIds.data(), 0, count};
    const KnnRows candidates{candidateVectors.data(), candidateNorms.data(), candidateIds.data(), 0,
                             qint64(candidateIds.size())};

    std::vector<qint32> indices(size_t(count * k), -1);
    std::vector<float> distances(size_t(count * k), std::numeric_limits<float>::infinity());
    knnBlockNeighbors(queries, candidates, d, k, data, indices.data(), distances.data());
    for (qint64 r = 0; r < count; ++r) {
        const qint64 row = qint64(queryIds[size_t(r)]) * k;
        std::copy_n(indices.data() + r * k, k, graph.indices.data() + row);
        std::copy_n(distances.data() + r * k, k, graph.distances.data() + row);
    }
}

/**
 * One pass of "neighbours of neighbours" (as in NN-descent): every point also looks at
 * the nearest kRefineFanout neighbours of its nearest kRefineFanout neighbours, read from a snapshot so that
 * the pass does not depend on thread scheduling, and keeps the k nearest of old and new.
 */
void refineByNeighborsOfNeighbors(const float *data, int d, KnnGraph &graph, Progress &progress, double from,
                                  double to)
{
    const int k = graph.k;
    const int fanout = std::min(k, kRefineFanout);
    const std::vector<qint32> snapshot = graph.indices;
    parallelFor(
        graph.n, 1024, progress,
        [&](qint64 begin, qint64 end) {
            std::vector<std::pair<float, qint32>> pool;
            std::vector<qint32> candidates;
            for (qint64 i = begin; i < end; ++i) {
                const qint32 *own = snapshot.data() + i * k;
                candidates.clear();
                for (int j = 0; j < fanout; ++j) {
                    if (own[j] >= 0)
                        candidates.insert(candidates.end(), snapshot.begin() + qint64(own[j]) * k,
                                          snapshot.begin() + qint64(own[j]) * k + fanout);
                }
                std::sort(candidates.begin(), candidates.end());
                candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
                pool.clear();
                for (int j = 0; j < k; ++j)
                    pool.emplace_back(graph.distances[size_t(i * k + j)], own[j]);
                const float *point = data + i * d;
                for (const qint32 candidate : candidates) {
                    if (candidate < 0 || candidate == i || std::find(own, own + k, candidate) != own + k)
                        continue;
                    pool.emplace_back(knnDistance(point, data + qint64(candidate) * d, d), candidate);
                }
                std::partial_sort(pool.begin(), pool.begin() + std::min<qint64>(k, qint64(pool.size())),
                                  pool.end());
                for (int j = 0; j < k && j < int(pool.size()); ++j) {
                    graph.distances[size_t(i * k + j)] = pool[size_t(j)].first;
                    graph.indices[size_t(i * k + j)] = pool[size_t(j)].second;
                }
            }
        },
        from, to);
}

} // namespace

KnnGraph knnClusteredGraph(const float *data, qint64 n, int d, int k, const KnnParams &params,
                           Progress &progress)
{
    KnnGraph graph;
    graph.n = n;
    graph.k = k;
    graph.indices.assign(size_t(n * k), -1);
    graph.distances.assign(size_t(n * k), std::numeric_limits<float>::infinity());
    if (n == 0)
        return graph;

    CellFit cellFit = [&] {
        const qint64 wanted = std::clamp<qint64>(n / std::max(1, params.clusterSize), 1, n);
        StageProgress stage(progress, 0.0, kCellsMade);
        const bool twoLevel = params.clusterTwoLevelFrom > 0 && wanted >= params.clusterTwoLevelFrom;
        return twoLevel ? twoLevelCells(data, n, d, wanted, params, stage.progress())
                        : flatCells(data, n, d, wanted, params, stage.progress());
    }();
    const qint64 cells = cellFit.cells;
    const int probes = int(std::min<qint64>(cells, std::max(1, params.clusterProbes)));
    const Cells members = groupByCell(cellFit.cellOf, cells);
    cellFit.cellOf = {};
    const std::vector<qint32> probeList = probeLists(cellFit.centroids, cells, d, probes);
    const std::vector<float> norms = knnSquaredNorms(data, n, d);

    // Largest cells first, so that no thread is left with a big one at the end.
    std::vector<qint64> order(static_cast<size_t>(cells));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](qint64 a, qint64 b) { return members.size(a) > members.size(b); });
    parallelFor(
        cells, 1, progress,
        [&](qint64 begin, qint64 end) {
            for (qint64 j = begin; j < end; ++j) {
                const qint64 cell = order[size_t(j)];
                searchCell(data, norms, d, k, members, probeList.data() + cell * probes, probes, cell, graph);
            }
        },
        kCellsMade, kSearched);
    const int passes = std::max(0, params.clusterRefinePasses);
    for (int pass = 0; pass < passes; ++pass) {
        const double step = (1.0 - kSearched) / passes;
        refineByNeighborsOfNeighbors(data, d, graph, progress, kSearched + pass * step,
                                     kSearched + (pass + 1) * step);
    }
    progress.setProgress(1.0);
    return graph;
}

} // namespace loupe
