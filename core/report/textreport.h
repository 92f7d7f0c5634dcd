#pragma once

#include <QString>

namespace loupe {

class Project;
struct SampleTable;

/**
 * `loupe-cli report`: the project's counts, the classification report and confusion matrix
 * overall and per split, then each analysis step's part (AnalysisStep::reportText) in
 * report order.
 */
QString textReport(Project &project, const SampleTable &table);

} // namespace loupe
