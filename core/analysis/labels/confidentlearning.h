#pragma once

#include <QtGlobal>

#include <cstdint>
#include <vector>

namespace loupe {

class Progress;

/**
 * Which samples confident learning flags, given the calibrated confident joint
 * (Northcutt, Jiang, Chuang, "Confident Learning", JAIR 2021, section 3.2).
 */
enum class PruneMethod {
    /**
     * The default. For every off-diagonal cell (given i, true j) of the calibrated joint
     * holding n samples, flag the n samples labelled i with the largest margin p_j - p_i:
     * the ones the model most prefers to move from i to j.
     */
    ByNoiseRate,
    /** For every given class i, flag the (N_i - C[i][i]) samples labelled i with the lowest p_i. */
    ByClass,
    /** Only the samples both rules flag: fewer flags, higher precision. */
    Both,
};

/** Explicit parameters of confident learning; the defaults are the paper's (and cleanlab's). */
struct ConfidentLearningParams
{
    PruneMethod prune = PruneMethod::ByNoiseRate;
    /**
     * Rescale each row of the confident joint to the number of samples carrying that
     * label before pruning (the paper's Eq. 3). Without it the joint only counts the
     * "confident" samples and under-estimates how many labels are wrong.
     */
    bool calibrate = true;
    /** Never flag so many samples of a class that fewer than this many would keep its label. */
    qint64 minExamplesPerClass = 1;
    /**
     * A class counts as confident when p_j >= t_j - thresholdSlack. The slack absorbs float
     * rounding, so a sample whose p_j equals the class mean is counted as the paper says.
     */
    double thresholdSlack = 1e-6;
};

/**
 * What confident learning estimated: the per-class thresholds, the confident joint and
 * what follows from it (joint distribution of given and true labels, noise rates), and
 * the flagged samples. Matrices are numClasses x numClasses, row-major, rows indexed by
 * the GIVEN label and columns by the (estimated) TRUE label.
 */
struct ConfidentLearningResult
{
    int numClasses = 0;
    qint64 labelledSamples = 0;      // samples with a label in [0, numClasses)
    std::vector<qint64> labelCounts; // N_i: labelled samples whose given label is i
    /**
     * t_j: the mean of p_j over the samples labelled j (the model's average self-confidence
     * on class j). +infinity for a class no sample is labelled with: nothing can be
     * confidently counted into it.
     */
    std::vector<double> thresholds;
    /** C[i][j]: samples labelled i whose confident class is j (before calibration). */
    std::vector<qint64> confidentJoint;
    /** C calibrated so that row i sums to N_i (integers; rounding preserves the row totals). */
    std::vector<qint64> calibratedJoint;
    /** Q[i][j]: estimated P(given = i, true = j); sums to 1. */
    std::vector<double> joint;
    /** P(given = i | true = j): Q normalised over each column (the paper's noise matrix). */
    std::vector<double> noiseMatrix;
    /** P(true = j | given = i): Q normalised over each row. */
    std::vector<double> inverseNoiseMatrix;
    /** Per given class i: 1 - P(true = i | given = i), the estimated share of its labels that are wrong. */
    std::vector<double> noiseRates;
    /** Estimated number of wrong labels: the off-diagonal mass of the calibrated joint. */
    qint64 estimatedIssues = 0;

    // Per sample (size rows):
    /** 1 when pruning flags the sample. Never set for unlabelled samples or where argmax p = given. */
    std::vector<uint8_t> isIssue;
    /**
     * The sample's confident class (the most probable class whose p_j reaches t_j), or -1 when
     * none does or the sample is unlabelled.
     */
    std::vector<int> confidentLabel;

    qint64 flaggedCount() const;
    double at(const std::vector<double> &matrix, int given, int truth) const
    {
        return matrix[size_t(given) * size_t(numClasses) + size_t(truth)];
    }
    qint64 countAt(const std::vector<qint64> &matrix, int given, int truth) const
    {
        return matrix[size_t(given) * size_t(numClasses) + size_t(truth)];
    }
};

/**
 * Confident learning: finds the samples whose given label is probably wrong from
 * out-of-sample predicted probabilities (Northcutt, Jiang, Chuang, JAIR 2021).
 *
 * Why this and not "argmax != label": per-class thresholds make the count robust to a
 * model that is more or less confident on some classes, and calibrating the counts to
 * the label totals estimates how many labels of each class are wrong, so pruning flags
 * that many and no more: higher precision than argmax disagreement at some cost in recall.
 *
 * Inputs: probabilities is rows x numClasses, row-major, out-of-sample (k-fold) so the
 * model has not memorised the wrong labels; labels has rows entries, -1 (or any value
 * outside [0, numClasses)) for an unlabelled sample, which is ignored throughout.
 *
 * The steps are public so tests can pin each one on a hand-computed example.
 */
class ConfidentLearning
{
public:
    explicit ConfidentLearning(const ConfidentLearningParams &params = {});

    /** Runs every step; throws loupe::Error on mismatched sizes and Cancelled when cancelled. */
    ConfidentLearningResult run(const float *probabilities, qint64 rows, int numClasses,
                                const std::vector<int> &labels, Progress &progress) const;

    /** N_i for every class; unlabelled samples are not counted. */
    static std::vector<qint64> labelCounts(const std::vector<int> &labels, int numClasses);
    /** t_j = mean p_j over the samples labelled j; +infinity for an empty class. */
    static std::vector<double> perClassThresholds(const float *probabilities, qint64 rows, int numClasses,
                                                  const std::vector<int> &labels);
    /**
     * The confident class of one sample: among the classes with p_j >= t_j - slack, the one
     * with the largest p_j (lowest index on ties); -1 when there is none.
     */
    static int confidentClass(const float *row, int numClasses, const std::vector<double> &thresholds,
                              double slack);
    /**
     * C[i][j] over the labelled samples. A labelled class whose row would be all zero gets
     * C[i][i] = 1 (no confident evidence either way: assume its labels are right), so
     * calibration never divides by zero.
     */
    static std::vector<qint64> confidentJoint(const std::vector<int> &labels,
                                              const std::vector<int> &confidentLabels, int numClasses);
    /**
     * Rescales row i of C to sum to N_i (Eq. 3 of the paper), then rounds each row to integers
     * keeping its total: values are floored and the remainder goes to the largest fractions.
     */
    static std::vector<qint64> calibrate(const std::vector<qint64> &confidentJoint,
                                         const std::vector<qint64> &labelCounts, int numClasses);
    /** The label quality scores of cleanlab's rank module, in [0, 1], higher = label more likely right. */
    static double selfConfidence(const float *row, int numClasses, int label);
    /** (p_label - max over k != label of p_k + 1) / 2. */
    static double normalizedMargin(const float *row, int numClasses, int label);

private:
    std::vector<uint8_t> pruneByNoiseRate(const float *probabilities, qint64 rows, int numClasses,
                                          const std::vector<int> &labels,
                                          const std::vector<qint64> &pruneCounts) const;
    std::vector<uint8_t> pruneByClass(const float *probabilities, qint64 rows, int numClasses,
                                      const std::vector<int> &labels,
                                      const std::vector<qint64> &pruneCounts) const;
    std::vector<qint64> keepMinimumPerClass(std::vector<qint64> counts, int numClasses) const;

    ConfidentLearningParams m_params;
};

} // namespace loupe
