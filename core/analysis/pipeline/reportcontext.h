#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace loupe {

class AnalysisResults;
class Project;
struct SampleTable;

/** What a step's report sections read: the project, the run's samples and its loaded results. */
struct ReportContext
{
    Project &project;
    const SampleTable &table;
    const AnalysisResults &analysis;

    /** The summary the step stored in `analysis_steps` for the run, or nullopt when it has not run. */
    std::optional<QJsonObject> stepSummary(const QString &step) const;
    /** A class's name; "–" for -1 (none), "?" for an unknown index. */
    QString className(int index) const;
    /** "Shirt → T-shirt/top": a given class and the one it was predicted or suggested as. */
    QString classPair(int given, int shown) const;
};

} // namespace loupe
