#pragma once

#include "dataset/samplemetadatacolumn.h"

#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;

/** Parameters of ResidualPatterns; the defaults are what `analyze` uses. */
struct ResidualPatternParams
{
    /** Groups of the residuals (k-means); 0 picks ResidualPatterns::automaticK(rows). */
    int k = 0;
    /**
     * A group with more than this share of one class is that class's own structure, which
     * the per-class failure clusters already show, and is not reported as a pattern.
     */
    double maxClassShare = 0.8;
    /**
     * Weight of the image conditions against the embedding residual: each block is scaled
     * to unit mean squared norm, then the conditions by this weight. Chosen on a demo built
     * with another seed (`loupe-pattern-quality --grid`), see the README.
     */
    double conditionWeight = 0.5;
    /** Seeds the k-means and the sample of rows held (below). */
    quint64 seed = 1;
    /**
     * Rows whose features (residual and conditions) are held at once (0: all). Beyond, the
     * groups are fitted on a seeded sample of this many rows and every other row joins its
     * nearest group, a block at a time: at ten million samples the features of every row took
     * 5.5 GB beside the embeddings and made the analysis's peak. The k-means fits on 100,000
     * rows anyway (KMeansParams::fitSampleSize), so a million rows leave the groups as they were.
     */
    qint64 featureRows = 1000000;
};

/**
 * A per-sample measurement of how an image was taken (an image statistic such as sharpness or
 * noise), NaN when unknown; logScale for a positive, skewed one.
 */
struct ConditionColumn
{
    std::vector<double> values;
    bool logScale = false;
};

/** Each sample's pattern (-1: none) and how many patterns were kept. */
struct ResidualPatternResult
{
    std::vector<int> assignment;
    int groups = 0;   ///< k-means groups of the residuals
    int patterns = 0; ///< groups spread over classes enough to be kept
};

/**
 * Failure patterns that cut across classes: what is left of each embedding once its class
 * is accounted for, grouped.
 *
 * A condition that affects images of every class (haze, blur, a sensor fault, a bad batch)
 * moves their embeddings in a shared direction, but on top of very different class
 * positions, so clustering the embeddings themselves splits it into one cluster per class,
 * each at a different rank. Removing what the class explains first leaves the shared shift:
 *
 *   mu_c = mean of x_i over the samples of class c
 *   r_i  = x_i - mu_{c(i)}                      (the residual)
 *
 * where c(i) is the given label, or the prediction for an unlabeled sample. A sample's own
 * prediction would be the wrong reference: a degraded image the model gets wrong sits toward
 * the wrong class, and its offset from that class would scatter the pattern by class pair.
 * A mislabeled sample leaves a residual mu_true - mu_given, which gathers such samples by
 * (given, true) pair: groups of one given class, dropped below (label errors are the
 * label-issue step's business). The residuals are clustered with k-means, and groups
 * dominated by one class are dropped (they are that class's own sub-structure).
 *
 * The embedding of a model trained for the classes may keep little of a condition it learned
 * to ignore, so the image statistics (ConditionColumn), which describe conditions and not
 * content, join the residual: each is standardised within its class (median and MAD, so the
 * same sharpness is typical of one class and low for another) and the two blocks are scaled
 * to unit mean squared norm, the conditions times conditionWeight. The survivors are ranked like any failure
 * cluster, by ClusterReport's class-adjusted severity. Slice-discovery methods (Domino, Eyuboglu et al. 2022;
 * Spotlight, d'Eon et al. 2022) search the embedding space for coherent groups with a high error rate; taking
 * out the class first is what makes the groups cross classes instead of following them.
 */
class ResidualPatterns
{
public:
    explicit ResidualPatterns(ResidualPatternParams params = {});

    /**
     * embeddings: rows x dims (row-major); classOf: each row's class in [0, classes) (its
     * label, or its prediction when unlabeled; -1 none: measured from the overall mean).
     */
    ResidualPatternResult run(const float *embeddings, qint64 rows, int dims, const std::vector<int> &classOf,
                              int classes, const std::vector<ConditionColumn> &conditions,
                              Progress &progress) const;

    /** rows x dims residuals x_i - mu_{c(i)} (see the class comment). */
    static std::vector<float> residuals(const float *embeddings, qint64 rows, int dims,
                                        const std::vector<int> &classOf, int classes);

    /** The image statistics the images step stored (imageStatisticColumns() marked as conditions) among
     * metadata; none when it did not run. */
    static std::vector<ConditionColumn> imageConditions(const std::vector<SampleMetadataColumn> &metadata);

    /** Each condition standardised within its class: (v - median_c) / (1.4826 MAD_c), clipped to +-10; 0 when
     * unknown. */
    static std::vector<float> standardisedConditions(const std::vector<ConditionColumn> &conditions,
                                                     const std::vector<int> &classOf, int classes);

    /**
     * The default number of groups: round(sqrt(rows / 1024)) clamped to [8, 64] (8 at 70,000,
     * 31 at a million): far coarser than the per-class clusters (sqrt(rows / 2)), because a
     * pattern spans classes and so holds many times the samples of a pocket inside one class,
     * and a finer cut splits one condition into several groups. Chosen with the weight on two
     * tuning demos (README: the smallest k kept the planted condition whole on both).
     */
    static int automaticK(qint64 rows);

private:
    /** (classes + 1) x dims: each class's mean embedding, then the overall mean. */
    static std::vector<float> classMeans(const float *embeddings, qint64 rows, int dims,
                                         const std::vector<int> &classOf, int classes);

    ResidualPatternParams m_params;
};

} // namespace loupe
