#pragma once

#include "dataset/epochloss.h"

#include <cstdint>

namespace loupe {

/** Hyper-parameters of the demo's small multilayer perceptron. */
struct MlpParams
{
    int hiddenUnits = 128; // also the embedding dimension
    int epochs = 8;
    int batchSize = 128;
    float learningRate = 1e-3f; // Adam
    float weightDecay = 1e-4f;  // L2 on weights
    uint64_t seed = 42;
};

} // namespace loupe
