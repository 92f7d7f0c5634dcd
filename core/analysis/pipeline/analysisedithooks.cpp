#include "analysis/pipeline/analysisedithooks.h"

#include "analysis/pipeline/analysisregistry.h"
#include "analysis/pipeline/analysisstep.h"

#include <algorithm>

namespace loupe {

AnalysisEditHooks::AnalysisEditHooks(Project &project)
{
    for (const AnalysisStep *step : analysisSteps()) {
        if (auto hook = step->editHook(project))
            m_hooks.push_back(std::move(hook));
    }
}

AnalysisEditHooks::~AnalysisEditHooks() = default;

void AnalysisEditHooks::beforeChange(qint64 sample)
{
    for (const auto &hook : m_hooks)
        hook->beforeChange(sample);
}

void AnalysisEditHooks::afterChange(qint64 sample)
{
    for (const auto &hook : m_hooks)
        hook->afterChange(sample);
}

std::vector<qint64> AnalysisEditHooks::finish()
{
    std::vector<qint64> rescored;
    for (const auto &hook : m_hooks)
        hook->finish(rescored);
    std::sort(rescored.begin(), rescored.end());
    rescored.erase(std::unique(rescored.begin(), rescored.end()), rescored.end());
    return rescored;
}

} // namespace loupe
