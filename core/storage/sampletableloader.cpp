#include "storage/sampletableloader.h"

#include "common/hugepages.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <cmath>

namespace loupe {

namespace {

std::vector<ReviewStatus> readReviewStatuses(SqliteDatabase &db, qint64 samples)
{
    std::vector<ReviewStatus> statuses;
    assignLarge(statuses, size_t(samples), ReviewStatus::None);
    auto query = db.prepare(QStringLiteral("SELECT sample_index, status FROM sample_reviews"));
    while (query.step()) {
        const qint64 sample = query.columnInt64(0);
        if (sample >= 0 && sample < samples)
            statuses[size_t(sample)] = reviewStatusFromName(query.columnText(1));
    }
    return statuses;
}

/**
 * The distinct splits, sorted: one index seek per split (the next one above the last) instead
 * of DISTINCT's walk over every entry of the index, which took seconds at ten million samples.
 */
QStringList distinctSplits(SqliteDatabase &db)
{
    QStringList splits;
    auto first = db.prepare(QStringLiteral("SELECT MIN(split) FROM samples"));
    if (!first.step() || first.isNull(0))
        return splits;
    splits << first.columnText(0);
    auto next = db.prepare(QStringLiteral("SELECT MIN(split) FROM samples WHERE split > ?"));
    for (;;) {
        next.reset();
        next.bind(1, splits.back());
        if (!next.step() || next.isNull(0))
            return splits;
        splits << next.columnText(0);
    }
}

/** Scores of n samples that have none: predicted -1, the rest NaN. */
RunScores noScores(size_t n)
{
    RunScores scores;
    assignLarge(scores.predicted, n, -1);
    assignLarge(scores.confidence, n, float(NAN));
    assignLarge(scores.loss, n, float(NAN));
    assignLarge(scores.margin, n, float(NAN));
    return scores;
}

} // namespace

SampleTable loadSampleRows(Project &project, int runId)
{
    SampleTable table;
    SqliteDatabase &db = project.database();
    table.classNames = project.classNames();
    table.runId = runId >= 0 ? runId : project.latestRunId();

    table.splitNames = distinctSplits(db);

    const qint64 count = project.sampleCount();
    // Room for a typical id and path, grown past if need be. Reserved pages that the strings
    // never reach are never touched, so a generous guess costs address space, not memory.
    table.ids.reserve(count, count * 16);
    table.images.reserve(count, count * 32);
    reserveLarge(table.labels, size_t(count));
    reserveLarge(table.originalLabels, size_t(count));
    reserveLarge(table.splitIndex, size_t(count));
    auto samples = db.prepare(
        QStringLiteral("SELECT id, image, label, original_label, split FROM samples ORDER BY sample_index"));
    // A split's index by its bytes: rows come in runs of few splits, and building a QString per
    // row to look it up cost more than the rest of the row.
    QByteArray lastSplit;
    int lastSplitIndex = -1;
    while (samples.step()) {
        table.ids.appendUtf8(samples.columnUtf8(0));
        table.images.appendUtf8(samples.columnUtf8(1));
        table.labels.push_back(samples.isNull(2) ? -1 : samples.columnInt(2));
        table.originalLabels.push_back(samples.isNull(3) ? -1 : samples.columnInt(3));
        if (samples.isNull(4)) {
            table.splitIndex.push_back(-1);
            continue;
        }
        const QByteArrayView split = samples.columnUtf8(4);
        if (lastSplitIndex < 0 || split != lastSplit) {
            lastSplit = split.toByteArray();
            lastSplitIndex = int(table.splitNames.indexOf(QString::fromUtf8(split)));
        }
        table.splitIndex.push_back(lastSplitIndex);
    }

    const size_t n = table.labels.size();
    table.review = readReviewStatuses(db, qint64(n));
    applyRunScores(table, noScores(n));
    return table;
}

RunScores loadRunScores(Project &project, int runId, qint64 samples)
{
    const auto n = size_t(samples);
    RunScores scores = noScores(n);
    if (runId < 0)
        return scores;
    auto predictions = project.database().prepare(QStringLiteral(
        "SELECT sample_index, predicted, confidence, loss, margin FROM predictions WHERE run_id = ?"));
    predictions.bind(1, runId);
    while (predictions.step()) {
        const auto sample = size_t(predictions.columnInt64(0));
        if (sample >= n)
            continue;
        scores.predicted[sample] = predictions.columnInt(1);
        scores.confidence[sample] = float(predictions.columnDouble(2));
        scores.loss[sample] = predictions.isNull(3) ? NAN : float(predictions.columnDouble(3));
        scores.margin[sample] = predictions.isNull(4) ? NAN : float(predictions.columnDouble(4));
    }
    return scores;
}

void applyRunScores(SampleTable &table, RunScores scores)
{
    const auto n = size_t(table.size());
    if (scores.predicted.size() != n) // no scores, or of another sample count: none
        scores = noScores(n);
    table.predicted = std::move(scores.predicted);
    table.confidence = std::move(scores.confidence);
    table.loss = std::move(scores.loss);
    table.margin = std::move(scores.margin);
}

SampleTable loadSampleTable(Project &project, int runId)
{
    SampleTable table = loadSampleRows(project, runId);
    applyRunScores(table, loadRunScores(project, table.runId, table.size()));
    return table;
}

} // namespace loupe
