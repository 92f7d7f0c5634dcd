#include "analysis/neighbours/knnhnswindex.h"

#include <cmath>
#include <cstring>
#include <queue>
#include <stdexcept>

// hnswlib 0.6.2's SSE path prefetches the neighbour after the last one, reading 4 bytes past
// the link list (nmslib/hnswlib#107, #578; harmless, but AddressSanitizer stops on it). The
// sanitizer builds take hnswlib's scalar path, which has no prefetches; this is the only
// file that includes hnswlib, so its template code stays consistent within a build.
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_MANUAL_VECTORIZATION
#endif
#endif
#include <hnswlib/hnswlib.h>

#include <QFile>
#include <QTemporaryFile>

#include "common/error.h"
#include "common/parallelfor.h"

namespace loupe {

namespace {

// Points added per scheduling chunk: small enough to balance the threads (insert cost
// varies with the level drawn), large enough to keep the progress mutex cold.
constexpr qint64 kBuildGrain = 256;

std::string temporaryPath(QTemporaryFile &file)
{
    if (!file.open())
        throw Error(
            QStringLiteral("Cannot create a temporary file for the HNSW index: %1").arg(file.errorString()));
    file.close();
    return QFile::encodeName(file.fileName()).toStdString();
}

/** The fixed-size header hnswlib's saveIndex() writes, checked before loadIndex() trusts it. */
struct SavedHeader
{
    size_t offsetLevel0, maxElements, count, sizePerElement, labelOffset, offsetData;
    int maxLevel;
    hnswlib::tableint enterPoint;
    size_t maxM, maxM0, m;
    double mult;
    size_t efConstruction;
};

bool readHeader(const QByteArray &bytes, SavedHeader &header)
{
    const char *p = bytes.constData();
    const char *end = p + bytes.size();
    auto read = [&](auto &value) {
        if (end - p < qint64(sizeof(value)))
            return false;
        std::memcpy(&value, p, sizeof(value));
        p += sizeof(value);
        return true;
    };
    return read(header.offsetLevel0) && read(header.maxElements) && read(header.count) &&
           read(header.sizePerElement) && read(header.labelOffset) && read(header.offsetData) &&
           read(header.maxLevel) && read(header.enterPoint) && read(header.maxM) && read(header.maxM0) &&
           read(header.m) && read(header.mult) && read(header.efConstruction);
}

bool headerFits(const SavedHeader &h, int d)
{
    const size_t links0 = h.maxM0 * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
    return h.count > 0 && h.count <= h.maxElements && h.maxElements < (size_t(1) << 32) &&
           h.offsetLevel0 == 0 && h.m > 0 && h.m <= 10000 && h.maxM == h.m && h.maxM0 == 2 * h.m &&
           h.offsetData == links0 && h.labelOffset == links0 + size_t(d) * sizeof(float) &&
           h.sizePerElement == h.labelOffset + sizeof(hnswlib::labeltype) && h.enterPoint < h.count &&
           h.maxLevel >= 0 && h.maxLevel < 64;
}

} // namespace

KnnHnswIndex::KnnHnswIndex(int d) : m_d(d), m_space(std::make_unique<hnswlib::L2Space>(size_t(d))) {}

KnnHnswIndex::KnnHnswIndex(const float *data, qint64 n, int d, const KnnParams &params, Progress &progress,
                           double from, double to)
    : KnnHnswIndex(d)
{
    m_graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        m_space.get(), size_t(n), size_t(std::max(2, params.hnswM)),
        size_t(std::max(1, params.hnswEfConstruction)), size_t(params.seed));
    if (n == 0)
        return;
    // The first point becomes the entry point; hnswlib wants it in place before
    // concurrent inserts start.
    m_graph->addPoint(data, 0);
    parallelFor(
        n - 1, kBuildGrain, progress,
        [&](qint64 begin, qint64 end) {
            for (qint64 i = begin + 1; i < end + 1; ++i)
                m_graph->addPoint(data + i * d, hnswlib::labeltype(i));
        },
        from, to);
}

KnnHnswIndex::~KnnHnswIndex() = default;

