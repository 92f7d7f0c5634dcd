// loupe-cli bench: times every analysis step on a project, medians of several runs and peak memory.

#include "analysis/labels/annotationneighbours.h"
#include "analysis/clustering/objectclusters.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/neighbours/pca.h"
#include "analysis/pipeline/analysispipeline.h"
#include "analysis/pipeline/analysisregistry.h"
#include "clisupport.h"
#include "commands.h"
#include "common/error.h"
#include "common/progress.h"
#include "detection/annotationerrors.h"
#include "detection/boxerrors.h"
#include "detection/boxverdicts.h"
#include "detection/cocoevaluation.h"
#include "detection/detectionconfusion.h"
#include "analysis/slices/objectslices.h"
#include "dataset/sampletable.h"
#include "import/datasetimport.h"
#include "import/importworkflow.h"
#include "metrics/classificationreport.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/metadatareader.h"
#include "storage/sampletableloader.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <sys/resource.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace loupe::cli {

namespace {

/** Seconds of each timed step, one entry per run, in the order the steps first ran. */
class Timings
{
public:
    /**
     * Records a step's time and the peak memory since resetPeak() was last called: the
     * step's own peak, when steps reset it before they start.
     */
    void add(const QString &step, double seconds) { add(step, seconds, peakSinceResetMiB()); }

    void add(const QString &step, double seconds, double peakMiB)
    {
        if (!m_seconds.count(step))
            m_order << step;
        m_seconds[step].push_back(seconds);
        m_peakMiB[step] = std::max(m_peakMiB[step], peakMiB);
    }

    /**
     * Starts a new peak-memory window: Linux resets the process's high-water mark (VmHWM)
     * when "5" is written to /proc/self/clear_refs, so each step's peak is its own. The
     * reset sets it to the current resident size, so the heap an earlier step freed but
     * malloc kept would count as the next step's; it is handed back to the system first.
     */
    static void resetPeak()
    {
#ifdef __GLIBC__
        malloc_trim(0);
#endif
        QFile clear(QStringLiteral("/proc/self/clear_refs"));
        if (clear.open(QIODevice::WriteOnly))
            clear.write("5");
    }

    /** VmHWM: the peak resident memory since the last reset (or since start). */
    static double peakSinceResetMiB()
    {
        QFile status(QStringLiteral("/proc/self/status"));
        if (status.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : status.readAll().split('\n')) {
                if (line.startsWith("VmHWM:"))
                    return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
            }
        }
        return peakResidentMiB();
    }

    QJsonArray toJson() const
    {
        QJsonArray rows;
        for (const QString &step : m_order) {
            const std::vector<double> &values = m_seconds.at(step);
            rows.append(
                QJsonObject{{QStringLiteral("step"), step},
                            {QStringLiteral("median_s"), median(values)},
                            {QStringLiteral("min_s"), *std::min_element(values.begin(), values.end())},
                            {QStringLiteral("max_s"), *std::max_element(values.begin(), values.end())},
                            {QStringLiteral("runs"), int(values.size())},
                            {QStringLiteral("peak_rss_mib"), m_peakMiB.at(step)}});
        }
        return rows;
    }

    /** A Markdown table, the form the README quotes. */
    QString toMarkdown() const
    {
        QString text = QStringLiteral("| step | median s | min s | max s | peak RSS (MiB) |\n"
                                      "|---|---:|---:|---:|---:|\n");
        for (const QJsonValue &value : toJson()) {
            const QJsonObject row = value.toObject();
            text += QStringLiteral("| %1 | %2 | %3 | %4 | %5 |\n")
                        .arg(row.value(QStringLiteral("step")).toString())
                        .arg(row.value(QStringLiteral("median_s")).toDouble(), 0, 'f', 2)
                        .arg(row.value(QStringLiteral("min_s")).toDouble(), 0, 'f', 2)
                        .arg(row.value(QStringLiteral("max_s")).toDouble(), 0, 'f', 2)
                        .arg(row.value(QStringLiteral("peak_rss_mib")).toDouble(), 0, 'f', 0);
        }
        return text;
    }

