#include "analysis/neighbours/similaritysearch.h"

#include "common/error.h"
#include "dataset/sampletable.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <queue>

namespace loupe {

SimilaritySearch::SimilaritySearch(const NearestNeighbors &index) : m_index(index) {}

std::vector<float> SimilaritySearch::centroid(const std::vector<qint64> &samples) const
{
    if (samples.empty())
        throw Error(QStringLiteral("Find similar: select at least one sample."));
    const int d = m_index.dimensions();
    // Summed in double: a selection can hold thousands of samples.
    std::vector<double> sum(static_cast<size_t>(d), 0.0);
    for (qint64 sample : samples) {
        if (sample < 0 || sample >= m_index.size())
            throw Error(QStringLiteral("Find similar: sample %1 does not exist (the index has %2 samples).")
                            .arg(sample)
                            .arg(m_index.size()));
        const std::vector<float> v = m_index.vector(sample);
        for (int j = 0; j < d; ++j)
            sum[size_t(j)] += v[size_t(j)];
    }
    std::vector<float> mean(static_cast<size_t>(d));
    for (int j = 0; j < d; ++j)
        mean[size_t(j)] = float(sum[size_t(j)] / double(samples.size()));
    return mean;
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
    if (samples.empty())
        throw Error(QStringLiteral("Find similar: select at least one sample."));
    const auto d = Eigen::Index(matrix.dims);
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(d); // in double: a selection can hold thousands
    for (const qint64 sample : samples) {
        if (sample < 0 || sample >= matrix.rows)
            throw Error(QStringLiteral("Find similar: sample %1 does not exist (the index has %2 samples).")
                            .arg(sample)
                            .arg(matrix.rows));
        const std::vector<float> row = matrix.readRow(sample);
        sum += Eigen::Map<const Eigen::VectorXf>(row.data(), d).cast<double>();
    }
    const Eigen::RowVectorXf query = (sum / double(samples.size())).cast<float>().transpose();
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
