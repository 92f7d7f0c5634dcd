#include "analysis/neighbours/nearestneighbors.h"

#include <cstring>
#include <limits>

#include <zlib.h>

#include <QDataStream>
#include <QIODevice>

#include "analysis/neighbours/knnclustered.h"
#include "analysis/neighbours/knnexact.h"
#include "analysis/neighbours/knnhnswindex.h"
#include "common/error.h"
#include "common/parallelfor.h"
#include "common/progress.h"

namespace loupe {

namespace {

constexpr quint32 kMagic = 0x4c504e4e; // "LPNN"
constexpr quint32 kVersion = 1;
constexpr quint8 kExactKind = 0;
constexpr quint8 kHnswKind = 1;
// Share of the progress bar the HNSW build takes in allNearestNeighbors(): inserting
// a point costs efConstruction/efSearch (~3x) as much as querying one.
constexpr double kBuildShare = 0.8;

void checkShape(qint64 n, int d, int k)
{
    if (n < 0 || n > std::numeric_limits<qint32>::max())
        throw Error(
            QStringLiteral("Nearest neighbours: %1 rows are more than the 2^31 - 1 supported.").arg(n));
    if (d < 1)
        throw Error(QStringLiteral("Nearest neighbours: vectors need at least one dimension."));
    if (k < 1)
        throw Error(QStringLiteral("Nearest neighbours: k must be at least 1, not %1.").arg(k));
}

/** CRC-32 of the payload: a flipped byte in a stored graph would otherwise crash a search. */
quint32 checksum(const QByteArray &bytes)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    for (qsizetype at = 0; at < bytes.size(); at += 1 << 30) {
        const qsizetype length = std::min<qsizetype>(bytes.size() - at, 1 << 30);
        crc = crc32(crc, reinterpret_cast<const Bytef *>(bytes.constData() + at), uInt(length));
    }
    return quint32(crc);
}

/** The method Auto stands for; graph: for allNearestNeighbors() rather than an index. */
KnnParams::Method resolve(qint64 n, const KnnParams &params, bool graph)
{
    KnnParams::Method method = params.method;
    if (method == KnnParams::Method::Auto) {
        method = n <= params.exactMaxRows ? KnnParams::Method::Exact
                 : graph                  ? KnnParams::Method::Clustered
                                          : KnnParams::Method::Hnsw;
    }
    if (method == KnnParams::Method::Clustered && !graph)
        method = KnnParams::Method::Hnsw; // the cells answer only queries by indexed points
    return method;
}

/** Fills row i of graph from a search that may contain i itself (dropped) and k + 1 results. */
void fillRow(KnnGraph &graph, qint64 i, const std::vector<Neighbor> &found)
{
    qint32 *indices = graph.indices.data() + i * graph.k;
    float *distances = graph.distances.data() + i * graph.k;
    int j = 0;
    for (const Neighbor &neighbor : found) {
        if (neighbor.sample == i)
            continue;
        if (j == graph.k)
            break;
        indices[j] = qint32(neighbor.sample);
        distances[j] = neighbor.distance;
        ++j;
    }
}

KnnGraph hnswGraph(const float *data, qint64 n, int d, int k, const KnnParams &params, Progress &progress)
{
    KnnHnswIndex index(data, n, d, params, progress, 0.0, kBuildShare);
    index.setEf(params.efSearch(k + 1));
    KnnGraph graph;
    graph.n = n;
    graph.k = k;
    graph.indices.assign(size_t(n * k), -1);
    graph.distances.assign(size_t(n * k), std::numeric_limits<float>::infinity());
    parallelFor(
        n, 512, progress,
        [&](qint64 begin, qint64 end) {
            for (qint64 i = begin; i < end; ++i)
                fillRow(graph, i, index.searchFromSample(i, k + 1));
        },
        kBuildShare, 1.0);
    return graph;
}

} // namespace

KnnGraph allNearestNeighbors(const float *data, qint64 n, int d, int k, const KnnParams &params,
                             Progress &progress)
{
    checkShape(n, d, k);
    switch (resolve(n, params, true)) {
    case KnnParams::Method::Hnsw:
        return hnswGraph(data, n, d, k, params, progress);
    case KnnParams::Method::Clustered:
        return knnClusteredGraph(data, n, d, k, params, progress);
    case KnnParams::Method::Auto:
    case KnnParams::Method::Exact:
        break;
    }
    return knnExactGraph(data, n, d, k, progress);
}

NearestNeighbors::NearestNeighbors(const float *data, qint64 n, int d, const KnnParams &params,
                                   Progress &progress)
    : m_n(n), m_d(d), m_efSearch(params.efSearch(1))
{
    checkShape(n, d, 1);
    if (n == 0 || resolve(n, params, false) == KnnParams::Method::Exact) {
        m_data.assign(data, data + n * d);
        m_norms = knnSquaredNorms(m_data.data(), n, d);
        progress.setProgress(1.0);
    } else {
        m_hnsw = std::make_unique<KnnHnswIndex>(data, n, d, params, progress);
        m_hnsw->setEf(m_efSearch);
    }
}