    static double peakResidentMiB()
    {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        return double(usage.ru_maxrss) / 1024.0;
    }

    /** The largest peak of any step. */
    double largestPeakMiB() const
    {
        double largest = 0.0;
        for (const auto &[step, peak] : m_peakMiB)
            largest = std::max(largest, peak);
        return largest;
    }

private:
    static double median(std::vector<double> values)
    {
        std::sort(values.begin(), values.end());
        const size_t n = values.size();
        return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
    }

    QStringList m_order;
    std::map<QString, std::vector<double>> m_seconds;
    std::map<QString, double> m_peakMiB;
};

double secondsOf(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e9;
}

/**
 * `loupe-cli import DIR -o PROJECT` as it runs by default, end to end on one clock: the import
 * (a row of its own, timed to its commit), then opening the new project and the whole analysis
 * in one transaction (the pieces importAndAnalyseDataset() composes, inlined to read the clock
 * between them). The import's peak is read when it finishes, the whole row's at the end.
 */
void timeImportAndAnalysis(const QString &folder, const QString &output, Timings &timings)
{
    QFile::remove(output);
    ImportOptions options;
    Progress quiet;
    Timings::resetPeak();
    QElapsedTimer timer;
    timer.start();
    const ImportSummary imported = importDataset(folder, output, options, quiet);
    timings.add(QStringLiteral("import"), secondsOf(timer));
    if (!imported.hasPredictions)
        throw Error(QStringLiteral("%1: no predictions, nothing to analyse").arg(folder));
    auto project = Project::open(output);
    const AnalysisOutcome analysis = analyseImported(*project, -1, quiet);
    timings.add(QStringLiteral("import + whole analysis"), secondsOf(timer));
    if (!analysis.succeeded())
        throw Error(QStringLiteral("the analysis after the import failed: %1").arg(analysis.error));
    project.reset();
    QFile::remove(output);
}

/**
 * `loupe-cli analyze PROJECT` end to end, on a fresh copy of the source (the analysis writes, so
 * every run starts from the same file): open the project, load the run, every step in one
 * transaction, commit. Timed from before the open to after the commit, with its own peak; this
 * is the figure a user waits for, unlike the sum of the steps timed alone.
 */
void timeWholeAnalysis(const QString &source, const QString &copy, Timings &timings)
{
    QFile::remove(copy);
    if (!QFile::copy(source, copy))
        throw Error(QStringLiteral("cannot copy %1 to %2").arg(source, copy));
    AnalysisOptions options; // with the seeds `analyze` passes by default
    options.umap.seed = 42;
    options.kmeans.seed = 42;
    options.knn.seed = 42;
    Progress quiet;
    Timings::resetPeak();
    QElapsedTimer timer;
    timer.start();
    auto project = Project::open(copy);
    AnalysisPipeline(*project).run(options, quiet);
    timings.add(QStringLiteral("whole analysis (open, load, every step, commit)"), secondsOf(timer));
    project.reset();
    QFile::remove(copy);
}

/** Opening the project, loading its samples and scores, and the classification report. */
void timeBasics(const QString &path, Timings &timings)
{
    Timings::resetPeak();
    QElapsedTimer timer;
    timer.start();
    auto project = Project::open(path);
    const SampleTable table = loadSampleTable(*project);
    const ClassificationReport report = ClassificationReport::compute(table);
    timings.add(QStringLiteral("open + basics (scores, report)"), secondsOf(timer));
    if (report.perClass.empty())
        throw Error(QStringLiteral("%1: the project has no classes").arg(path));
}

