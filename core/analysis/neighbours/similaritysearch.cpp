#include "analysis/neighbours/similaritysearch.h"

#include <algorithm>

#include "common/error.h"
#include "dataset/sampletable.h"

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

} // namespace loupe
