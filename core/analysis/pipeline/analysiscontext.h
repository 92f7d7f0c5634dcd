#pragma once

#include "analysis/pipeline/analysisoptions.h"
#include "analysis/pipeline/analysisstep.h"
#include "analysis/quality/duplicateimagescan.h"
#include "dataset/knngraph.h"
#include "dataset/samplemetadatacolumn.h"
#include "dataset/sampletable.h"
#include "storage/analysisstore.h"

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <vector>

namespace loupe {

class Project;
class RunArrays;

/**
 * What the steps of one analysis run share: the project, the run's samples, the options,
 * and the run data they read (loaded once, on demand of the steps that need it) or pass
 * on (the kNN graph of the knn step, the map of the map step).
 */
class AnalysisContext
{
public:
    /** Loads the run's samples (the latest run when options.runId is -1); throws loupe::Error without
     * predictions. */
    AnalysisContext(Project &project, const AnalysisOptions &options);
    /** Cancels an image scan still running and waits for it. */
    ~AnalysisContext();
    AnalysisContext(const AnalysisContext &) = delete;
    AnalysisContext &operator=(const AnalysisContext &) = delete;

    Project &project() const { return m_project; }
    const SampleTable &table() const { return m_table; }
    const AnalysisOptions &options() const { return m_options; }
    int runId() const { return m_table.runId; }
    qint64 samples() const { return m_table.size(); }
    int classes() const { return int(m_table.classNames.size()); }
    RunArrays arrays() const;

    /** Loads what steps will need and no earlier step provides (the pipeline calls it once). */
    void prepare(StepDataSet needed, StepDataSet provided);
    /**
     * Frees the loaded data no remaining step needs (the pipeline calls it after each step):
     * at ten million samples the graph and the probabilities are 1.6 GB, and the table's ids
     * and image paths 1.4 GB, that the last steps, which add buffers of their own, would
     * otherwise carry along. The map stays (it is small). table() keeps its other columns.
     */
    void releaseAllBut(StepDataSet stillNeeded);

    /** samples x classes, row-major. */
    const std::vector<float> &probabilities() const { return m_probabilities; }
    bool hasEmbeddings() const { return !m_embeddings.empty(); }
    /** samples x dimensions, row-major; empty when the run has none. */
    const std::vector<float> &embeddings() const { return m_embeddings; }
    int dimensions() const { return m_dimensions; }

    /** The graph of this run's knn step or the stored one; null when there is none. */
    const KnnGraph *graph() const { return m_graph ? &*m_graph : nullptr; }
    void setGraph(KnnGraph graph) { m_graph = std::move(graph); }
    /** Drops the graph from memory (a step that does not need it lowers its peak) ... */
    void releaseGraph() { m_graph.reset(); }
    /** ... and reads the stored one back. */
    void reloadGraph();

    /** Every metadata column, imported and computed, read on first use. */
    const std::vector<SampleMetadataColumn> &metadata();
    /** A step wrote metadata columns: the next metadata() reads them again. */
    void metadataChanged() { m_metadata.reset(); }

    /**
     * Decodes every image (DuplicateImageScan) on a thread of its own, beside the steps that
     * run meanwhile; it stops when cancellation is cancelled, which must outlive the scan.
     */
    void startImageScan(const Progress &cancellation);
    /**
     * The facts of the started scan, waited for (its progress reported through progress up
     * to the fraction `to`), or of a scan run now when none was started. Throws what the
     * scan threw (Cancelled, loupe::Error).
     */
    std::vector<ImageFacts> takeImageScan(Progress &progress, double to);

    /** What the images step's decode found, one per sample; empty when it did not run. */
    const std::vector<ImageFacts> &imageFacts() const { return m_imageFacts; }
    void setImageFacts(std::vector<ImageFacts> facts) { m_imageFacts = std::move(facts); }
    /** Frees them (the duplicates step is their last reader). */
    void releaseImageFacts() { std::vector<ImageFacts>().swap(m_imageFacts); }

    /** samples x 2: imported coordinates, the map step's UMAP, or the stored one; empty when none. */
    const std::vector<float> &map() const { return m_map; }
    /** Whether map() holds coordinates imported with the run (coords.npy). */
    bool mapIsImported() const { return m_mapImported; }
    void setMap(std::vector<float> map) { m_map = std::move(map); }

    /**
     * Stores a step's per-sample columns (sample_analysis): their mirrors at once, the table's
     * rows for every step together in writeSampleRows(), one pass instead of one per step.
     * Nothing in the analysis reads the rows back; they wait in the same transaction.
     */
    void writeSampleColumns(const std::vector<AnalysisStore::ColumnValues> &columns);
    /** Writes the rows of the columns stored so far (the pipeline calls it before committing). */
    void writeSampleRows();

private:
    Project &m_project;
    AnalysisOptions m_options;
    SampleTable m_table;
    std::vector<float> m_probabilities;
    std::vector<float> m_embeddings;
    int m_dimensions = 0;
    std::optional<KnnGraph> m_graph;
    std::vector<float> m_map;
    bool m_mapImported = false;
    std::vector<ImageFacts> m_imageFacts;
    std::optional<std::vector<SampleMetadataColumn>> m_metadata;
    bool m_rowsBehindMirrors = false;
    // The image scan started early: its own progress (nobody watches it but
    // takeImageScan(), through m_scanFraction) and its result.
    std::unique_ptr<Progress> m_scanProgress;
    std::atomic<double> m_scanFraction{0.0};
    std::future<std::vector<ImageFacts>> m_imageScan;
};

} // namespace loupe
