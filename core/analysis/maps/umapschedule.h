#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

struct UmapGraph;

/**
 * The edges of a UMAP graph in the order and layout the SGD (umaplayout.cpp) runs them,
 * with umap-learn's per-edge sampling schedule. Internal to the layout.
 *
 * Vertices may be renumbered (order[new] = old) so that the neighbours of a point have
 * nearby numbers: the layout then reads and writes compact regions of memory, and the
 * edges split into `parts` contiguous ranges of heads whose points are mostly disjoint,
 * one part per thread, so that threads rarely write the same cache line.
 */
struct UmapSchedule
{
    std::vector<qint32> heads; // per edge, in the new numbering
    std::vector<qint32> tails; // per edge, new numbering when vertices were renumbered
    std::vector<float> epochsPerSample;
    std::vector<float> nextSample;
    std::vector<float> epochsPerNegative;
    std::vector<float> nextNegative;
    /** Edges of part p are partStart[p] .. partStart[p + 1]. */
    std::vector<qint64> partStart;
    /** order[new] = old vertex; empty when vertices keep their numbers. */
    std::vector<qint32> order;

    qint64 edges() const { return qint64(heads.size()); }
    int parts() const { return int(partStart.size()) - 1; }
};

/**
 * An edge of weight w is sampled every max_w / w epochs; edges sampled less than once over
 * the run (w < max_w / epochs) are dropped, as umap-learn drops them. With renumber, heads
 * and tails (one vertex set: a fit) are renumbered in breadth-first order of the graph;
 * otherwise numbers are kept (a transform, whose tails index a fixed layout). Parts are
 * balanced by expected samples per epoch. Within a part, edges go round-robin over the
 * heads (each head's first edge, then each head's second, ...) so that consecutive
 * updates move different points and the processor can overlap them.
 */
UmapSchedule makeUmapSchedule(const UmapGraph &graph, int epochs, int negativeRate, int parts, bool renumber);

} // namespace loupe
