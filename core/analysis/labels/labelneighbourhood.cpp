#include "analysis/labels/labelneighbourhood.h"

#include <algorithm>

#include "analysis/neighbours/nearestneighbors.h"

namespace loupe {

LabelNeighbourhood::LabelNeighbourhood(int neighbours, double smoothing)
    : m_neighbours(std::max(1, neighbours)), m_smoothing(std::max(0.0, smoothing))
{
}

std::vector<double> LabelNeighbourhood::labelPrior(const std::vector<int> &labels, int numClasses)
{
    std::vector<double> prior(static_cast<size_t>(std::max(0, numClasses)), 0.0);
    qint64 labelled = 0;
    for (int label : labels) {
        if (label >= 0 && label < numClasses) {
            prior[size_t(label)] += 1.0;
            ++labelled;
        }
    }
    for (double &p : prior)
        p = labelled > 0 ? p / double(labelled) : 1.0 / double(numClasses);
    return prior;
}

void LabelNeighbourhood::distributionOf(const KnnGraph &graph, qint64 sample, const std::vector<int> &labels,
                                        const std::vector<double> &prior, float *out) const
{
    const auto numClasses = int(prior.size());
    std::vector<double> counts(prior.size(), 0.0);
    double labelled = 0.0;
    const qint32 *neighbours = graph.neighbors(sample);
    for (int j = 0; j < std::min(m_neighbours, graph.k); ++j) {
        const qint32 neighbour = neighbours[j];
        if (neighbour < 0 || neighbour == sample || size_t(neighbour) >= labels.size())
            continue;
        const int label = labels[size_t(neighbour)];
        if (label < 0 || label >= numClasses)
            continue;
        counts[size_t(label)] += 1.0;
        labelled += 1.0;
    }
    const double total = labelled + m_smoothing;
    for (int c = 0; c < numClasses; ++c)
        out[c] = total > 0 ? float((counts[size_t(c)] + m_smoothing * prior[size_t(c)]) / total)
                           : float(prior[size_t(c)]);
}

std::vector<float> LabelNeighbourhood::distribution(const KnnGraph &graph, const std::vector<int> &labels,
                                                    int numClasses) const
{
    const std::vector<double> prior = labelPrior(labels, numClasses);
    std::vector<float> q(size_t(graph.n) * size_t(numClasses));
#pragma omp parallel for schedule(static, 4096)
    for (qint64 i = 0; i < graph.n; ++i)
        distributionOf(graph, i, labels, prior, q.data() + size_t(i) * size_t(numClasses));
    return q;
}

} // namespace loupe
