#pragma once

#include "dataset/sampletable.h"

namespace loupe {

class Project;

/** Loads the project's samples and the scores of runId (the latest run when -1); throws loupe::Error. */
SampleTable loadSampleTable(Project &project, int runId = -1);

} // namespace loupe