/** PCA to 32 components, and single similarity queries by sample as `loupe-cli similar` runs them. */
void timeSearchKernels(const QString &path, int queries, Timings &timings)
{
    auto project = Project::open(path);
    const SampleTable table = loadSampleTable(*project);
    const RunArrays arrays(project->database(), table.runId);
    const auto shape = arrays.shape(RunArray::Embeddings);
    if (!shape)
        return;
    std::vector<float> embeddings = arrays.read(RunArray::Embeddings);
    const qint64 n = shape->rows;
    const int d = int(shape->cols);
    Progress quiet;

    Timings::resetPeak();
    QElapsedTimer timer;
    timer.start();
    PcaParams pca;
    pca.components = std::min(32, d);
    computePca(embeddings.data(), n, d, pca, quiet);
    timings.add(QStringLiteral("PCA (32 components)"), secondsOf(timer));

    // As `similar` does: one query scans the matrix (blocked GEMV) rather than building an index.
    KnnParams exact;
    exact.method = KnnParams::Method::Exact;
    Timings::resetPeak();
    timer.start();
    const NearestNeighbors index(std::move(embeddings), n, d, exact, quiet);
    timings.add(QStringLiteral("similarity index (exact scan: copy + norms)"), secondsOf(timer));

    std::mt19937_64 random(11);
    Timings::resetPeak();
    timer.start();
    for (int q = 0; q < queries; ++q) {
        const qint64 sample = qint64(random() % quint64(n));
        index.query(index.vector(sample).data(), 10);
    }
    timings.add(QStringLiteral("similarity queries x %1 (k = 10)").arg(queries), secondsOf(timer));
}

/**
 * Each analysis step on its own (as `analyze --only STEP` runs it, reading what earlier
 * steps stored), so that each gets its own peak memory; the time is the step's alone,
 * without loading the run. These rows show where the time goes; their sum is not the
 * whole analysis (timeWholeAnalysis() measures that), so it is labelled as a sum.
 */
void timePipeline(const QString &path, Timings &timings)
{
    auto project = Project::open(path);
    Progress quiet;
    double total = 0.0;
    double peak = 0.0;
    for (const QString &step : analysisStepNames()) {
        AnalysisOptions options;
        options.steps = {step};
        Timings::resetPeak();
        const AnalysisSummary summary = AnalysisPipeline(*project).run(options, quiet);
        const double seconds = summary.seconds.value(step).toDouble();
        total += seconds;
        peak = std::max(peak, Timings::peakSinceResetMiB());
        timings.add(QStringLiteral("analyze: ") + step, seconds);
    }
    timings.add(QStringLiteral("analyze: sum of the steps timed alone"), total, peak);
}

} // namespace

/**
 * A detection project's figures, each timed alone: import of --import DIR (to its commit),
 * loading the boxes, COCO AP, the TIDE error types, the confusion matrix, the annotation
 * errors, the missed-object slices and clusters, as `report` computes them, and the box grid's verdicts.
 */
void timeDetection(const QString &source, const QString &importFolder, const QString &importOutput,
                   Timings &timings)
{
    Progress quiet;
    QElapsedTimer timer;
    if (!importFolder.isEmpty()) {
        QFile::remove(importOutput);
        Timings::resetPeak();
        timer.start();
        importDataset(importFolder, importOutput, {}, quiet);
        timings.add(QStringLiteral("import"), secondsOf(timer));
        QFile::remove(importOutput);
    }
    auto project = Project::open(source, Project::Access::ReadOnly);
    const int run = project->latestRunId();
    Timings::resetPeak();
    timer.start();
    const DetectionStore store(project->database());
    const DetectionSet set = store.load(run);
    const BoxEvidence evidence = store.boxEvidence(run);
    timings.add(QStringLiteral("load the boxes"), secondsOf(timer));
    const auto time = [&](const QString &step, const std::function<void()> &work) {
        Timings::resetPeak();
        timer.start();
        work();
        timings.add(step, secondsOf(timer));
    };
    time(QStringLiteral("COCO AP (0.50:0.95, sizes, per class)"), [&] { CocoEvaluation::compute(set); });
    time(QStringLiteral("TIDE error types"), [&] { BoxErrors::classify(set); });
    time(QStringLiteral("confusion matrix with background"), [&] { DetectionConfusion::compute(set); });
    time(QStringLiteral("annotation errors, ranked"),
         [&] { findAnnotationErrors(set, evidence).ranked(set, 0.1); });
    // What the box grid judges: every box's verdict, then the likeliest errors first.
    time(QStringLiteral("box verdicts, sorted (the box grid)"), [&] {
        BoxErrorParams shipped;
        shipped.minScore = kShippedScore;
        const BoxVerdicts verdicts = BoxVerdicts::judge(set, BoxErrors::classify(set, shipped),
                                                        findAnnotationErrors(set, evidence), {shipped});
        verdicts.select(BoxVerdicts::Order::ErrorScore,
                        [](const BoxVerdicts::Entry &e) { return isBoxError(e.verdict); });
    });
    time(QStringLiteral("failure clusters of objects (a sample of 5,000, their images decoded)"), [&] {
        BoxErrorParams shipped;
        shipped.minScore = kShippedScore;
        const SampleTable images = loadSampleTable(*project);
        ObjectClusters::find(
            set, BoxErrors::classify(set, shipped),
            [&](qint64 image) { return project->absoluteImagePath(images.images.value(image)); }, quiet);
    });
    time(QStringLiteral("missed-object slices"), [&] {
        BoxErrorParams shipped;
        shipped.minScore = kShippedScore;
        const SampleTable images = loadSampleTable(*project);
        ObjectSlices::find(set, BoxErrors::classify(set, shipped), project->classNames(), images.splitIndex,
                           images.splitNames, readSampleMetadata(*project), quiet);
    });
}

