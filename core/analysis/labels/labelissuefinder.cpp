#include "analysis/labels/labelissuefinder.h"

#include <algorithm>
#include <cmath>

#include "analysis/labels/labelneighbourhood.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

bool isLabelled(int label, int numClasses)
{
    return label >= 0 && label < numClasses;
}

int argmax(const float *row, int numClasses, int skip = -1)
{
    int best = -1;
    for (int c = 0; c < numClasses; ++c) {
        if (c != skip && (best < 0 || row[c] > row[best]))
            best = c;
    }
    return best;
}

void checkInputs(qint64 rows, int numClasses, const std::vector<int> &labels, const KnnGraph *graph)
{
    if (numClasses < 2)
        throw Error(QStringLiteral("label issues need at least 2 classes, got %1").arg(numClasses));
    if (qint64(labels.size()) != rows)
        throw Error(QStringLiteral("label issues: %1 labels for %2 rows of probabilities")
                        .arg(labels.size())
                        .arg(rows));
    if (graph && graph->n != rows)
        throw Error(QStringLiteral("label issues: the neighbour graph has %1 rows, the probabilities %2")
                        .arg(graph->n)
                        .arg(rows));
}

} // namespace

LabelIssueFinder::LabelIssueFinder(const LabelIssueParams &params) : m_params(params) {}

void LabelIssueFinder::blend(const float *p, const float *q, int numClasses, double weight, float *out)
{
    for (int c = 0; c < numClasses; ++c)
        out[c] = q ? float((1.0 - weight) * double(p[c]) + weight * double(q[c])) : p[c];
}

bool LabelIssueFinder::usesNeighbours(const KnnGraph *graph, qint64 rows) const
{
    return graph && graph->k > 0 && graph->n == rows && m_params.neighbourWeight > 0.0 &&
           m_params.neighbours > 0;
}

void LabelIssueFinder::scoreSample(const float *evidence, const float *model, const float *neighbourhood,
                                   int numClasses, int label, bool flagged, qint64 sample,
                                   LabelIssues &issues) const
{
    const auto i = size_t(sample);
    const int best = argmax(evidence, numClasses);
    if (!isLabelled(label, numClasses)) {
        issues.issueScore[i] = NAN;
        issues.modelScore[i] = NAN;
        issues.neighbourAgreement[i] = NAN;
        issues.isIssue[i] = 0;
        issues.suggestedLabel[i] = best;
        return;
    }
    issues.issueScore[i] = float(1.0 - ConfidentLearning::normalizedMargin(evidence, numClasses, label));
    issues.modelScore[i] = float(1.0 - ConfidentLearning::normalizedMargin(model, numClasses, label));
    issues.neighbourAgreement[i] = neighbourhood ? neighbourhood[label] : NAN;
    issues.isIssue[i] = flagged ? 1 : 0;
    issues.suggestedLabel[i] = flagged && best == label ? argmax(evidence, numClasses, label) : best;
}

LabelIssues LabelIssueFinder::run(const float *probabilities, qint64 rows, int numClasses,
                                  const std::vector<int> &labels, const KnnGraph *graph,
                                  Progress &progress) const
{
    checkInputs(rows, numClasses, labels, graph);
    progress.throwIfCancelled();
    LabelIssues issues;
    issues.usedNeighbours = usesNeighbours(graph, rows);

    // The evidence: the model's probabilities, or their blend with the neighbourhood.
    std::vector<float> neighbourhood, blended;
    const float *evidence = probabilities;
    const auto c = size_t(numClasses);
    if (issues.usedNeighbours) {
        neighbourhood = LabelNeighbourhood(m_params.neighbours, m_params.neighbourSmoothing)
                            .distribution(*graph, labels, numClasses);
        blended.resize(size_t(rows) * c);
        for (qint64 r = 0; r < rows; ++r)
            blend(probabilities + size_t(r) * c, neighbourhood.data() + size_t(r) * c, numClasses,
                  m_params.neighbourWeight, blended.data() + size_t(r) * c);
        evidence = blended.data();
    }
    progress.throwIfCancelled();

    issues.confidentLearning =
        ConfidentLearning(m_params.confidentLearning).run(evidence, rows, numClasses, labels, progress);

    issues.issueScore.resize(size_t(rows));
    issues.modelScore.resize(size_t(rows));
    issues.neighbourAgreement.resize(size_t(rows));
    issues.isIssue.resize(size_t(rows));
    issues.suggestedLabel.resize(size_t(rows));
    for (qint64 r = 0; r < rows; ++r) {
        scoreSample(evidence + size_t(r) * c, probabilities + size_t(r) * c,
                    issues.usedNeighbours ? neighbourhood.data() + size_t(r) * c : nullptr, numClasses,
                    labels[size_t(r)], issues.confidentLearning.isIssue[size_t(r)] != 0, r, issues);
        if (issues.isIssue[size_t(r)])
            issues.flagThreshold = std::min(issues.flagThreshold, issues.issueScore[size_t(r)]);
    }
    return issues;
}

