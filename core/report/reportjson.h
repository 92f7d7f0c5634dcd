#pragma once

#include <QJsonObject>

namespace loupe {

class Project;
struct SampleTable;

/**
 * `loupe-cli report --json`: the classification report overall and per split, the project's
 * counts, and each analysis step's section (AnalysisStep::addReportJson) for the run of table.
 */
QJsonObject reportJson(Project &project, const SampleTable &table);

} // namespace loupe
