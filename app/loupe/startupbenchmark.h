#pragma once

#include <QElapsedTimer>
#include <QString>

namespace loupe {

class MainWindow;

/**
 * Measures what a user waits for: from launch (sinceLaunch, started first thing in main()) to the project
 * being open, to the first painted grid with its visible thumbnails, and to the first painted map. Prints the
 * times and returns a process exit code. Runs with any platform plugin (offscreen for CI, xcb for a real
 * window).
 */
int runStartupBenchmark(MainWindow &window, const QString &project, const QElapsedTimer &sinceLaunch);

} // namespace loupe
