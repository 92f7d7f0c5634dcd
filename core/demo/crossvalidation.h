#pragma once

#include "demo/mlpclassifier.h"

#include <cstdint>
#include <vector>

namespace loupe {

class Progress;

/** Out-of-fold outputs of k-fold cross-validation. */
struct CrossValidatedPredictions
{
    MlpClassifier::Matrix probabilities; // N x C; row i from the model that never saw sample i
    MlpClassifier::Matrix embeddings;    // N x hiddenUnits, from one model trained on all samples (one space)
    std::vector<EpochLoss> history;      // per epoch, averaged over the folds
};

/**
 * The fold (in [0, folds)) of each sample: each label's samples are shuffled with a
 * generator seeded by seed and dealt round-robin, continuing from where the previous
 * label stopped, so every fold gets each class's share (within one sample) and fold
 * sizes differ by at most one. Labels must be non-negative.
 */
std::vector<int> stratifiedFolds(const std::vector<int> &labels, int folds, uint64_t seed);

/**
 * Trains one MlpClassifier per fold (folds assigned by a seeded shuffle, stratified
 * by label) and predicts each sample with the model that held it out, so every
 * probability is out-of-sample. Fold f's model is seeded with params.seed + 1 + f.
 *
 * Folds train concurrently, one per OpenMP thread, so the results do not depend on the
 * thread count. Progress covers all folds as one fraction (the caller sets the step
 * text); its observer is called from those worker threads, one call at a time.
 * Throws Cancelled when progress is cancelled, Error for inconsistent input.
 */
CrossValidatedPredictions crossValidate(const MlpClassifier::Matrix &features, const std::vector<int> &labels,
                                        int numClasses, int folds, const MlpParams &params,
                                        Progress &progress);

} // namespace loupe
