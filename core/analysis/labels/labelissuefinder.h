#pragma once

#include "analysis/labels/confidentlearning.h"

#include <QtGlobal>

#include <cmath>
#include <cstdint>
#include <vector>

namespace loupe {

class Progress;
struct KnnGraph;

/**
 * Parameters of the label-issue step. The neighbourhood defaults were chosen on data the
 * README does not report on: two Fashion-MNIST demos built with other seeds than the
 * standard one (`loupe-cli demo DIR --seed 1 --model-seed 1`, and 2 / 2), by average
 * precision on their planted flips (`loupe-label-issue-quality DIR/dataset --grid`). Over
 * neighbours 5-50 and weights 0-0.8, 0.5 with 15 neighbours had the highest mean AP among
 * k <= 15 (0.707, against 0.706 at 0.4 and 0.652 for the model alone), and was within
 * 0.0003 of the best such cell on each demo. More neighbours rank slightly better still (k = 50, weight 0.6:
 * +0.007-0.009 AP), but the pipeline stores one 15-neighbour graph that also feeds the map,
 * outliers and duplicates, and that gain does not pay for a graph three times as large.
 * Smoothing from 0.5 to 2 moved AP by under 0.001 (0.5 was 0.0002 higher), so it stays 1.
 */
struct LabelIssueParams
{
    ConfidentLearningParams confidentLearning;
    /**
     * Weight w of the neighbours' label distribution q in the evidence e = (1 - w) p + w q.
     * 0 = the model alone. Used only when a kNN graph is given.
     */
    double neighbourWeight = 0.5;
    /** How many nearest neighbours vote (at most the graph's k). */
    int neighbours = 15;
    /** Pseudo-count pulling the neighbour distribution toward the label prior (see LabelNeighbourhood). */
    double neighbourSmoothing = 1.0;
};

/**
 * Per-sample label-issue results plus what confident learning estimated, for the report.
 * Unlabelled samples: issueScore NaN, isIssue 0, suggestedLabel = the evidence's argmax
 * (a labelling hint).
 */
struct LabelIssues
{
    /** In [0, 1], higher = label more likely wrong: 1 - normalized margin of the evidence. */
    std::vector<float> issueScore;
    /** Flagged by confident learning (pruning by the chosen method on the evidence). */
    std::vector<uint8_t> isIssue;
    /**
     * The class the evidence points to: its argmax; for a flagged sample whose argmax is still
     * the given label, the most probable other class. Equals the given label when the evidence
     * supports it.
     */
    std::vector<int> suggestedLabel;
    /** 1 - normalized margin of the model's probabilities alone (the model's view). */
    std::vector<float> modelScore;
    /** Smoothed share of the neighbours carrying the given label; NaN without a graph or label. */
    std::vector<float> neighbourAgreement;
    /** Whether the neighbourhood took part (a graph was given and neighbourWeight > 0). */
    bool usedNeighbours = false;
    /** The lowest issueScore among flagged samples (1 when none): the cut used after a relabel. */
    float flagThreshold = 1.0f;
    /** Thresholds, confident joint, noise rates (computed on the evidence). */
    ConfidentLearningResult confidentLearning;
};

/**
 * Finds wrong labels: confident learning on the model's out-of-sample probabilities, ranked
 * by normalized margin, with the labels of each sample's nearest neighbours in embedding
 * space blended into the evidence when a kNN graph is given.
 *
 * Why blend: the model and the neighbourhood err in different places. A flipped label
 * usually disagrees with both; a hard-but-correct sample the model doubts is often
 * surrounded by samples carrying the same label. On the standard demo the blend ranks the
 * planted flips better than either alone (see the README's table).
 *
 * Inputs: probabilities rows x numClasses row-major (out-of-sample), labels (-1 = unlabelled),
 * graph (may be null) from allNearestNeighbors() over the same rows.
 */
class LabelIssueFinder
{
public:
    explicit LabelIssueFinder(const LabelIssueParams &params = {});

    /** Throws loupe::Error on mismatched sizes, Cancelled when cancelled. */
    LabelIssues run(const float *probabilities, qint64 rows, int numClasses, const std::vector<int> &labels,
                    const KnnGraph *graph, Progress &progress) const;

    /**
     * After labels changed (labels holds the new ones), updates the changed samples and every
     * sample that has one of them among its voting neighbours, without a full run: O(rows * k).
     * The confident-learning estimates stay those of the last run; a changed sample is flagged
     * when its new score reaches issues.flagThreshold and the evidence's argmax differs from
     * its new label (the last run's cut, applied to the new score). Returns the samples updated.
     */
    std::vector<qint64> update(const float *probabilities, qint64 rows, int numClasses,
                               const std::vector<int> &labels, const KnnGraph *graph,
                               const std::vector<qint64> &changed, LabelIssues &issues) const;

    /** e = (1 - w) p + w q for one sample (q may be null: e = p). */
    static void blend(const float *p, const float *q, int numClasses, double weight, float *out);

    /**
     * The samples whose results a change of the changed samples' labels can move: those
     * samples, and every sample that has one of them among its voting neighbours (when
     * neighbours is set), ascending. O(rows * k).
     */
    std::vector<qint64> affectedBy(const KnnGraph *graph, qint64 rows, const std::vector<qint64> &changed,
                                   bool neighbours) const;

    /** One sample's result, as update() computes it. */
    struct SampleIssue
    {
        float score = NAN; // NaN when unlabelled
        bool flagged = false;
        int suggested = -1;
    };
    /**
     * Rescores sample from its probability row p and, when neighbours is set, its neighbours'
     * labels (labels: every sample's current label; prior: LabelNeighbourhood::labelPrior).
     * A changed sample is flagged when the evidence's argmax differs from its label and the
     * score reaches flagThreshold (the last run's cut); an unchanged one keeps its flag
     * (wasFlagged) unless the evidence now agrees with its label.
     */
    SampleIssue rescore(const float *p, const KnnGraph *graph, bool neighbours, qint64 sample,
                        const std::vector<int> &labels, const std::vector<double> &prior, int numClasses,
                        bool changed, bool wasFlagged, float flagThreshold) const;

    bool usesNeighbours(const KnnGraph *graph, qint64 rows) const;

private:
    void scoreSample(const float *evidence, const float *model, const float *neighbourhood, int numClasses,
                     int label, bool flagged, qint64 sample, LabelIssues &issues) const;

    LabelIssueParams m_params;
};

} // namespace loupe
