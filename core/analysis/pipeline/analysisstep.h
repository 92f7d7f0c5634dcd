#pragma once

#include <QFlags>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <map>
#include <memory>
#include <vector>

namespace loupe {

class AnalysisContext;
class AnalysisResults;
class HtmlReportWriter;
class Progress;
class Project;
struct ReportContext;

/** The run data a step reads from, or adds to, the AnalysisContext. */
enum class StepData {
    Probabilities = 0x1, ///< the run's class probabilities
    Embeddings = 0x2,    ///< the run's embeddings (steps skip themselves without them)
    KnnGraph = 0x4,      ///< the all-points nearest-neighbour graph
    Map = 0x8,           ///< the 2-D map: imported coordinates, or UMAP
    ImagePaths = 0x10,   ///< the table's strings: the samples' ids and image paths
};
Q_DECLARE_FLAGS(StepDataSet, StepData)
Q_DECLARE_OPERATORS_FOR_FLAGS(StepDataSet)

/** Where a step's loaded results live between the analysis and the panels (see AnalysisResults). */
struct StepResults
{
    virtual ~StepResults() = default;
};

/** The run whose results a step loads or refreshes. */
struct RunScope
{
    Project &project;
    int runId = -1;
    qint64 samples = 0;
    /** sample_analysis read in one pass (AnalysisStore::readSampleColumns), when the caller did; taken from.
     */
    std::map<QString, std::vector<float>> *prefetched = nullptr;
};

/** One column of sample_analysis for the run's samples (NULL: NaN), from the prefetched pass when there is
 * one. */
std::vector<float> loadSampleColumn(const RunScope &run, const QString &column);
/** The same for an INTEGER column; NULL reads as nullValue. */
std::vector<int> loadSampleIntColumn(const RunScope &run, const QString &column, int nullValue = -1);

/**
 * Keeps one step's stored results current while a sample's label or review mark changes,
 * inside the edit's transaction, without recomputing the step: a relabel moves a sample
 * between a cluster's errors and successes, changes slice counts, and changes the issue
 * scores of the samples whose neighbour vote it was part of. One hook serves one batch
 * of edits (one transaction); it may cache what it reads for the batch.
 */
class StepEditHook
{
public:
    virtual ~StepEditHook() = default;
    /** Before sample's label or review mark is written. */
    virtual void beforeChange(qint64 sample) = 0;
    /** After it is written (the samples and sample_reviews tables hold the new state). */
    virtual void afterChange(qint64 sample) = 0;
    /**
     * After the batch's last change, before the commit: work that is cheaper once per batch.
     * Appends to rescored the samples, other than the edited ones, whose stored results changed.
     */
    virtual void finish(std::vector<qint64> &rescored) = 0;
};

/**
 * One step of the analysis, as a plug-in: what it needs, how it runs and stores its
 * results, how they are loaded for the panels and kept current after an edit, and its
 * sections of `report --json`, of the text report and of the HTML report. Every step is
 * registered once in analysisregistry.cpp; the pipeline, the results loader, the edit path
 * and the reports iterate that table, so adding a step is one new file pair plus one line.
 *
 * Steps are stateless (the registry holds one instance of each, shared across threads).
 */
class AnalysisStep
{
public:
    virtual ~AnalysisStep() = default;

    /** The step's name in `analyze --only`, `analysis_steps.step` and the summaries, e.g. "label_issues". */
    virtual QString name() const = 0;
    /** The data it reads; the pipeline loads what no earlier step of the run provides. */
    virtual StepDataSet needs() const { return {}; }
    /** The data it adds to the context for the steps after it. */
    virtual StepDataSet provides() const { return {}; }

    /**
     * Called as the analysis begins, before any step runs: a step may start here the part of
     * its work that needs nothing from the steps before it, to run beside them on cores they
     * leave idle, and take the result in run(). progress is the analysis's own (for its
     * cancellation; the early work reports nothing through it). Default: nothing.
     */
    virtual void start(AnalysisContext &context, const Progress &progress) const;
    /**
     * Computes the step and stores its results in context.project() (the pipeline holds a
     * transaction around it and records the returned summary in `analysis_steps`).
     * Reports through progress and throws Cancelled or loupe::Error.
     */
    virtual QJsonObject run(AnalysisContext &context, Progress &progress) const = 0;

    /** Reads what the step stored for a run into results; nothing by default. */
    virtual void loadResults(const RunScope &run, AnalysisResults &results) const;
    /** Re-reads what an edit of samples changed (the hooks rewrote it in the edit's transaction). */
    virtual void refreshResults(const RunScope &run, const std::vector<qint64> &samples,
                                AnalysisResults &results) const;
    /** A hook that keeps the stored results current through label and review edits, or null. */
    virtual std::unique_ptr<StepEditHook> editHook(Project &project) const;

    /** Adds the step's section(s) to `report --json`. */
    virtual void addReportJson(const ReportContext &context, QJsonObject &report) const;
    /** The step's part of the text report (`loupe-cli report`), ending in a newline; empty for none. */
    virtual QString reportText(const ReportContext &context) const;
    /**
     * Where the step's sections go among the others in the text and HTML reports, smaller
     * first: the diagnosis is 10, the metrics 20 and 30, clusters 40, slices 50, label issues
     * 60, duplicates 70, the run comparison 90.
     */
    virtual int reportOrder() const { return 100; }
    /** The anchor and title of the step's HTML section for the navigation; empty anchor for none. */
    struct HtmlSection
    {
        QString anchor;
        QString title;
    };
    virtual HtmlSection htmlSection() const;
    /** Writes the step's HTML section. */
    virtual void writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const;
};

} // namespace loupe
