#pragma once

#include <cstdint>

namespace loupe {

/** Hyper-parameters of the demo's small multilayer perceptron. */
struct MlpParams
{
    int hiddenUnits = 128;     // also the embedding dimension
    int epochs = 8;
    int batchSize = 128;
    float learningRate = 1e-3f; // Adam
    float weightDecay = 1e-4f;  // L2 on weights
    uint64_t seed = 42;
};

/** Mean losses of one training epoch. */
struct EpochLoss
{
    int epoch = 0; // 1-based
    double trainLoss = 0.0;
    double validationLoss = 0.0;
};

} // namespace loupe
