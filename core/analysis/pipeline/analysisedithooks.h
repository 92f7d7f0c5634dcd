#pragma once

#include <QtGlobal>

#include <memory>
#include <vector>

namespace loupe {

class Project;
class StepEditHook;

/**
 * The edit hooks of every registered step, for one batch of edits in one transaction:
 * what keeps the stored analysis current when labels or review marks change. The edit
 * path (EditRepository) calls beforeChange() and afterChange() around each written
 * change and finish() before it commits.
 */
class AnalysisEditHooks
{
public:
    explicit AnalysisEditHooks(Project &project);
    ~AnalysisEditHooks();

    void beforeChange(qint64 sample);
    void afterChange(qint64 sample);
    /** The samples, other than the edited ones, whose stored results the hooks changed (ascending, unique).
     */
    std::vector<qint64> finish();

private:
    std::vector<std::unique_ptr<StepEditHook>> m_hooks;
};

} // namespace loupe