std::vector<qint64> LabelIssueFinder::affectedBy(const KnnGraph *graph, qint64 rows,
                                                 const std::vector<qint64> &changed, bool neighbours) const
{
    std::vector<uint8_t> isChanged(size_t(rows), 0);
    for (qint64 sample : changed) {
        if (sample >= 0 && sample < rows)
            isChanged[size_t(sample)] = 1;
    }
    std::vector<qint64> affected;
    const int voters = neighbours && graph ? std::min(m_params.neighbours, graph->k) : 0;
    for (qint64 r = 0; r < rows; ++r) {
        bool hit = isChanged[size_t(r)] != 0;
        for (int j = 0; !hit && j < voters; ++j) {
            const qint32 neighbour = graph->neighbors(r)[j];
            hit = neighbour >= 0 && isChanged[size_t(neighbour)];
        }
        if (hit)
            affected.push_back(r);
    }
    return affected;
}

LabelIssueFinder::SampleIssue
LabelIssueFinder::rescore(const float *p, const KnnGraph *graph, bool neighbours, qint64 sample,
                          const std::vector<int> &labels, const std::vector<double> &prior, int numClasses,
                          bool changed, bool wasFlagged, float flagThreshold) const
{
    const auto c = size_t(numClasses);
    std::vector<float> q(c), evidence(c);
    if (neighbours)
        LabelNeighbourhood(m_params.neighbours, m_params.neighbourSmoothing)
            .distributionOf(*graph, sample, labels, prior, q.data());
    blend(p, neighbours ? q.data() : nullptr, numClasses, m_params.neighbourWeight, evidence.data());
    const int label = labels[size_t(sample)];
    SampleIssue issue;
    const int best = argmax(evidence.data(), numClasses);
    issue.suggested = best;
    if (!isLabelled(label, numClasses))
        return issue;
    issue.score = float(1.0 - ConfidentLearning::normalizedMargin(evidence.data(), numClasses, label));
    const bool disagrees = best != label;
    issue.flagged = disagrees && (changed ? issue.score >= flagThreshold : wasFlagged);
    return issue;
}

std::vector<qint64> LabelIssueFinder::update(const float *probabilities, qint64 rows, int numClasses,
                                             const std::vector<int> &labels, const KnnGraph *graph,
                                             const std::vector<qint64> &changed, LabelIssues &issues) const
{
    checkInputs(rows, numClasses, labels, graph);
    if (qint64(issues.issueScore.size()) != rows)
        throw Error(QStringLiteral("label issues: the stored results have %1 rows, not %2")
                        .arg(issues.issueScore.size())
                        .arg(rows));
    const bool neighbours = issues.usedNeighbours && usesNeighbours(graph, rows);
    const std::vector<qint64> affected = affectedBy(graph, rows, changed, neighbours);
    std::vector<uint8_t> isChanged(size_t(rows), 0);
    for (qint64 sample : changed) {
        if (sample >= 0 && sample < rows)
            isChanged[size_t(sample)] = 1;
    }
    const std::vector<double> prior = LabelNeighbourhood::labelPrior(labels, numClasses);
    const LabelNeighbourhood neighbourhood(m_params.neighbours, m_params.neighbourSmoothing);
    const auto c = size_t(numClasses);
    std::vector<float> q(c), evidence(c);
    for (qint64 r : affected) {
        const float *p = probabilities + size_t(r) * c;
        const SampleIssue issue =
            rescore(p, graph, neighbours, r, labels, prior, numClasses, isChanged[size_t(r)] != 0,
                    issues.isIssue[size_t(r)] != 0, issues.flagThreshold);
        if (neighbours)
            neighbourhood.distributionOf(*graph, r, labels, prior, q.data());
        blend(p, neighbours ? q.data() : nullptr, numClasses, m_params.neighbourWeight, evidence.data());
        scoreSample(evidence.data(), p, neighbours ? q.data() : nullptr, numClasses, labels[size_t(r)],
                    issue.flagged, r, issues);
    }
    return affected;
}

} // namespace loupe
