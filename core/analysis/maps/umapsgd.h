#pragma once

#include "common/simdlevel.h"

#include <cstdint>

namespace loupe {

// Plain C++ types only: the AVX2 build of the kernel includes this header and nothing of Qt.

/** What every edge update of one UMAP epoch shares (optimizeUmapLayout sets it up). */
struct UmapEpochContext
{
    float a = 1.0f;
    float b = 1.0f;
    float twoAB = 2.0f;     // 2 a b
    float twoGammaB = 2.0f; // 2 gamma b
    float alpha = 1.0f;     // learning rate of this epoch
    float epoch = 0.0f;     // n, as a float for the schedule comparisons
    std::int64_t tailVertices = 0;
    bool sameSet = true; // heads and tails index the same coordinates (a fit, not a transform)
    bool moveTails = true;
    float *heads = nullptr;
    float *tails = nullptr;
    /**
     * Where negative samples are read: the tails as they were when the epoch started.
     * With several threads every point is being written by some thread, so reading the
     * live layout at random would pull a cache line from the other core for almost every
     * sample; a per-epoch snapshot stays shared and clean in every core's cache. A
     * negative sample is a random far point, so its position one epoch ago pushes the same.
     */
    const float *negativeSource = nullptr;
};

/** The edge schedule's arrays (UmapSchedule), as plain pointers for the vector kernels. */
struct UmapEdgeArrays
{
    const std::int32_t *heads = nullptr;
    const std::int32_t *tails = nullptr;
    const float *epochsPerSample = nullptr;
    float *nextSample = nullptr;
    const float *epochsPerNegative = nullptr;
    float *nextNegative = nullptr;
};

/**
 * umap-learn's SGD update for every edge in [begin, end) that is due at c.epoch, eight edges
 * at a time, their negative samples drawn from a generator seeded with (seed, stream): the
 * same range gets the same draws whichever thread runs it. level picks the
 * build: SSE2 (two 4-lane halves) or AVX2 (8 lanes). Both run the same IEEE operations per
 * lane in the same order, so they give the same layout bit for bit.
 */
void updateUmapEdges(const UmapEpochContext &c, const UmapEdgeArrays &edges, std::int64_t begin,
                     std::int64_t end, std::uint64_t seed, std::uint64_t stream, SimdLevel level);

} // namespace loupe
