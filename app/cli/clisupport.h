#pragma once

#include <QCommandLineParser>
#include <QString>

#include <memory>

namespace loupe {
class Progress;
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

/** A Progress that reports to stderr: a live line on a terminal, one line per step otherwise. */
std::unique_ptr<Progress> stderrProgress();

} // namespace loupe::cli
