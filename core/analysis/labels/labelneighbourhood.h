#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

struct KnnGraph;

/**
 * The labels of each sample's nearest neighbours in embedding space, as a distribution over
 * classes: the second, partly independent witness of a wrong label besides the model.
 *
 * q_i[c] = (neighbours of i labelled c + smoothing * prior_c) / (labelled neighbours + smoothing)
 *
 * where prior is the share of labelled samples carrying each class. The smoothing pulls a
 * sample with few labelled neighbours toward the prior instead of 0 / 1, so one stray
 * neighbour cannot condemn a label. Unlabelled neighbours and padding (-1) are skipped; a
 * sample is never its own neighbour (the graph excludes it).
 */
class LabelNeighbourhood
{
public:
    /** How many of the graph's neighbours to use: min(neighbours, graph.k); see LabelIssueParams. */
    LabelNeighbourhood(int neighbours, double smoothing);

    /** rows x numClasses, row-major. labels: -1 (or out of range) = unlabelled. */
    std::vector<float> distribution(const KnnGraph &graph, const std::vector<int> &labels,
                                    int numClasses) const;
    /** One row of distribution() into out (numClasses floats), for incremental updates. */
    void distributionOf(const KnnGraph &graph, qint64 sample, const std::vector<int> &labels,
                        const std::vector<double> &prior, float *out) const;

    /** The share of labelled samples in each class (uniform when nothing is labelled). */
    static std::vector<double> labelPrior(const std::vector<int> &labels, int numClasses);

private:
    int m_neighbours;
    double m_smoothing;
};

} // namespace loupe
