#pragma once

#include <QtGlobal>

#include <cstdint>

namespace loupe {

class Progress;
struct UmapGraph;

/**
 * The low-dimensional membership curve 1 / (1 + a d^(2b)), fitted by least squares
 * (Levenberg-Marquardt, 300 points on [0, 3 spread]) to the offset exponential that is 1
 * up to minDist and exp(-(d - minDist) / spread) beyond, as umap-learn's find_ab_params.
 * spread 1, minDist 0.1 gives a ~ 1.577, b ~ 0.895.
 */
struct UmapCurve
{
    double a = 1.0;
    double b = 1.0;
};
UmapCurve fitUmapCurve(double spread, double minDist);

/** Parameters of the stochastic gradient descent (names as in umap-learn). */
struct UmapLayoutParams
{
    int epochs = 200;
    UmapCurve curve;
    /** Initial learning rate alpha, decayed linearly to 0 over the epochs. */
    double learningRate = 1.0;
    /** Weight gamma of the repulsive (negative sample) term. */
    double repulsionStrength = 1.0;
    /** Negative samples drawn per positive edge sample. */
    int negativeSampleRate = 5;
    std::uint64_t seed = 42;
    /**
     * OpenMP threads; 0 = all. With more than one thread the points of a fit are renumbered
     * so that each thread owns a region of the graph, and each thread updates its region's
     * edges Hogwild-style (unsynchronised, as umap-learn's parallel mode; edges across
     * regions and work taken over from a slower thread do race). The random draws are fixed
     * by the seed and the thread count, but the order in which threads read and write a
     * shared point differs from run to run, so results differ in the last digits and then
     * drift. With 1 thread the result is bit for bit the same for the same seed.
     */
    int threads = 0;
    /** Progress covers [progressFrom, progressTo] of the current step. */
    double progressFrom = 0.0;
    double progressTo = 1.0;
};

/**
 * Minimises the fuzzy set cross-entropy between graph and a 2-D layout by SGD over edges
 * (McInnes et al. 2018, sec. 3.2 and 4; umap-learn's optimize_layout_euclidean): each
 * edge is sampled in proportion to its weight (epochs-per-sample schedule, edges below
 * max weight / epochs never), pulls its two ends together, and pushes the head away from
 * negativeSampleRate uniformly drawn vertices; gradients are clipped to [-4, 4].
 *
 * headCoordinates (graph.vertices x 2, row-major) is optimised in place. For a fit,
 * tailCoordinates == headCoordinates and tailVertices == graph.vertices, and moveTails is
 * true (both ends move). To place new points against a fixed layout (umap-learn's
 * transform), graph's vertices are the new points, its tails index tailCoordinates
 * (tailVertices x 2), negatives are drawn from the tails, and moveTails is false.
 * Differences from umap-learn, all for speed, none measurable in trustworthiness on the
 * demo (bench/umap-vs-umap-learn): due edges are updated four at a time, each lane's
 * attraction and negative samples computed from the positions the batch started from and
 * the (individually clipped) steps then added, so that the arithmetic vectorises instead
 * of chaining one sample behind the other; negative samples are read from the layout as
 * it was when the epoch started; edges run round-robin over heads instead of head by
 * head; pow() is a polynomial approximation (relative error ~1e-5).
 *
 * Checks for cancellation after every epoch; throws Cancelled.
 */
void optimizeUmapLayout(const UmapGraph &graph, float *headCoordinates, float *tailCoordinates,
                        qint64 tailVertices, bool moveTails, const UmapLayoutParams &params,
                        Progress &progress);

} // namespace loupe
