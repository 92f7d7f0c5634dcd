#pragma once

#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/quality/duplicateimagescan.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;

/** Parameters of DuplicateFinder; every default is documented with its reason. */
struct DuplicateParams
{
    /**
     * Embedding distance at or below which two samples are near-duplicates. 0 (the
     * default) derives it from the data: nearDuplicateFraction x the median distance of
     * a sample to its nearest neighbour. Relative to the median because embedding scales
     * differ by orders of magnitude between models, and unlike a quantile it does not
     * flag a fixed share of a dataset that has no duplicates at all.
     */
    float nearDuplicateDistance = 0.0f;
    /**
     * 0.25: a pair four times closer than typical nearest neighbours. On the Fashion-MNIST
     * demo (median 1-NN distance 2.70) this flags pairs below 0.68, about the closest
     * 0.05 % of samples; those are visually the same garment.
     */
    double nearDuplicateFraction = 0.25;
    /**
     * Outlier score = Euclidean distance to the k-th nearest neighbour (k = outlierNeighbor;
     * 10 smooths over small groups of odd samples, which a 1-NN distance would miss).
     */
    int outlierNeighbor = 10;
    /** Share of samples with the highest outlier scores that are flagged (1 %). */
    double outlierShare = 0.01;
    /**
     * An image's size (or channel count) is flagged as unusual only when at least this
     * share of the decoded images share one size (channel count): a fixed-size dataset
     * then gets its odd ones flagged, a dataset of mixed sizes gets none.
     */
    double majorityShare = 0.9;
    /**
     * How the kNN graph is built when the input brings none. The KnnParams defaults, not
     * a cheaper graph: on the demo an M 12 / efConstruction 64 graph found 99 % of the
     * 10-NN but only 89 % of the exact top-1 % outliers (isolated points are where a
     * poor graph fails), against 99.9 % for the defaults. Cheapest of all: pass the
     * graph already computed for the map or the label checks as DuplicateInput::graph.
     */
    KnnParams knn;
};

/** Why an image is malformed. */
enum class ImageProblem : quint8 {
    Missing,         // cannot be opened
    Empty,           // zero bytes
    Undecodable,     // not a readable image
    Constant,        // every pixel equal
    UnusualSize,     // width x height differs from the dataset's majority
    UnusualChannels, // channel count differs from the dataset's majority
};

/** A user-facing name for a problem, e.g. "cannot decode". */
QString imageProblemName(ImageProblem problem);

struct MalformedImage
{
    qint64 sample = -1;
    ImageProblem problem = ImageProblem::Undecodable;
    QString detail; // e.g. "32x32, most images are 28x28"
};

struct DuplicatePair
{
    enum class Kind : quint8 {
        ExactImage,    // the decoded pixels are identical
        NearEmbedding, // embeddings closer than the near-duplicate distance
    };

    qint64 first = -1; // first < second for near pairs; the group's first member for exact ones
    qint64 second = -1;
    Kind kind = Kind::NearEmbedding;
    float distance = 0.0f;      // Euclidean embedding distance; 0 for exact pairs
    bool crossesSplits = false; // both have a split and they differ: train/test leakage
};

struct DuplicateInput
{
    qint64 samples = 0;
    /** Absolute image path per sample (empty entry: no image); an empty list skips the image checks. */
    QStringList imagePaths;
    /** What an earlier decode of imagePaths found (the images step's scan), one per sample; null: scan here.
     */
    const std::vector<ImageFacts> *imageFacts = nullptr;
    /** samples x dimensions, row-major; null skips near-duplicates and outliers. */
    const float *embeddings = nullptr;
    int dimensions = 0;
    /** Split index per sample (-1: none); empty when the dataset has no splits. */
    std::vector<int> split;
    /** A kNN graph of the embeddings computed earlier (e.g. for UMAP), reused when its k suffices. */
    const KnnGraph *graph = nullptr;
};

struct DuplicateReport
{
    /**
     * Exact image duplicates first, by sample (a group of m identical images gives
     * m - 1 pairs, each member paired with the group's lowest index), then
     * near-duplicates by increasing distance. A near pair whose images are also identical is reported once,
     * as exact.
     */
    std::vector<DuplicatePair> pairs;
    /** The near-duplicate distance used (given or derived); 0 without embeddings. */
    float nearDuplicateDistance = 0.0f;

    /** Per sample: distance to the outlierNeighbor-th neighbour; empty without embeddings. */
    std::vector<float> outlierScores;
    /** Samples at or above outlierThreshold, highest score first. */
    std::vector<qint64> outliers;
    float outlierThreshold = 0.0f;

    /** Sorted by sample; a sample can appear with several problems (e.g. unusual size and constant). */
    std::vector<MalformedImage> malformed;

    qint64 countPairs(DuplicatePair::Kind kind) const;
    qint64 countLeaks() const;
};

/**
 * Duplicates and leaks: exact image duplicates by decoded-pixel hash, near-duplicates
 * by embedding distance, the pairs of either kind that cross splits (train/test
 * leakage), outliers by kNN distance, and malformed images.
 *
 * Cost: images are decoded once on all threads (the 70k Fashion-MNIST demo: about a
 * second); the embedding checks are one kNN graph (exact or HNSW per params.knn, or
 * the graph the caller brings) plus linear passes.
 */
class DuplicateFinder
{
public:
    explicit DuplicateFinder(const DuplicateParams &params = {});

    /** Throws loupe::Error on inconsistent input sizes and Cancelled when cancelled. */
    DuplicateReport run(const DuplicateInput &input, Progress &progress) const;

private:
    DuplicateParams m_params;
};

} // namespace loupe
