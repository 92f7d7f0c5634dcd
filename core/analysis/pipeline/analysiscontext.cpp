#include "analysis/pipeline/analysiscontext.h"

#include "analysis/quality/duplicateimagescan.h"
#include "common/error.h"
#include "common/progress.h"
#include "storage/metadatareader.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sampletableloader.h"

#include <chrono>
#include <cstdlib>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace loupe {

namespace {

/** Hands the free pages inside malloc's heap back to the system (glibc keeps them otherwise). */
void returnFreedMemory()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

} // namespace

AnalysisContext::AnalysisContext(Project &project, const AnalysisOptions &options)
    : m_project(project), m_options(options), m_table(loadSampleTable(project, options.runId))
{
    // Its steps read class probabilities per image; a detection run has boxes instead.
    if (project.task() == ProjectTask::Detection)
        throw Error(
            QStringLiteral("%1: a detection project is analysed by `loupe-cli report` (COCO AP, error "
                           "types, annotation errors, where objects are missed) and in the app's "
                           "panels; `analyze` runs on classification projects")
                .arg(project.fileName()));
    if (!m_table.hasPredictions())
        throw Error(
            QStringLiteral("%1: no predictions to analyse: import predictions.npy or logits.npy first")
                .arg(project.fileName()));
}

AnalysisContext::~AnalysisContext()
{
    if (m_imageScan.valid()) {
        m_scanProgress->cancel();
        m_imageScan.wait();
    }
}

RunArrays AnalysisContext::arrays() const
{
    return RunArrays(m_project.database(), runId());
}

void AnalysisContext::prepare(StepDataSet needed, StepDataSet provided)
{
    const RunArrays stored = arrays();
    if (needed & StepData::Probabilities)
        m_probabilities = stored.read(RunArray::Probabilities);
    // Steps that use embeddings skip themselves without them; the map step needs to know
    // whether there are any even when it finds imported coordinates.
    if (needed & StepData::Embeddings) {
        if (const auto shape = stored.shape(RunArray::Embeddings)) {
            m_embeddings = stored.read(RunArray::Embeddings);
            m_dimensions = int(shape->cols);
        }
    }
    if (stored.has(RunArray::ImportedCoords)) {
        m_map = stored.read(RunArray::ImportedCoords);
        m_mapImported = true;
    }
    if ((needed & StepData::KnnGraph) && !(provided & StepData::KnnGraph))
        reloadGraph();
    if ((needed & StepData::Map) && !(provided & StepData::Map) && m_map.empty())
        m_map = stored.read(RunArray::UmapCoords);
}

void AnalysisContext::releaseAllBut(StepDataSet stillNeeded)
{
    if (!(stillNeeded & StepData::KnnGraph))
        releaseGraph();
    if (!(stillNeeded & StepData::Embeddings))
        std::vector<float>().swap(m_embeddings);
    if (!(stillNeeded & StepData::Probabilities))
        std::vector<float>().swap(m_probabilities);
    if (!(stillNeeded & StepData::ImagePaths) && !m_table.ids.isEmpty()) {
        m_table.ids = StringColumn();
        m_table.images = StringColumn();
        returnFreedMemory(); // large blocks, but the heap's top may hold other pages freed before
    }
}

void AnalysisContext::reloadGraph()
{
    m_graph = arrays().knnGraph(samples());
}

void AnalysisContext::writeSampleColumns(const std::vector<AnalysisStore::ColumnValues> &columns)
{
    AnalysisStore(m_project.database()).writeSampleColumnMirrors(runId(), columns);
    m_rowsBehindMirrors = true;
}

void AnalysisContext::writeSampleRows()
{
    if (m_rowsBehindMirrors)
        AnalysisStore(m_project.database()).rewriteSampleRows(runId(), samples());
    m_rowsBehindMirrors = false;
}

namespace {

QStringList absoluteImagePaths(const Project &project, const StringColumn &images)
{
    QStringList paths;
    paths.reserve(images.size());
    for (const QString &image : images)
        paths << project.absoluteImagePath(image);
    return paths;
}

} // namespace

void AnalysisContext::startImageScan(const Progress &cancellation)
{
    m_scanProgress = std::make_unique<Progress>([this](double fraction, const QString &) {
        m_scanFraction.store(fraction, std::memory_order_relaxed);
    });
    m_scanProgress->followCancellationOf(cancellation);
    // The table's image paths stay loaded until the images step has run (it needs them),
    // and the project's dataset root does not change: the thread only reads both.
    m_imageScan = std::async(std::launch::async, [this] {
        return DuplicateImageScan::run(absoluteImagePaths(m_project, m_table.images), *m_scanProgress);
    });
}

std::vector<ImageFacts> AnalysisContext::takeImageScan(Progress &progress, double to)
{
    if (!m_imageScan.valid())
        return DuplicateImageScan::run(absoluteImagePaths(m_project, m_table.images), progress, 0.0, to);
    while (m_imageScan.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        if (progress.isCancelled())
            m_scanProgress->cancel();
        progress.setProgress(m_scanFraction.load(std::memory_order_relaxed) * to);
    }
    return m_imageScan.get();
}

const std::vector<SampleMetadataColumn> &AnalysisContext::metadata()
{
    if (!m_metadata)
        m_metadata = readSampleMetadata(m_project);
    return *m_metadata;
}

} // namespace loupe
