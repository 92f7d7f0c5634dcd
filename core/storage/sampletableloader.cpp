#include "storage/sampletableloader.h"

#include "common/hugepages.h"
#include "metrics/samplescores.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <algorithm>
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
 * Puts the split names in SQLite's order (their UTF-8 bytes; the order every split list
 * shows) and renumbers the rows' split indexes to match: the rows are read in one pass,
 * which meets the splits in whatever order they come.
 */
void sortSplits(SampleTable &table)
{
    const QStringList seen = table.splitNames;
    QStringList sorted = seen;
    std::sort(sorted.begin(), sorted.end(),
              [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
    std::vector<int> renumbered(size_t(seen.size()));
    for (qsizetype i = 0; i < seen.size(); ++i)
        renumbered[size_t(i)] = int(sorted.indexOf(seen.at(i)));
    for (int &split : table.splitIndex) {
        if (split >= 0)
            split = renumbered[size_t(split)];
    }
    table.splitNames = sorted;
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

/** The run's scores as its predictions rows hold them. */
RunScores readPredictionRows(Project &project, int runId, size_t n)
{
    RunScores scores = noScores(n);
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

} // namespace

SampleTable loadSampleRows(Project &project, int runId)
{
    SampleTable table;
    SqliteDatabase &db = project.database();
    table.classNames = project.classNames();
    table.runId = runId >= 0 ? runId : project.latestRunId();

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
            const QString name = QString::fromUtf8(split);
            lastSplitIndex = int(table.splitNames.indexOf(name));
            if (lastSplitIndex < 0) {
                lastSplitIndex = int(table.splitNames.size());
                table.splitNames << name;
            }
        }
        table.splitIndex.push_back(lastSplitIndex);
    }
    sortSplits(table);

    const size_t n = table.labels.size();
    table.review = readReviewStatuses(db, qint64(n));
    applyRunScores(table, noScores(n));
    return table;
}

RunScores loadRunScores(Project &project, int runId, const std::vector<int> &labels)
{
    const size_t n = labels.size();
    if (runId < 0)
        return noScores(n);
    const RunArrays arrays(project.database(), runId);
    const auto shape = arrays.shape(RunArray::Probabilities);
    if (!shape || shape->rows != qint64(n) || shape->cols < 1)
        return readPredictionRows(project, runId, n);
    RunScores scores = noScores(n);
    const int classes = int(shape->cols);
    arrays.forEachChunk(RunArray::Probabilities, [&](qint64 first, qint64 count, const float *values) {
        for (qint64 r = 0; r < count; ++r) {
            const auto sample = size_t(first + r);
            const SampleScores computed = computeSampleScores(values + r * classes, classes, labels[sample]);
            scores.predicted[sample] = computed.predicted;
            scores.confidence[sample] = float(computed.confidence);
            scores.loss[sample] = float(computed.loss);
            scores.margin[sample] = float(computed.margin);
        }
    });
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
    applyRunScores(table, loadRunScores(project, table.runId, table.labels));
    return table;
}

} // namespace loupe
