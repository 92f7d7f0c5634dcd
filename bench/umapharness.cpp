// TEMPORARY profiling harness (not to be committed).
#include "analysis/nearestneighbors.h"
#include "analysis/pca.h"
#include "analysis/umap.h"
#include "analysis/umapgraph.h"
#include "analysis/embeddingquality.h"
#include "npyfile.h"
#include "progress.h"
#include <QFile>
#include <sys/resource.h>
#include <chrono>
#include <cstdio>
using namespace loupe;
static double cpu() { rusage u{}; getrusage(RUSAGE_SELF, &u); return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec*1e-6; }
static double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    int epochs = argc > 2 ? atoi(argv[2]) : 200;
    const char *cache = "/tmp/umap-knn-cache.bin";
    KnnGraph g;
    NpyFile f(QStringLiteral("/tmp/demo-data/dataset/embeddings.npy"));
    std::vector<float> data = f.readAll();
    Progress p;
    PcaParams pp; pp.components = 32;
    PcaResult pca = computePca(data.data(), f.rows(), f.cols(), pp, p);
    QFile c(QString::fromLatin1(cache));
    if (c.open(QIODevice::ReadOnly)) {
        g.n = f.rows(); g.k = 14; g.indices.resize(g.n*g.k); g.distances.resize(g.n*g.k);
        c.read((char*)g.indices.data(), g.indices.size()*4); c.read((char*)g.distances.data(), g.distances.size()*4);
    } else {
        g = allNearestNeighbors(pca.projected.data(), f.rows(), 32, 14, KnnParams(), p);
        c.open(QIODevice::WriteOnly); c.write((char*)g.indices.data(), g.indices.size()*4); c.write((char*)g.distances.data(), g.distances.size()*4);
    }
    std::vector<float> init(g.n * 2);
    for (qint64 i = 0; i < g.n; ++i) { init[2*i] = pca.projected[i*32]; init[2*i+1] = pca.projected[i*32+1]; }
    UmapGraphParams gp; UmapGraph graph = fuzzySimplicialSet(g, gp, p);
    float wmax = 0; double sumw = 0; for (float w : graph.weights) { wmax = std::max(wmax, w); sumw += w; }
    std::printf("edges %lld, sum w/wmax %.0f -> positives %.3g, negatives %.3g\n", graph.edges(), sumw / wmax, sumw / wmax * epochs, sumw/wmax*epochs*5);
    UmapParams up; up.threads = threads; up.epochs = epochs; if (getenv("NEG")) up.negativeSampleRate = atoi(getenv("NEG"));
    double w0 = now(), c0 = cpu();
    std::vector<float> out = umapLayout(g, init, up, p);
    std::printf("layout threads %d: wall %.2f s, cpu %.2f s\n", threads, now() - w0, cpu() - c0);
    writeNpy(QStringLiteral("/tmp/umap-harness.npy"), out.data(), g.n, 2);
    EmbeddingQualityParams qp; qp.queries = 5000;
    EmbeddingQuality q = measureEmbeddingQuality(data.data(), g.n, 128, out.data(), 2, qp, p);
    std::printf("trust %.4f recall %.4f\n", q.trustworthiness, q.knnRecall);
}
