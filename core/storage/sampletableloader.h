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
 * The halves of loadSampleTable(), for a caller that reads other things beside them (opening
 * a project reads the analysis on a second connection meanwhile). loadSampleRows() leaves the
 * table without scores (predicted -1, scores NaN) until applyRunScores() moves them in.
 *
 * loadRunScores() works the scores out of the run's probabilities for the samples' current
 * labels, as the predictions table holds them (computeSampleScores(), which every writer of
 * that table uses): streaming 40 MB of array chunks is several times faster than stepping a
 * million rows. A run without probabilities of one row per label is read from its rows.
 */
SampleTable loadSampleRows(Project &project, int runId = -1);
RunScores loadRunScores(Project &project, int runId, const std::vector<int> &labels);
void applyRunScores(SampleTable &table, RunScores scores);

} // namespace loupe