std::unique_ptr<KnnHnswIndex> KnnHnswIndex::load(const QByteArray &bytes, int d)
{
    SavedHeader header;
    if (!readHeader(bytes, header) || !headerFits(header, d))
        throw Error(QStringLiteral("The stored HNSW index is corrupt or was written by another version."));
    QTemporaryFile file;
    const std::string path = temporaryPath(file);
    {
        QFile out(file.fileName());
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size())
            throw Error(QStringLiteral("Cannot write the HNSW index to %1: %2")
                            .arg(file.fileName(), out.errorString()));
    }
    std::unique_ptr<KnnHnswIndex> index(new KnnHnswIndex(d));
    try {
        index->m_graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(index->m_space.get(), path);
    } catch (const std::runtime_error &error) {
        throw Error(
            QStringLiteral("The stored HNSW index cannot be read: %1").arg(QString::fromUtf8(error.what())));
    }
    return index;
}

QByteArray KnnHnswIndex::save() const
{
    QTemporaryFile file;
    const std::string path = temporaryPath(file);
    m_graph->saveIndex(path);
    QFile in(file.fileName());
    if (!in.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("Cannot read back the HNSW index from %1: %2")
                        .arg(file.fileName(), in.errorString()));
    return in.readAll();
}

qint64 KnnHnswIndex::size() const
{
    return qint64(m_graph->cur_element_count);
}

void KnnHnswIndex::setEf(int ef)
{
    m_graph->setEf(size_t(std::max(1, ef)));
}

std::vector<Neighbor> KnnHnswIndex::search(const float *query, qint64 count) const
{
    auto found = m_graph->searchKnn(query, size_t(std::max<qint64>(1, count)));
    std::vector<Neighbor> result(found.size());
    for (size_t j = result.size(); j-- > 0; found.pop())
        result[j] = {qint64(found.top().second), std::sqrt(found.top().first)};
    return result;
}

std::vector<Neighbor> KnnHnswIndex::searchFromSample(qint64 sample, qint64 count) const
{
    // The graph search of searchKnn() without its descent through the upper layers:
    // the beam search starts at the sample's own node, whose links already point at
    // its approximate neighbours. Descending from the global entry point instead can
    // end in the wrong region for isolated points, which are exactly the outliers whose
    // k-th neighbour distance matters (measured on the demo: the top-1 % outlier set of
    // an M 12 / efConstruction 64 graph overlapped the exact one by 31 % that way).
    const hnswlib::HierarchicalNSW<float> &graph = *m_graph;
    const auto found = graph.label_lookup_.find(hnswlib::labeltype(sample));
    if (found == graph.label_lookup_.end())
        return {};
    const hnswlib::tableint start = found->second;
    const size_t wanted = size_t(std::max<qint64>(1, count));
    auto best =
        graph.searchBaseLayerST<false>(start, graph.getDataByInternalId(start), std::max(graph.ef_, wanted));
    while (best.size() > wanted)
        best.pop();
    std::vector<Neighbor> result(best.size());
    for (size_t j = result.size(); j-- > 0; best.pop())
        result[j] = {qint64(graph.getExternalLabel(best.top().second)), std::sqrt(best.top().first)};
    return result;
}

std::vector<Neighbor> KnnHnswIndex::scan(const float *query, int k,
                                         const NearestNeighbors::Accept &accept) const
{
    std::priority_queue<std::pair<float, qint64>> best; // max-heap of squared distances
    const auto distance = m_graph->fstdistfunc_;
    const void *distanceParam = m_graph->dist_func_param_;
    for (hnswlib::tableint i = 0; i < m_graph->cur_element_count; ++i) {
        const qint64 sample = qint64(m_graph->getExternalLabel(i));
        if (accept && !accept(sample))
            continue;
        const float d = distance(query, m_graph->getDataByInternalId(i), distanceParam);
        if (int(best.size()) < k) {
            best.emplace(d, sample);
        } else if (k > 0 && std::make_pair(d, sample) < best.top()) {
            best.pop();
            best.emplace(d, sample);
        }
    }
    std::vector<Neighbor> result(best.size());
    for (size_t j = result.size(); j-- > 0; best.pop())
        result[j] = {best.top().second, std::sqrt(best.top().first)};
    return result;
}

std::vector<float> KnnHnswIndex::vector(qint64 sample) const
{
    try {
        return m_graph->getDataByLabel<float>(hnswlib::labeltype(sample));
    } catch (const std::runtime_error &) {
        throw Error(QStringLiteral("Sample %1 is not in the nearest-neighbour index.").arg(sample));
    }
}

} // namespace loupe
