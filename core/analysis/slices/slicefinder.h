#pragma once

#include <QJsonObject>
#include <QStringList>

#include <cmath>
#include <vector>

#include "dataset/samplemetadatacolumn.h"

namespace loupe {

class Progress;
struct SampleTable;

/** A group of samples defined by one condition, with its error figures. */
struct Slice
{
    QString column;       ///< "split", "label", "predicted" or a metadata column name
    QString value;        ///< readable: "test", "Shirt", "[0.21, 0.34)", "< 0.21", ">= 0.5", "(none)"
    QString condition;    ///< the SQL condition over sample_view that selects exactly these samples
    qint64 count = 0;     ///< samples in the slice
    qint64 evaluated = 0; ///< with a label and a prediction
    qint64 errors = 0;
    double errorRate = NAN;    ///< errors / evaluated
    double errorRateLow = NAN; ///< Wilson 95% interval
    double errorRateHigh = NAN;
    double lift = NAN;          ///< errorRate / the overall error rate
    double restErrorRate = NAN; ///< error rate of the evaluated samples outside the slice
    double pValue = 1.0;        ///< two-sided two-proportion z-test, slice against the rest
    double meanLoss = NAN;      ///< over samples with a finite loss
    /**
     * Sum over evaluated samples of their given class's overall error rate, as in ClusterReport
     * (for slices by predicted class: of their predicted class's error rate, since those
     * slices select on the outcome).
     */
    double expectedErrors = 0.0;
    double excessErrorRate = NAN; ///< errorRate - expectedErrors / evaluated: the class-adjusted excess
    /** excessErrorScore(errors, evaluated, overall rate): errors confidently beyond the overall rate. */
    double score = 0.0;
    /** excessErrorScore(errors, evaluated, expected rate): the same beyond what the class mix explains. */
    double adjustedScore = 0.0;
    /** With SliceFinderParams::keepErrorRows: the rows (of the table run() was given) of its errors. */
    std::vector<qint64> errorRows;
};

/** Parameters of SliceFinder; defaults are what `analyze` uses. */
struct SliceFinderParams
{
    /** Quantile bins of a numeric column with many values (edges rounded to readable numbers). */
    int quantileBins = 5;
    /** A numeric column with at most this many distinct values is sliced per value instead. */
    int maxNumericValues = 10;
    /** A text column is sliced per value for its most frequent values, at most this many. */
    int maxTextValues = 30;
    /** Slices with fewer evaluated samples are left out (they cannot show anything). */
    qint64 minEvaluated = 1;
    /** Rank by adjustedScore (beyond the class mix) instead of score (beyond the overall rate). */
    bool rankByClassAdjusted = false;
    double z = 1.96; ///< normal quantile of the Wilson bounds
    /** Fill each slice's errorRows (for slices no SQL condition can select, as of objects). */
    bool keepErrorRows = false;
};

/**
 * Patterns of failure in metadata: the error rate of every slice of the samples (each split,
 * given label and predicted class; each value of a categorical metadata column; quantile bins
 * of a numeric one), ranked so that the most convincing excess comes first.
 *
 * The ranking score is excessErrorScore(errors, evaluated, overallRate) from clusterreport.h:
 * n * (WilsonLow95(errors / n) - overall rate), the number of errors beyond the overall rate
 * that we are confident of. So 500 errors in 1,000 outrank 500 in 10,000 (which is at the
 * overall rate or below) and 5 in 5. Each slice also carries lift, a two-proportion test
 * against the rest, and the class-adjusted excess, since a slice full of a hard class is
 * expected to do badly (rankByClassAdjusted ranks by that instead).
 *
 * Every slice carries the SQL condition over the documented sample_view that selects exactly
 * its samples (e.g. `brightness >= 0.21 AND brightness < 0.34`, `split = 'test'`), so the UI
 * and `loupe-cli query` can show its members. Bin edges are rounded to two significant digits
 * of the column's range (more when needed to keep bins apart) and membership is decided with
 * the rounded edges, so the condition and the counts agree.
 */
class SliceFinder
{
public:
    explicit SliceFinder(SliceFinderParams params = {});

    /**
     * Slices of table's samples by split, label, predicted class and each metadata column
     * (one value per sample of table; readSampleMetadata() reads a project's).
     */
    std::vector<Slice> run(const SampleTable &table, const std::vector<SampleMetadataColumn> &metadata,
                           Progress &progress) const;

    /** For `report --json`. */
    static QJsonObject toJson(const Slice &slice);

private:
    SliceFinderParams m_params;
};

} // namespace loupe
