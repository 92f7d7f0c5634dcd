#pragma once

#include "demo/mlpparams.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace loupe {

class Progress;

/**
 * A one-hidden-layer ReLU network with a softmax output, trained with Adam on
 * mini-batches. Small enough to train on Fashion-MNIST on two cores in seconds per
 * epoch; the hidden activations serve as the demo's embeddings.
 *
 * Features are rows of a row-major float matrix (N x D), already scaled to ~[0, 1].
 */
class MlpClassifier
{
public:
    using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    explicit MlpClassifier(MlpParams params = {});

    /**
     * Trains on (features, labels); when validation rows are given, reports their mean
     * loss per epoch in the returned history. Labels are in [0, numClasses).
     * Polls progress for cancellation (throws loupe::Cancelled) once per mini-batch and
     * reports the fraction of its batches done. Deterministic for a given seed and
     * thread count (Eigen's threaded GEMM blocks its sums by thread count).
     */
    std::vector<EpochLoss> fit(const Matrix &features, const std::vector<int> &labels, int numClasses,
                               const Matrix *validationFeatures, const std::vector<int> *validationLabels,
                               Progress &progress);

    /** Class probabilities, N x numClasses; each row sums to 1. */
    Matrix predictProbabilities(const Matrix &features) const;
    /** Hidden-layer activations, N x hiddenUnits. */
    Matrix embed(const Matrix &features) const;

private:
    /** log softmax of the logits, N x numClasses, computed in row chunks. */
    Matrix logProbabilities(const Matrix &features) const;
    /** Throws Error unless fit() has run and features has the trained width. */
    void checkTrained(const Matrix &features) const;

    MlpParams m_params;
    Matrix m_w1; // D x H
    Eigen::RowVectorXf m_b1;
    Matrix m_w2; // H x C
    Eigen::RowVectorXf m_b2;
};

} // namespace loupe
