#pragma once

#include <QStringList>

namespace loupe::cli {

/** Exit codes of loupe-cli. */
enum ExitCode { Ok = 0, Failure = 1, Usage = 2, Interrupted = 130 };

/** Each command gets its arguments without the program and command names. */
int runImport(const QStringList &arguments);
int runDemo(const QStringList &arguments);
int runSynth(const QStringList &arguments);
int runReport(const QStringList &arguments);
int runExport(const QStringList &arguments);
int runRelabel(const QStringList &arguments);
int runAnalyze(const QStringList &arguments);
int runSimilar(const QStringList &arguments);
int runQuery(const QStringList &arguments);
int runDuplicates(const QStringList &arguments);
int runBench(const QStringList &arguments);
int runImportRun(const QStringList &arguments);
int runCompare(const QStringList &arguments);
int runDemoRetrain(const QStringList &arguments);
int runRelabelCsv(const QStringList &arguments);
int runEditBoxes(const QStringList &arguments);

} // namespace loupe::cli
