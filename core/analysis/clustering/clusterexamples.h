#pragma once

#include <QtGlobal>

#include <map>
#include <vector>

namespace loupe {

struct SampleTable;

/** How many samples a cluster's strip shows, and how many of them are its most typical members. */
struct ClusterExampleParams
{
    size_t typical = 4;
    size_t total = 8;
};

/**
 * The samples that show each cluster in its image strip: its most typical members (nearest
 * the mean of its members' points, e.g. their embeddings), then its worst errors (highest
 * loss), up to params.total; excluded samples are left out. points: one row of dims values
 * per sample, or null for the worst errors only. Keyed by cluster (assignment's labels >= 0).
 */
std::map<int, std::vector<qint64>> clusterExamples(const std::vector<int> &assignment,
                                                   const SampleTable &table, const float *points, int dims,
                                                   ClusterExampleParams params = {});

} // namespace loupe
