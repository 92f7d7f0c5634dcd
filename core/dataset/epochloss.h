#pragma once

#include <cmath>

namespace loupe {

/**
 * Mean training and validation loss after one epoch: a row of history.csv, what the
 * demo model reports while it trains, and what the fit diagnosis reads.
 */
struct EpochLoss
{
    int epoch = 0; // 1-based
    double trainLoss = NAN;
    double validationLoss = NAN; // NaN when the epoch had no validation data
};

} // namespace loupe
