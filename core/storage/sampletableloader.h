#pragma once

#include "dataset/sampletable.h"

#include <vector>

namespace loupe {

class Project;

/** Loads the project's samples and the scores of runId (the latest run when -1); throws loupe::Error. */
SampleTable loadSampleTable(Project &project, int runId = -1);

/** One run's per-sample scores from `predictions`, by sample: -1 and NaN where a sample has none. */
struct RunScores
{
    std::vector<int> predicted;
    std::vector<float> confidence;
    std::vector<float> loss;
    std::vector<float> margin;
};

/**
 * The two halves of loadSampleTable(), for a caller with two connections: opening a project
 * reads the samples on one thread and the run's scores on another. loadSampleRows() leaves the
 * table without scores (predicted -1, scores NaN) until applyRunScores() moves them in.
 */
SampleTable loadSampleRows(Project &project, int runId = -1);
RunScores loadRunScores(Project &project, int runId, qint64 samples);
void applyRunScores(SampleTable &table, RunScores scores);

} // namespace loupe
