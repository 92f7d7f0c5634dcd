// loupe-knn-bench: builds the all-points kNN graph of an embeddings .npy with each method
// (clustered GEMM cells, HNSW, exact) and prints the median build time of several runs,
// recall@k against exact search on a fixed sample of rows, the HNSW index's single-query
// time and its recall, and peak memory. Same input, same run, so the ratios are fair.
//   loupe-knn-bench EMBEDDINGS.npy [--methods clustered,hnsw,exact] [-k 15] [--runs 3]

#include "analysis/neighbours/knnexact.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "common/error.h"
#include "common/progress.h"
#include "formats/npyfile.h"

#include "benchstats.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

using namespace loupe;
using bench::median;
using bench::peakResidentMiB;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/** The exact k nearest neighbours (excluding the row itself) of each sampled row, by blocked GEMM. */
std::vector<std::vector<qint32>> exactNeighbors(const std::vector<float> &data, qint64 n, int d, int k,
                                                const std::vector<qint64> &rows)
{
    const std::vector<float> norms = knnSquaredNorms(data.data(), n, d);
    const qint64 count = qint64(rows.size());
    std::vector<qint32> ids(rows.begin(), rows.end());
    std::vector<float> vectors(size_t(count * d));
    std::vector<float> queryNorms(static_cast<size_t>(count));
    for (qint64 r = 0; r < count; ++r) {
        std::copy_n(data.data() + rows[size_t(r)] * d, d, vectors.data() + r * d);
        queryNorms[size_t(r)] = norms[size_t(rows[size_t(r)])];
    }
    std::vector<qint32> indices(size_t(count * k), -1);
    std::vector<float> distances(size_t(count * k));
    constexpr qint64 kChunk = 64;
#pragma omp parallel for schedule(dynamic, 1)
    for (qint64 begin = 0; begin < count; begin += kChunk) {
        const qint64 size = std::min(kChunk, count - begin);
        const KnnRows queries{vectors.data() + begin * d, queryNorms.data() + begin, ids.data() + begin, 0,
                              size};
        const KnnRows all{data.data(), norms.data(), nullptr, 0, n};
        knnBlockNeighbors(queries, all, d, k, data.data(), indices.data() + begin * k,
                          distances.data() + begin * k);
    }
    std::vector<std::vector<qint32>> truth(rows.size());
    for (qint64 r = 0; r < count; ++r)
        truth[size_t(r)].assign(indices.begin() + r * k, indices.begin() + (r + 1) * k);
    return truth;
}

double recall(const KnnGraph &graph, const std::vector<qint64> &rows,
              const std::vector<std::vector<qint32>> &truth)
{
    qint64 hits = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
        const qint32 *found = graph.neighbors(rows[r]);
        for (const qint32 id : truth[r])
            hits += std::count(found, found + graph.k, id);
    }
    return double(hits) / double(rows.size() * truth.front().size());
}

KnnParams::Method methodNamed(const QString &name)
{
    if (name == QLatin1String("clustered"))
        return KnnParams::Method::Clustered;
    if (name == QLatin1String("hnsw"))
        return KnnParams::Method::Hnsw;
    if (name == QLatin1String("exact"))
        return KnnParams::Method::Exact;
    throw Error(QStringLiteral("unknown method %1 (clustered, hnsw, exact)").arg(name));
}

void benchGraph(const QString &name, KnnParams params, const std::vector<float> &data, qint64 n, int d, int k,
                int runs, const std::vector<qint64> &rows, const std::vector<std::vector<qint32>> &truth)
{
    params.method = methodNamed(name);
    std::vector<double> seconds;
    double found = 0.0;
    for (int run = 0; run < runs; ++run) {
        Progress progress;
        const auto start = Clock::now();
        const KnnGraph graph = allNearestNeighbors(data.data(), n, d, k, params, progress);
        seconds.push_back(secondsSince(start));
        found = recall(graph, rows, truth);
    }
    std::printf("| graph, %s | %.2f | %.2f | %.2f | %.4f |\n", qPrintable(name), median(seconds),
                *std::min_element(seconds.begin(), seconds.end()),
                *std::max_element(seconds.begin(), seconds.end()), found);
    std::fflush(stdout);
}

