#pragma once

#include "dataset/epochloss.h"

#include <vector>

namespace loupe {

class Project;

/**
 * The per-epoch training and validation loss of runId (`training_history`, imported
 * from history.csv), oldest epoch first; empty when the run has none. Throws loupe::Error.
 */
std::vector<EpochLoss> readTrainingHistory(Project &project, int runId);

} // namespace loupe
