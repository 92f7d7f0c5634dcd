#pragma once

#include "analysis/pipeline/analysispipeline.h"
#include "import/loupefolderimporter.h"
#include "import/runimporter.h"

#include <QString>

#include <functional>

namespace loupe {

class Progress;
class Project;

/**
 * What the analysis after an import did. The import itself is committed by then: a failed
 * or cancelled analysis leaves the imported data in the project, with the analysis of
 * before (none, for a new project), and says so instead of pretending nothing was written.
 */
struct AnalysisOutcome
{
    enum class State { NotRun, Done, Failed, Cancelled };
    State state = State::NotRun;
    QString error; // Failed: why
    AnalysisSummary summary;

    bool succeeded() const { return state == State::Done; }
};

/** A dataset folder imported into a new project, then analysed. */
struct DatasetImportResult
{
    ImportSummary imported;
    AnalysisOutcome analysis;
};

/** Another run imported into a project, then analysed. */
struct RunImportResult
{
    RunImportSummary imported;
    AnalysisOutcome analysis;
};

/**
 * The import → analyse workflows of the CLI's `import` and `import-run` and of the app's
 * New Project and Import Run, defined once.
 *
 * The import is all or nothing: on a problem or a cancel it throws loupe::Error or
 * Cancelled and nothing was written. The analysis that follows (when analyse is set and
 * the data has predictions) runs in its own transaction: its failure or cancel is
 * returned in the result's analysis, with the import kept. imported, when given, hears what
 * was committed before the analysis starts (a CLI prints it then).
 */
DatasetImportResult importAndAnalyseDataset(const QString &folder, const QString &projectPath,
                                            const ImportOptions &options, bool analyse, Progress &progress,
                                            const std::function<void(const ImportSummary &)> &imported = {});
RunImportResult importAndAnalyseRun(Project &project, const QString &folder, const QString &runName,
                                    bool analyse, Progress &progress,
                                    const std::function<void(const RunImportSummary &)> &imported = {});

/** Analyses run runId (-1: the latest) of a project just imported; failure and cancel are returned. */
AnalysisOutcome analyseImported(Project &project, int runId, Progress &progress);

} // namespace loupe
