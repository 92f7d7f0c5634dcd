#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QStringList>

namespace loupe {

class MainWindow;

/**
 * Measures what a user waits for: from launch (sinceLaunch, started first thing in main()) to the project
 * being open, to the first painted grid with its visible thumbnails, and to the first painted map, then the
 * median grid scroll frame. Prints the times, then one line for scripts (see runRepeatedStartupBenchmark),
 * and returns a process exit code. Runs with any platform plugin (offscreen for CI, xcb for a real window).
 */
int runStartupBenchmark(MainWindow &window, const QString &project, const QElapsedTimer &sinceLaunch);

/**
 * Runs the startup benchmark runs times, each in a new process (this program re-executed with
 * childArguments and the same platform plugin), so that every run measures a real launch rather than
 * a second open in a warm process. Prints each run's times and their medians, ending with the line
 *   startup-benchmark: runs=N samples=S open_s=... grid_s=... map_s=... scroll_ms=... boxes_s=...
 *   box_scroll_ms=... peak_mib=...
 * (the same line a single run prints; the box grid's figures are a detection project's, 0 otherwise).
 * Returns a process exit code.
 */
int runRepeatedStartupBenchmark(const QStringList &childArguments, int runs);

} // namespace loupe
