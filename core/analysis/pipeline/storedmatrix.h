#pragma once

#include "analysis/neighbours/similaritysearch.h"
#include "storage/runarrays.h"

namespace loupe {

/**
 * A run's stored array as SimilaritySearch::scanChunks() reads it: rows one at a time by
 * incremental BLOB I/O, the whole a chunk at a time. arrays must outlive the result. Throws
 * loupe::Error when the run has no such array.
 */
SimilaritySearch::ChunkedMatrix storedMatrix(const RunArrays &arrays, RunArray array);

} // namespace loupe
