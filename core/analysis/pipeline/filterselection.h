#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

class AnalysisResults;
struct SampleFilter;
struct SampleTable;

/**
 * The samples a filter selects, ascending, for the kinds defined by the samples and the
 * analysis alone (errors, label issues, edited, review mark, given or predicted class,
 * split, cluster, confusion cell). The others (SQL, map selection, similar samples, a
 * comparison) carry their samples with them; for those this returns nothing.
 */
std::vector<qint64> selectSamples(const SampleFilter &filter, const SampleTable &table,
                                  const AnalysisResults &analysis);

} // namespace loupe
