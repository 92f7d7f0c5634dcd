#include "analysis/clustering/clusterexamples.h"

#include "dataset/sampletable.h"

#include <algorithm>
#include <utility>

namespace loupe {

namespace {

/** Keeps the `keep` entries with the smallest key. */
class SmallestEntries
{
public:
    explicit SmallestEntries(size_t keep = 0) : m_keep(keep) {}
    void offer(double key, qint64 sample)
    {
        if (m_entries.size() < m_keep) {
            m_entries.emplace_back(key, sample);
            std::push_heap(m_entries.begin(), m_entries.end());
        } else if (!m_entries.empty() && key < m_entries.front().first) {
            std::pop_heap(m_entries.begin(), m_entries.end());
            m_entries.back() = {key, sample};
            std::push_heap(m_entries.begin(), m_entries.end());
        }
    }
    std::vector<qint64> sorted() const
    {
        auto entries = m_entries;
        std::sort_heap(entries.begin(), entries.end());
        std::vector<qint64> samples;
        for (const auto &entry : entries)
            samples.push_back(entry.second);
        return samples;
    }

private:
    size_t m_keep;
    std::vector<std::pair<double, qint64>> m_entries; // max-heap on the key
};

} // namespace

std::map<int, std::vector<qint64>> clusterExamples(const std::vector<int> &assignment,
                                                   const SampleTable &table, const float *points, int dims,
                                                   ClusterExampleParams params)
{
    // Dense slots for the clusters present.
    std::map<int, size_t> slot;
    for (const int c : assignment) {
        if (c >= 0)
            slot.emplace(c, 0);
    }
    size_t next = 0;
    for (auto &[cluster, index] : slot)
        index = next++;
    const auto slotOf = [&](qint64 s) -> qint64 {
        if (assignment[size_t(s)] < 0 || table.isExcluded(s))
            return -1;
        return qint64(slot.at(assignment[size_t(s)]));
    };
    const size_t clusters = slot.size();
    const size_t d = size_t(std::max(0, dims));
    std::vector<SmallestEntries> typical(clusters, SmallestEntries(params.typical));
    std::vector<SmallestEntries> worst(clusters, SmallestEntries(params.total));
    std::vector<double> means(clusters * d, 0.0);
    std::vector<qint64> counts(clusters, 0);
    const qint64 samples = std::min<qint64>(table.size(), qint64(assignment.size()));
    for (qint64 s = 0; s < samples && points; ++s) {
        const qint64 r = slotOf(s);
        if (r < 0)
            continue;
        ++counts[size_t(r)];
        for (size_t k = 0; k < d; ++k)
            means[size_t(r) * d + k] += points[size_t(s) * d + k];
    }
    for (size_t r = 0; r < clusters && points; ++r) {
        for (size_t k = 0; k < d; ++k)
            means[r * d + k] /= double(std::max<qint64>(1, counts[r]));
    }
    for (qint64 s = 0; s < samples; ++s) {
        const qint64 r = slotOf(s);
        if (r < 0)
            continue;
        if (table.isError(s))
            worst[size_t(r)].offer(-double(table.loss[size_t(s)]), s);
        if (!points)
            continue;
        double distance = 0.0;
        for (size_t k = 0; k < d; ++k) {
            const double delta = points[size_t(s) * d + k] - means[size_t(r) * d + k];
            distance += delta * delta;
        }
        typical[size_t(r)].offer(distance, s);
    }
    std::map<int, std::vector<qint64>> result;
    for (const auto &[cluster, r] : slot) {
        std::vector<qint64> examples = typical[r].sorted();
        for (const qint64 s : worst[r].sorted()) {
            if (examples.size() < params.total &&
                std::find(examples.begin(), examples.end(), s) == examples.end())
                examples.push_back(s);
        }
        result.emplace(cluster, std::move(examples));
    }
    return result;
}

} // namespace loupe
