#include "analysis/neighbours/similaritysearch.h"

#include "common/error.h"
#include "dataset/sampletable.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <queue>

namespace loupe {

namespace {

/** The mean of the samples' rows of a rows x dims matrix, summed in double: a selection can hold thousands.
 */
std::vector<float> meanOfRows(const std::vector<qint64> &samples, qint64 rows, int dims,
                              const std::function<std::vector<float>(qint64)> &rowOf)
{
    if (samples.empty())
        throw Error(QStringLiteral("Find similar: select at least one sample."));
    std::vector<double> sum(static_cast<size_t>(dims), 0.0);
    for (qint64 sample : samples) {
        if (sample < 0 || sample >= rows)
            throw Error(QStringLiteral("Find similar: sample %1 does not exist (the index has %2 samples).")
                            .arg(sample)
                            .arg(rows));
        const std::vector<float> v = rowOf(sample);
        for (int j = 0; j < dims; ++j)
            sum[size_t(j)] += v[size_t(j)];
    }
    std::vector<float> mean(static_cast<size_t>(dims));
    for (int j = 0; j < dims; ++j)
        mean[size_t(j)] = float(sum[size_t(j)] / double(samples.size()));
    return mean;
}

} // namespace

SimilaritySearch::SimilaritySearch(const NearestNeighbors &index) : m_index(index) {}

std::vector<float> SimilaritySearch::centroid(const std::vector<qint64> &samples) const
{
    return meanOfRows(samples, m_index.size(), m_index.dimensions(),
                      [this](qint64 sample) { return m_index.vector(sample); });
}

std::vector<Neighbor> SimilaritySearch::findSimilar(const std::vector<qint64> &samples, int k,
                                                    const Accept &accept) const
{
    const std::vector<float> query = centroid(samples);
    std::vector<qint64> excluded = samples;
    std::sort(excluded.begin(), excluded.end());
    const auto notQueried = [&excluded](qint64 sample) {
        return !std::binary_search(excluded.begin(), excluded.end(), sample);
    };
    if (accept)
        return m_index.query(query.data(), k,
                             [&](qint64 sample) { return notQueried(sample) && accept(sample); });
    return m_index.query(query.data(), k, notQueried);
}

std::vector<Neighbor> SimilaritySearch::findSimilarTo(const std::vector<float> &vector, int k,
                                                      const Accept &accept) const
{
    if (qint64(vector.size()) != m_index.dimensions())
        throw Error(QStringLiteral("Find similar: the query has %1 dimensions, the embeddings %2.")
                        .arg(vector.size())
                        .arg(m_index.dimensions()));
    return m_index.query(vector.data(), k, accept);
}

SimilaritySearch::Accept SimilaritySearch::restrictTo(const SampleTable &table, int splitIndex,
                                                      bool unlabeledOnly)
{
    if (splitIndex < 0 && !unlabeledOnly)
        return {};
    return [&table, splitIndex, unlabeledOnly](qint64 sample) {
        const size_t i = size_t(sample);
        return (splitIndex < 0 || table.splitIndex[i] == splitIndex) &&
               (!unlabeledOnly || table.labels[i] < 0);
    };
}

std::vector<Neighbor> SimilaritySearch::scanChunks(const ChunkedMatrix &matrix,
                                                   const std::vector<qint64> &samples, int k,
                                                   const Accept &accept)
{
    const auto d = Eigen::Index(matrix.dims);
    const std::vector<float> mean = meanOfRows(samples, matrix.rows, matrix.dims, matrix.readRow);
    const Eigen::RowVectorXf query = Eigen::Map<const Eigen::RowVectorXf>(mean.data(), d);
    std::vector<qint64> excluded = samples;
    std::sort(excluded.begin(), excluded.end());

    // The k best so far in a max-heap on the squared distance: the worst is the one to beat.
    using Candidate = std::pair<float, qint64>;
    std::priority_queue<Candidate> best;
    using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    matrix.forEachChunk([&](qint64 first, qint64 count, const float *values) {
        const Eigen::VectorXf squared =
            (Eigen::Map<const Rows>(values, Eigen::Index(count), d).rowwise() - query)
                .rowwise()
                .squaredNorm();
        for (qint64 i = 0; i < count; ++i) {
            const qint64 sample = first + i;
            const float distance = squared[Eigen::Index(i)];
            if (k <= 0 || (qint64(best.size()) == k && !(distance < best.top().first)))
                continue;
            if (std::binary_search(excluded.begin(), excluded.end(), sample) || (accept && !accept(sample)))
                continue;
            best.emplace(distance, sample);
            if (qint64(best.size()) > k)
                best.pop();
        }
    });
    std::vector<Neighbor> found(best.size());
    for (auto slot = found.rbegin(); slot != found.rend(); ++slot, best.pop())
        *slot = {best.top().second, std::sqrt(best.top().first)};
    return found;
}

} // namespace loupe
