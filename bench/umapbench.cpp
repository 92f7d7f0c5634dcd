// loupe-umap-bench: times Loupe's UMAP on an embeddings .npy and measures the map's
// trustworthiness and kNN recall; optionally measures another map of the same data (for
// example umap-learn's) with the very same query points, so the two are compared paired.
// bench/umap-vs-umap-learn drives it.

#include "analysis/maps/embeddingquality.h"
#include "analysis/maps/umap.h"
#include "common/error.h"
#include "common/progress.h"
#include "formats/npyfile.h"

#include "benchstats.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace loupe;
using bench::median;
using bench::peakResidentMiB;

namespace {

struct Matrix
{
    qint64 rows = 0;
    int cols = 0;
    std::vector<float> values;
};

Matrix readMatrix(const QString &path)
{
    const NpyFile file(path); // unmapped again when this returns: only the copy stays resident
    return {file.rows(), int(file.cols()), file.readAll()};
}

QVariantList secondsList(const std::vector<double> &seconds)
{
    QVariantList list;
    for (double s : seconds)
        list.append(s);
    return list;
}

UmapParams paramsFrom(const QCommandLineParser &parser)
{
    UmapParams p;
    const auto intOption = [&parser](const QString &name, int fallback) {
        return parser.isSet(name) ? parser.value(name).toInt() : fallback;
    };
    p.threads = intOption(QStringLiteral("threads"), 0);
    p.neighbors = intOption(QStringLiteral("neighbors"), p.neighbors);
    p.epochs = intOption(QStringLiteral("epochs"), p.epochs);
    p.pcaDimensions = intOption(QStringLiteral("pca-dims"), p.pcaDimensions);
    p.fitSampleSize = intOption(QStringLiteral("fit-sample"), int(p.fitSampleSize));
    p.placementEpochs = intOption(QStringLiteral("placement-epochs"), p.placementEpochs);
    p.seed = quint64(intOption(QStringLiteral("seed"), int(p.seed)));
    p.knn.hnswM = intOption(QStringLiteral("hnsw-m"), p.knn.hnswM);
    p.knn.hnswEfConstruction = intOption(QStringLiteral("hnsw-ef-construction"), p.knn.hnswEfConstruction);
    p.knn.hnswEfSearch = intOption(QStringLiteral("hnsw-ef"), p.knn.hnswEfSearch);
    if (parser.isSet(QStringLiteral("random-init")))
        p.init = UmapParams::Init::Random;
    return p;
}

EmbeddingQuality measure(const Matrix &data, const std::vector<float> &map, const QCommandLineParser &parser)
{
    EmbeddingQualityParams q;
    q.neighbors = parser.value(QStringLiteral("quality-k")).toInt();
    q.queries = parser.value(QStringLiteral("quality-queries")).toLongLong();
    Progress progress;
    return measureEmbeddingQuality(data.values.data(), data.rows, data.cols, map.data(), 2, q, progress);
}

void addOptions(QCommandLineParser &parser)
{
    const auto add = [&parser](const char *name, const char *help, const char *value = nullptr,
                               const char *fallback = nullptr) {
        if (value)
            parser.addOption({QString::fromLatin1(name), QString::fromLatin1(help),
                              QString::fromLatin1(value),
                              fallback ? QString::fromLatin1(fallback) : QString()});
        else
            parser.addOption({QString::fromLatin1(name), QString::fromLatin1(help)});
    };
    add("runs", "UMAP fits to time; the median is reported.", "n", "1");
    add("threads", "OpenMP threads (0 = all).", "n");
    add("neighbors", "n_neighbors (counting the point itself, as umap-learn).", "n");
    add("epochs", "SGD epochs (0 = 200 above 10,000 points, else 500).", "n");
    add("pca-dims", "PCA dimensions before the kNN search (0 = none).", "n");
    add("fit-sample", "Fit on a sample of this many points above it (0 = fit all).", "n");
    add("placement-epochs", "Refinement epochs for placed points.", "n");
    add("seed", "Random seed.", "n");
    add("hnsw-m", "HNSW links per node.", "n");
    add("hnsw-ef-construction", "HNSW build candidate list.", "n");
    add("hnsw-ef", "HNSW search candidate list.", "n");
    add("random-init", "Random instead of PCA initialisation.");
    add("out", "Write Loupe's map (rows x 2 float32) to this .npy.", "file");
    add("compare", "Also measure this map of the same rows (e.g. umap-learn's) with the same queries.",
        "file");
    add("quality-k", "Neighbours for trustworthiness and kNN recall.", "k", "10");
    add("quality-queries", "Query points for the quality estimate.", "n", "5000");
    add("no-quality", "Skip the quality measurement.");
}

QJsonObject qualityJson(const EmbeddingQuality &q)
{
    return {{QStringLiteral("trustworthiness"), q.trustworthiness},
            {QStringLiteral("knn_recall"), q.knnRecall},
            {QStringLiteral("k"), q.neighbors},
            {QStringLiteral("queries"), q.queries}};
}

int run(const QCommandLineParser &parser)
{
    const Matrix data = readMatrix(parser.positionalArguments().at(0));
    const UmapParams params = paramsFrom(parser);
    const int runs = std::max(1, parser.value(QStringLiteral("runs")).toInt());
    std::printf("input: %lld x %d\n", data.rows, data.cols);

    std::vector<double> totals;
    UmapResult result;
    for (int r = 0; r < runs; ++r) {
        Progress progress;
        const auto start = std::chrono::steady_clock::now();
        result = computeUmap(data.values.data(), data.rows, data.cols, params, progress);
        totals.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        const UmapTimings &t = result.timings;
        std::printf("run %d: %.2f s (pca %.2f, knn %.2f, layout %.2f, placement %.2f); fitted %lld of %lld, "
                    "%lld edges, %d epochs, search dims %d (variance kept %.3f)\n",
                    r + 1, totals.back(), t.pcaSeconds, t.knnSeconds, t.layoutSeconds, t.placementSeconds,
                    result.fittedRows, result.rows, result.graphEdges, result.epochs, result.searchDimensions,
                    result.searchVarianceKept);
        std::fflush(stdout);
    }
    QJsonObject json{{QStringLiteral("rows"), data.rows},
                     {QStringLiteral("dims"), data.cols},
                     {QStringLiteral("runs"), runs},
                     {QStringLiteral("median_seconds"), median(totals)},
                     {QStringLiteral("min_seconds"), *std::min_element(totals.begin(), totals.end())},
                     {QStringLiteral("times"), QJsonArray::fromVariantList(secondsList(totals))},
                     {QStringLiteral("fitted_rows"), result.fittedRows}};
    std::printf("loupe umap: median %.2f s over %d run(s)\n", median(totals), runs);
    if (parser.isSet(QStringLiteral("out")))
        writeNpy(parser.value(QStringLiteral("out")), result.coordinates.data(), result.rows, 2);

    if (!parser.isSet(QStringLiteral("no-quality"))) {
        const auto start = std::chrono::steady_clock::now();
        const EmbeddingQuality ours = measure(data, result.coordinates, parser);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("loupe map: trustworthiness %.4f, knn recall %.4f (k %d, %lld queries, %.1f s)\n",
                    ours.trustworthiness, ours.knnRecall, ours.neighbors, ours.queries, seconds);
        json.insert(QStringLiteral("loupe"), qualityJson(ours));
        if (parser.isSet(QStringLiteral("compare"))) {
            const Matrix other = readMatrix(parser.value(QStringLiteral("compare")));
            if (other.rows != data.rows || other.cols != 2)
                throw Error(QStringLiteral("%1: expected %2 x 2")
                                .arg(parser.value(QStringLiteral("compare")))
                                .arg(data.rows));
            const EmbeddingQuality theirs = measure(data, other.values, parser);
            std::printf("compared map: trustworthiness %.4f, knn recall %.4f\n", theirs.trustworthiness,
                        theirs.knnRecall);
            json.insert(QStringLiteral("compared"), qualityJson(theirs));
        }
    }
    json.insert(QStringLiteral("peak_rss_mib"), peakResidentMiB());
    std::printf("peak resident memory: %.0f MiB\n", peakResidentMiB());
    std::printf("RESULT %s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Times Loupe's UMAP and measures the map's quality."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("embeddings"), QStringLiteral("rows x dims float .npy"));
    addOptions(parser);
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    try {
        return run(parser);
    } catch (const Error &e) {
        std::fprintf(stderr, "error: %s\n", qPrintable(e.message()));
        return 1;
    }
}
