#include "clisupport.h"

#include "commands.h"
#include "import/importworkflow.h"

#include <QJsonObject>
#include "common/progress.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace loupe::cli {

void printError(const QString &message)
{
    std::fputs(qUtf8Printable(message + QLatin1Char('\n')), stderr);
}

void printOut(const QString &text)
{
    std::fputs(qUtf8Printable(text), stdout);
}

bool parseCommand(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                  int positionalCount, int &exitCode)
{
    parser.addHelpOption();
    QStringList withProgram = arguments;
    withProgram.prepend(QStringLiteral("loupe-cli ") + command);
    if (!parser.parse(withProgram)) {
        printError(QStringLiteral("loupe-cli %1: %2").arg(command, parser.errorText()));
        printError(parser.helpText());
        exitCode = Usage;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        exitCode = Ok;
        return false;
    }
    if (parser.positionalArguments().size() != positionalCount) {
        printError(QStringLiteral("loupe-cli %1: expected %2 argument(s), got %3")
                       .arg(command)
                       .arg(positionalCount)
                       .arg(parser.positionalArguments().size()));
        printError(parser.helpText());
        exitCode = Usage;
        return false;
    }
    return true;
}

namespace {

// The live CliProgress, for the SIGINT handler; one at a time (commands run sequentially).
std::atomic<Progress *> g_interruptible{nullptr};

void cancelOnInterrupt(int)
{
    // Only async-signal-safe work here: an atomic store, and restoring the default action so
    // that a second Ctrl+C ends the process at once.
    if (Progress *progress = g_interruptible.load())
        progress->cancel();
    std::signal(SIGINT, SIG_DFL);
}

void report(bool terminal, double fraction, const QString &step)
{
    if (terminal) {
        std::fprintf(stderr, "\r\033[K%s %3d%%", qUtf8Printable(step), int(fraction * 100.0 + 0.5));
        std::fflush(stderr);
    } else if (fraction == 0.0) {
        std::fprintf(stderr, "%s...\n", qUtf8Printable(step));
    }
}

} // namespace

CliProgress::CliProgress()
    : Progress([terminal = ::isatty(STDERR_FILENO) == 1](double fraction, const QString &step) {
          report(terminal, fraction, step);
      })
{
    g_interruptible.store(this);
    std::signal(SIGINT, cancelOnInterrupt);
}

CliProgress::~CliProgress()
{
    std::signal(SIGINT, SIG_DFL);
    g_interruptible.store(nullptr);
}

std::unique_ptr<CliProgress> stderrProgress()
{
    return std::make_unique<CliProgress>();
}

/**
 * How an analysis after an import ended, for people: the import is committed either way,
 * so a failed or cancelled analysis says what the file holds and how to finish.
 */
int reportAnalysis(const QString &command, const AnalysisOutcome &analysis, const QString &imported,
                   const QString &project)
{
    using State = AnalysisOutcome::State;
    const QString retry = QStringLiteral("run `loupe-cli analyze %1` to finish").arg(project);
    switch (analysis.state) {
    case State::NotRun:
        return Ok;
    case State::Done: {
        double seconds = 0.0;
        for (const QJsonValue value : analysis.summary.seconds)
            seconds += value.toDouble();
        printError(QStringLiteral("Analysed in %1 s").arg(seconds, 0, 'f', 2));
        return Ok;
    }
    case State::Cancelled:
        printError(QStringLiteral("\nloupe-cli %1: the analysis was cancelled (Ctrl+C); %2 is in %3 without "
                                  "its analysis: %4")
                       .arg(command, imported, project, retry));
        return Interrupted;
    case State::Failed:
        printError(QStringLiteral("loupe-cli %1: %2 is in %3, but its analysis failed (%4):\n%5")
                       .arg(command, imported, project, retry, analysis.error));
        return Failure;
    }
    return Failure;
}

} // namespace loupe::cli
