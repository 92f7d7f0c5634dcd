#pragma once

#include <QString>

namespace loupe {

class MainWindow;

/**
 * Opens project in window, lets thumbnails load, and saves a PNG of the whole window and
 * of each panel into folder (main-window.png, map.png, clusters.png, ...), for the
 * README and for looking at the app as a user does. Returns a process exit code.
 */
int takeScreenshots(MainWindow &window, const QString &project, const QString &folder);

} // namespace loupe
