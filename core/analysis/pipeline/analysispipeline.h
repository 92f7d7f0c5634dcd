#pragma once

#include "analysis/pipeline/analysisoptions.h"

#include <QJsonObject>
#include <QStringList>

namespace loupe {

class Progress;
class Project;

/** How long each step took, and the summaries they stored. */
struct AnalysisSummary
{
    int runId = -1;
    QStringList stepsRun;
    QJsonObject seconds;   // step -> seconds
    QJsonObject summaries; // step -> the summary stored in analysis_steps
};

/**
 * Runs the registered analysis steps (analysisregistry.h) over one prediction run and
 * stores every result in the project (docs/project-format.md). Each step writes in its
 * own transaction, so a cancelled run keeps the steps it finished; the run data the steps
 * need is loaded once, and what a step provides (the kNN graph, the map) passes on to the
 * steps after it.
 */
class AnalysisPipeline
{
public:
    explicit AnalysisPipeline(Project &project);

    /** Throws loupe::Error (an unknown step, a read-only project, no predictions) or Cancelled. */
    AnalysisSummary run(const AnalysisOptions &options, Progress &progress);

private:
    Project &m_project;
};

} // namespace loupe
