#pragma once

#include <QCommandLineParser>
#include <QString>

#include <memory>

#include "common/progress.h"

namespace loupe {
struct AnalysisOutcome;
}

namespace loupe::cli {

/** Prints to stderr (UTF-8). */
void printError(const QString &message);
void printOut(const QString &text);

/**
 * Parses a command's arguments. Returns false (after printing the problem and the
 * command's help to stderr) when they are wrong; `--help` prints help and exits 0.
 */
bool parseCommand(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                  int positionalCount, int &exitCode);

/**
 * A Progress that reports to stderr (a live line on a terminal, one line per step
 * otherwise) and that Ctrl+C cancels: while it lives, SIGINT asks the work to stop at its
 * next cancellation point (it throws Cancelled, its transaction rolls back) instead of
 * killing the process; a second Ctrl+C kills it as usual.
 */
class CliProgress final : public Progress
{
public:
    CliProgress();
    ~CliProgress();
    CliProgress(const CliProgress &) = delete;
    CliProgress &operator=(const CliProgress &) = delete;
};

std::unique_ptr<CliProgress> stderrProgress();

/**
 * Reports how the analysis after an import ended (import, import-run): the import is
 * committed either way, so a failed or cancelled analysis says what the file holds and
 * how to finish. Returns the command's exit code.
 */
int reportAnalysis(const QString &command, const AnalysisOutcome &analysis, const QString &imported,
                   const QString &project);

} // namespace loupe::cli