/** Single queries by an indexed row (as "find similar" does): median milliseconds and recall. */
void benchQueries(const std::vector<float> &data, qint64 n, int d, int k, const std::vector<qint64> &rows,
                  const std::vector<std::vector<qint32>> &truth)
{
    KnnParams params;
    params.method = KnnParams::Method::Hnsw;
    Progress progress;
    auto start = Clock::now();
    const NearestNeighbors index(data.data(), n, d, params, progress);
    const double build = secondsSince(start);
    std::vector<double> milliseconds;
    qint64 hits = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
        const qint64 self = rows[r];
        start = Clock::now();
        const auto found = index.query(data.data() + self * d, k, [self](qint64 i) { return i != self; });
        milliseconds.push_back(secondsSince(start) * 1000.0);
        for (const Neighbor &neighbor : found)
            hits += std::count(truth[r].begin(), truth[r].end(), qint32(neighbor.sample));
    }
    std::printf("| HNSW index build | %.2f s | | | |\n", build);
    std::printf("| HNSW query (k = %d) | %.3f ms | | | %.4f |\n", k, median(milliseconds),
                double(hits) / double(rows.size() * size_t(k)));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Times the kNN graph methods and measures their recall."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("embeddings"), QStringLiteral("An N x D float32 .npy file."));
    const QCommandLineOption methods(QStringLiteral("methods"), QStringLiteral("Methods to time."),
                                     QStringLiteral("list"), QStringLiteral("clustered,hnsw,exact"));
    const QCommandLineOption neighbours(QStringLiteral("k"), QStringLiteral("Neighbours per row."),
                                        QStringLiteral("k"), QStringLiteral("15"));
    const QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("Runs per method."),
                                        QStringLiteral("runs"), QStringLiteral("3"));
    const QCommandLineOption sampleOption(QStringLiteral("sample"),
                                          QStringLiteral("Rows whose recall is measured."),
                                          QStringLiteral("rows"), QStringLiteral("2000"));
    const QCommandLineOption cellSize(QStringLiteral("cell-size"),
                                      QStringLiteral("Clustered: points per cell."), QStringLiteral("n"),
                                      QString::number(KnnParams().clusterSize));
    const QCommandLineOption probes(QStringLiteral("probes"), QStringLiteral("Clustered: cells compared."),
                                    QStringLiteral("n"), QString::number(KnnParams().clusterProbes));
    const QCommandLineOption refine(QStringLiteral("refine"), QStringLiteral("Clustered: refinement passes."),
                                    QStringLiteral("n"), QString::number(KnnParams().clusterRefinePasses));
    const QCommandLineOption twoLevel(
        QStringLiteral("two-level-from"),
        QStringLiteral("Clustered: cells from which they are made in two levels (0: never)."),
        QStringLiteral("cells"), QString::number(KnnParams().clusterTwoLevelFrom));
    parser.addOptions({methods, neighbours, runsOption, sampleOption, cellSize, probes, refine, twoLevel});
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    try {
        const NpyFile file(parser.positionalArguments().first());
        const qint64 n = file.rows();
        const int d = int(file.cols());
        const std::vector<float> data = file.readAll();
        const int k = parser.value(neighbours).toInt();
        const int runs = std::max(1, parser.value(runsOption).toInt());

        std::mt19937_64 random(7);
        std::vector<qint64> rows(size_t(std::min<qint64>(n, parser.value(sampleOption).toLongLong())));
        for (qint64 &row : rows)
            row = qint64(random() % quint64(n));
        const auto start = Clock::now();
        const auto truth = exactNeighbors(data, n, d, k, rows);
        std::printf("%lld x %d, k = %d; recall@k on %zu rows (exact truth took %.1f s)\n\n", n, d, k,
                    rows.size(), secondsSince(start));
        std::printf("| method | median s (%d runs) | min s | max s | recall@%d |\n|---|---|---|---|---|\n",
                    runs, k);
        KnnParams params;
        params.clusterSize = parser.value(cellSize).toInt();
        params.clusterProbes = parser.value(probes).toInt();
        params.clusterRefinePasses = parser.value(refine).toInt();
        params.clusterTwoLevelFrom = parser.value(twoLevel).toLongLong();
        std::printf(
            "clustered: cells of %d points, %d probes, %d refinement passes, two levels from %lld cells\n\n",
            params.clusterSize, params.clusterProbes, params.clusterRefinePasses, params.clusterTwoLevelFrom);
        for (const QString &method : parser.value(methods).split(QLatin1Char(','), Qt::SkipEmptyParts))
            benchGraph(method, params, data, n, d, k, runs, rows, truth);
        if (parser.value(methods).contains(QLatin1String("hnsw")))
            benchQueries(data, n, d, k, rows, truth);
        std::printf("\npeak memory (max RSS): %.0f MiB\n", peakResidentMiB());
    } catch (const Error &error) {
        std::fprintf(stderr, "loupe-knn-bench: %s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
