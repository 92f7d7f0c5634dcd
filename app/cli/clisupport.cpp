#include "clisupport.h"

#include "commands.h"
#include "common/progress.h"

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

std::unique_ptr<Progress> stderrProgress()
{
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    return std::make_unique<Progress>([terminal](double fraction, const QString &step) {
        if (terminal) {
            std::fprintf(stderr, "\r\033[K%s %3d%%", qUtf8Printable(step), int(fraction * 100.0 + 0.5));
            std::fflush(stderr);
        } else if (fraction == 0.0) {
            std::fprintf(stderr, "%s...\n", qUtf8Printable(step));
        }
    });
}

} // namespace loupe::cli
