#pragma once

class QThreadPool;

namespace loupe {

/**
 * The threads of the app's own background work: panel queries, opening a project, the damage
 * check, long tasks. Kept apart from QThreadPool::globalInstance() because Qt's raster painting
 * runs its helper jobs there: with the global pool busy for seconds (judging a million boxes,
 * checking a large file), every paint of the window waited behind that work.
 */
QThreadPool *backgroundPool();

} // namespace loupe
