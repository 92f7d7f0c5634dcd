#pragma once

#include "analysis/pipeline/analysisstep.h"
#include "dataset/epochloss.h"

#include <map>
#include <memory>
#include <typeindex>
#include <vector>

namespace loupe {

class Project;

/**
 * What the analysis stored for one prediction run, loaded in one go for the panels and
 * the reports: each registered step's results (its own StepResults type, declared in the
 * step's header) and the run's learning curve. A step that has not run has no entry, and
 * get<T>() then returns an empty T.
 */
class AnalysisResults
{
public:
    AnalysisResults() = default;
    AnalysisResults(AnalysisResults &&) noexcept = default;
    AnalysisResults &operator=(AnalysisResults &&) noexcept = default;
    AnalysisResults(const AnalysisResults &) = delete;
    AnalysisResults &operator=(const AnalysisResults &) = delete;

    int runId = -1;
    std::vector<EpochLoss> history; // the run's learning curve (history.csv), or empty

    /** Reads the results of every registered step for runId, a run of `samples` samples; throws loupe::Error.
     */
    static AnalysisResults load(Project &project, int runId, qint64 samples);

    /**
     * Re-reads what an edit changed (the steps' edit hooks rewrote it in the edit's
     * transaction): the edited and rescored samples' rows and the steps' ranked tables,
     * without reloading every sample.
     */
    void refresh(Project &project, const std::vector<qint64> &samples);

    /** The results of the step whose type T is, or an empty T when it has not run. */
    template<typename T> const T &get() const
    {
        static const T empty;
        const auto it = m_results.find(std::type_index(typeid(T)));
        return it == m_results.end() ? empty : static_cast<const T &>(*it->second);
    }
    /** The results of type T to update in place, or null. */
    template<typename T> T *find()
    {
        const auto it = m_results.find(std::type_index(typeid(T)));
        return it == m_results.end() ? nullptr : static_cast<T *>(it->second.get());
    }
    template<typename T> bool has() const { return m_results.count(std::type_index(typeid(T))) > 0; }
    /** Stores a step's results, replacing earlier ones of the same type. */
    template<typename T> void put(T results)
    {
        m_results[std::type_index(typeid(T))] = std::make_unique<T>(std::move(results));
    }

private:
    std::map<std::type_index, std::unique_ptr<StepResults>> m_results;
};

} // namespace loupe
