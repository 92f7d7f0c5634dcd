#pragma once

#include <QJsonObject>
#include <QtNumeric>
#include <QString>

#include <optional>
#include <map>
#include <vector>

namespace loupe {

class SqliteDatabase;
class SqliteStatement;

/** One row of `clusters` (docs/project-format.md). */
struct ClusterRecord
{
    int cluster = -1;
    qint64 size = 0;
    qint64 labelled = 0;
    qint64 errors = 0;
    double errorRate = 0.0;
    double expectedErrors = 0.0; // what the members' class mix predicts
    double meanLoss = 0.0;
    double severity = 0.0; // ranking score: higher = worse than expected, with confidence
    double pValue = 1.0;
    int dominantLabel = -1;
    double dominantLabelShare = 0.0;
    int dominantPredicted = -1;
    double dominantPredictedShare = 0.0;
    QString description; // what sets it apart from the rest of its classes (ClusterDescription); may be empty
    std::vector<qint64> examples; // samples that show it: the most typical members, then the worst errors

    /** severity per labelled member: how much worse than its class mix a member fares (NaN: none labelled).
     */
    double severityPerMember() const { return labelled > 0 ? severity / double(labelled) : qQNaN(); }
};

/** One row of `slices`. */
struct SliceRecord
{
    QString column;    // "split", "label", "predicted" or a metadata column
    QString value;     // human-readable value or bin, e.g. "test" or "[0.21, 0.34)"
    QString condition; // SQL over sample_view selecting the slice
    qint64 count = 0;
    qint64 errors = 0;
    double errorRate = 0.0;
    double lift = 0.0;
    double ciLow = 0.0;
    double ciHigh = 0.0;
    double pValue = 1.0;
    double score = 0.0;
};

/** One row of `duplicate_pairs`. */
struct DuplicateRecord
{
    QString kind; // "exact" (same pixels) or "near" (embedding distance)
    qint64 sampleA = -1;
    qint64 sampleB = -1;
    double distance = 0.0;
    bool crossSplit = false;
};

/**
 * Reads and writes the analysis engine's results for a prediction run: per-sample
 * columns of `sample_analysis`, `clusters`, `slices`, `duplicate_pairs`,
 * `image_problems`, and the bookkeeping row of each step in `analysis_steps`.
 * Writers replace a step's previous results; call them inside one transaction.
 */
class AnalysisStore
{
public:
    explicit AnalysisStore(SqliteDatabase &db);

    void recordStep(int runId, const QString &step, const QJsonObject &parameters, const QJsonObject &summary,
                    double seconds);
    /** The summary a step stored, or nullopt when the step has not run. */
    std::optional<QJsonObject> stepSummary(int runId, const QString &step) const;

    /** Sets one REAL column of sample_analysis (NaN stores NULL) for every sample. */
    void writeSampleColumn(int runId, const QString &column, const std::vector<float> &values);
    /** Sets one INTEGER column (values < nullBelow store NULL) for every sample. */
    void writeSampleColumn(int runId, const QString &column, const std::vector<int> &values,
                           int nullBelow = -1);
    /** One column's values for writeSampleColumns(): REAL (NaN stores NULL) or INTEGER. */
    struct ColumnValues
    {
        QString column;
        const std::vector<float> *reals = nullptr;
        const std::vector<int> *integers = nullptr;
        int nullBelow = -1; ///< integers below this store NULL
    };
    /**
     * Sets several columns of sample_analysis for every sample (all of the same length) in one
     * pass: each pass rewrites every row, which at ten million samples takes about a minute.
     * Also writes the columns' mirrors (below).
     */
    void writeSampleColumns(int runId, const std::vector<ColumnValues> &columns);
    /**
     * The two halves of writeSampleColumns(), for a writer of several columns in turn (the
     * analysis pipeline): the columns' mirrors now, then every row of the run at once from
     * the mirrors (rewriteSampleRows). Five passes over sample_analysis took a minute each at
     * ten million samples.
     */
    void writeSampleColumnMirrors(int runId, const std::vector<ColumnValues> &columns);
    /**
     * Replaces the run's rows of sample_analysis with its mirrors' values, the secondary
     * index rebuilt once after them (at ten million rows, faster than keeping it through the
     * inserts). Throws loupe::Error when the run has no complete set of mirrors.
     */
    void rewriteSampleRows(int runId, qint64 samples);
    /** Sets columns of one sample's row (NaN stores NULL), in the table and in its mirrors. */
    void updateSample(int runId, qint64 sample, const std::vector<std::pair<QString, float>> &values);
    /**
     * Whether every column of sample_analysis has its mirror for samples rows: a float array
     * of the run, "sample_analysis.COLUMN" (NaN for NULL), kept by writeSampleColumns() and
     * updateSample(). Reading a mirror copies chunks of a megabyte where the table steps a
     * row at a time: opening a million-sample project read sample_analysis in 0.6 s, its
     * mirrors in a few milliseconds. The table stays what SQL (the filter, sample_view)
     * reads; writers that bypass this class must drop the mirrors (docs/project-format.md).
     */
    bool hasColumnMirrors(int runId, qint64 samples) const;
    std::vector<float> readSampleColumn(int runId, const QString &column, qint64 samples) const;
    /**
     * Every column of sample_analysis for every sample in one pass over the run's rows, by
     * column name (NULL and missing rows: NaN; integers are exact below 2^24): opening a
     * project reads them all, and one pass costs about what reading one column does.
     */
    std::map<QString, std::vector<float>> readSampleColumns(int runId, qint64 samples) const;
    std::vector<int> readSampleIntColumn(int runId, const QString &column, qint64 samples,
                                         int nullValue = -1) const;
    /** An integer column as read into floats (NaN for NULL), back as integers, NULL as nullValue. */
    static std::vector<int> integersOf(const std::vector<float> &values, int nullValue);

    /** Replaces the clusters of (runId, method), in the given order: their rank. */
    void writeClusters(int runId, const QString &method, const std::vector<ClusterRecord> &clusters);
    /** The clusters of (runId, method) in the order they were written. */
    std::vector<ClusterRecord> clusters(int runId, const QString &method) const;

    void writeSlices(int runId, const std::vector<SliceRecord> &slices);
    std::vector<SliceRecord> slices(int runId) const;

    void writeDuplicates(int runId, const std::vector<DuplicateRecord> &pairs);
    std::vector<DuplicateRecord> duplicates(int runId) const;

    void writeImageProblems(const std::vector<std::pair<qint64, QString>> &problems);
    std::vector<std::pair<qint64, QString>> imageProblems() const;

private:
    std::map<QString, std::vector<float>> readSampleRows(int runId, qint64 samples) const;
    bool runHasRows(int runId) const;
    /** The UPSERT of these columns into sample_analysis, bound from the third parameter on. */
    SqliteStatement prepareRowsUpsert(const QStringList &columns);

    SqliteDatabase &m_db;
};

} // namespace loupe