int runBench(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Time the analysis on copies of PROJECT (the file itself is not changed): the whole analysis end "
        "to end as `analyze` runs it (open, load, every step in one transaction, commit) on a fresh copy "
        "each run; then open and basics, PCA, the similarity index and queries, and each step of "
        "`analyze` alone; medians of RUNS runs and each row's peak resident memory. With --import DIR, "
        "also the import of DIR, and the import followed by the whole analysis as `import` runs it. "
        "A detection project times its import, loading its boxes, COCO AP, the TIDE types, the confusion "
        "matrix and the annotation errors."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs of each step (default 3)."),
                      QStringLiteral("N"), QStringLiteral("3")});
    parser.addOption(
        {QStringLiteral("import"),
         QStringLiteral("Also time importing this dataset folder, alone and followed by the whole "
                        "analysis."),
         QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("queries"), QStringLiteral("Single kNN queries to time (default 1000)."),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the table as JSON.")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("bench"), arguments, 1, exitCode))
        return exitCode;
    const QString source = parser.positionalArguments().at(0);
    const int runs = parser.value(QStringLiteral("runs")).toInt();
    if (runs < 1) {
        printError(QStringLiteral("loupe-cli bench: --runs must be at least 1"));
        return Usage;
    }
    const bool detection =
        Project::open(source)->task() == ProjectTask::Detection; // fails early on a bad project
    QTemporaryDir scratch;
    if (!scratch.isValid())
        throw Error(QStringLiteral("cannot create a temporary folder: %1").arg(scratch.errorString()));
    const QString copy = scratch.filePath(QStringLiteral("bench.loupe"));
    Timings timings;
    for (int run = 1; run <= runs; ++run) {
        printError(QStringLiteral("bench: run %1 of %2").arg(run).arg(runs));
        if (detection) {
            timeDetection(source, parser.value(QStringLiteral("import")),
                          scratch.filePath(QStringLiteral("import.loupe")), timings);
            continue;
        }
        if (parser.isSet(QStringLiteral("import")))
            timeImportAndAnalysis(parser.value(QStringLiteral("import")),
                                  scratch.filePath(QStringLiteral("import.loupe")), timings);
        timeWholeAnalysis(source, scratch.filePath(QStringLiteral("whole.loupe")), timings);
        QFile::remove(copy);
        if (!QFile::copy(source, copy))
            throw Error(QStringLiteral("cannot copy %1 to %2").arg(source, copy));
        timeBasics(copy, timings);
        timeSearchKernels(copy, parser.value(QStringLiteral("queries")).toInt(), timings);
        timePipeline(copy, timings);
    }
    if (parser.isSet(QStringLiteral("json")))
        printOut(QString::fromUtf8(QJsonDocument(timings.toJson()).toJson()));
    else
        printOut(timings.toMarkdown() + QStringLiteral("\npeak memory of the largest step: %1 MiB\n")
                                            .arg(timings.largestPeakMiB(), 0, 'f', 0));
    return Ok;
}

} // namespace loupe::cli