NearestNeighbors::NearestNeighbors(std::vector<float> &&data, qint64 n, int d, const KnnParams &params,
                                   Progress &progress)
    : m_n(n), m_d(d), m_efSearch(params.efSearch(1))
{
    checkShape(n, d, 1);
    if (qint64(data.size()) != n * d)
        throw Error(
            QStringLiteral("nearest neighbours: %1 values for %2 x %3").arg(data.size()).arg(n).arg(d));
    if (n == 0 || resolve(n, params, false) == KnnParams::Method::Exact) {
        m_data = std::move(data);
        m_norms = knnSquaredNorms(m_data.data(), n, d);
        progress.setProgress(1.0);
    } else {
        m_hnsw = std::make_unique<KnnHnswIndex>(data.data(), n, d, params, progress);
        m_hnsw->setEf(m_efSearch);
    }
}

NearestNeighbors::~NearestNeighbors() = default;
NearestNeighbors::NearestNeighbors(NearestNeighbors &&) noexcept = default;
NearestNeighbors &NearestNeighbors::operator=(NearestNeighbors &&) noexcept = default;

void NearestNeighbors::setEfSearch(int ef)
{
    m_efSearch = std::max(1, ef);
    if (m_hnsw)
        m_hnsw->setEf(m_efSearch);
}

std::vector<Neighbor> NearestNeighbors::query(const float *vector, int k, const Accept &accept) const
{
    if (k < 1 || m_n == 0)
        return {};
    return m_hnsw ? queryHnsw(vector, k, accept) : queryExact(vector, k, accept);
}

std::vector<Neighbor> NearestNeighbors::queryExact(const float *vector, int k, const Accept &accept) const
{
    return knnExactQuery(m_data.data(), m_norms.data(), m_n, m_d, vector, k, accept);
}

std::vector<Neighbor> NearestNeighbors::queryHnsw(const float *vector, int k, const Accept &accept) const
{
    if (!accept)
        return m_hnsw->search(vector, k);
    // Over-fetch and filter, four times as many candidates per round. A graph search
    // with candidate list ef costs roughly ef * 2M distance evaluations, so once the
    // list nears n / 32 a plain scan of the accepted samples is as cheap and exact.
    const qint64 scanFrom = std::max<qint64>(4096, m_n / 32);
    for (qint64 fetch = std::max<qint64>(2 * k, m_efSearch); fetch < scanFrom; fetch *= 4) {
        std::vector<Neighbor> found = m_hnsw->search(vector, fetch);
        std::vector<Neighbor> accepted;
        accepted.reserve(size_t(k));
        for (const Neighbor &neighbor : found) {
            if (accept(neighbor.sample)) {
                accepted.push_back(neighbor);
                if (int(accepted.size()) == k)
                    return accepted;
            }
        }
        if (qint64(found.size()) >= m_n)
            return accepted; // everything was seen: fewer than k are accepted
    }
    return m_hnsw->scan(vector, k, accept);
}

std::vector<float> NearestNeighbors::vector(qint64 sample) const
{
    if (sample < 0 || sample >= m_n)
        throw Error(QStringLiteral("Sample %1 is not in the nearest-neighbour index of %2 samples.")
                        .arg(sample)
                        .arg(m_n));
    if (m_hnsw)
        return m_hnsw->vector(sample);
    const float *row = m_data.data() + sample * m_d;
    return std::vector<float>(row, row + m_d);
}

QByteArray NearestNeighbors::serialize() const
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setByteOrder(QDataStream::LittleEndian);
    out << kMagic << kVersion << (m_hnsw ? kHnswKind : kExactKind) << m_n << qint32(m_d)
        << qint32(m_efSearch);
    const QByteArray payload = m_hnsw ? m_hnsw->save()
                                      : QByteArray::fromRawData(reinterpret_cast<const char *>(m_data.data()),
                                                                qsizetype(m_data.size() * sizeof(float)));
    out << qint64(payload.size()) << checksum(payload);
    bytes.append(payload);
    return bytes;
}

NearestNeighbors NearestNeighbors::deserialize(const QByteArray &bytes)
{
    const auto corrupt = [] {
        return Error(QStringLiteral("The stored nearest-neighbour index is corrupt or was written by another "
                                    "version of Loupe; it will be rebuilt."));
    };
    QDataStream in(bytes);
    in.setByteOrder(QDataStream::LittleEndian);
    quint32 magic = 0, version = 0;
    quint8 kind = 0;
    qint64 n = 0, payload = 0;
    qint32 d = 0, ef = 0;
    quint32 crc = 0;
    in >> magic >> version >> kind >> n >> d >> ef >> payload >> crc;
    const qint64 headerSize = 4 + 4 + 1 + 8 + 4 + 4 + 8 + 4;
    if (in.status() != QDataStream::Ok || magic != kMagic || version != kVersion || n < 0 || d < 1 ||
        payload != bytes.size() - headerSize || (kind != kExactKind && kind != kHnswKind))
        throw corrupt();

    NearestNeighbors index;
    index.m_n = n;
    index.m_d = d;
    index.m_efSearch = std::max(1, int(ef));
    const char *data = bytes.constData() + headerSize;
    if (checksum(QByteArray::fromRawData(data, payload)) != crc)
        throw corrupt();
    if (kind == kExactKind) {
        if (payload != n * d * qint64(sizeof(float)))
            throw corrupt();
        index.m_data.resize(size_t(n * d));
        std::memcpy(index.m_data.data(), data, size_t(payload));
        index.m_norms = knnSquaredNorms(index.m_data.data(), n, d);
    } else {
        index.m_hnsw = KnnHnswIndex::load(QByteArray::fromRawData(data, payload), d);
        if (index.m_hnsw->size() != n)
            throw corrupt();
        index.m_hnsw->setEf(index.m_efSearch);
    }
    return index;
}

} // namespace loupe
