#include "storage/analysisstore.h"

#include "common/hugepages.h"
#include "common/error.h"
#include "storage/arraystore.h"
#include "storage/sqlitedatabase.h"
#include "storage/tableindexes.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

// sample_analysis columns a step may write; the allow-list keeps column names out of user input.
const QStringList kSampleColumns = {QStringLiteral("issue_score"),     QStringLiteral("is_issue"),
                                    QStringLiteral("suggested_label"), QStringLiteral("cluster"),
                                    QStringLiteral("map_cluster"),     QStringLiteral("outlier_score"),
                                    QStringLiteral("pattern")};
// Those of them the table declares INTEGER (the mirrors hold every column as floats).
const QStringList kIntegerSampleColumns = {QStringLiteral("is_issue"), QStringLiteral("suggested_label"),
                                           QStringLiteral("cluster"), QStringLiteral("map_cluster"),
                                           QStringLiteral("pattern")};

QString joinSamples(const std::vector<qint64> &samples)
{
    QStringList parts;
    for (const qint64 s : samples)
        parts << QString::number(s);
    return parts.join(QLatin1Char(','));
}

std::vector<qint64> splitSamples(const QString &text)
{
    std::vector<qint64> samples;
    for (const QStringView part : QStringView(text).split(QLatin1Char(','), Qt::SkipEmptyParts))
        samples.push_back(part.toLongLong());
    return samples;
}

void checkColumn(const QString &column)
{
    if (!kSampleColumns.contains(column))
        throw Error(QStringLiteral("sample_analysis has no column %1").arg(column));
}

QString mirrorName(const QString &column)
{
    return QStringLiteral("sample_analysis.") + column;
}

/** A column's values as its mirror stores them: floats, NaN for what the table holds as NULL. */
float mirrorValue(const AnalysisStore::ColumnValues &values, size_t row)
{
    if (values.reals) {
        const float value = (*values.reals)[row];
        return std::isfinite(value) ? value : NAN; // as bindOptional stores it
    }
    const int value = (*values.integers)[row];
    return value < values.nullBelow ? NAN : float(value);
}

void bindOptional(SqliteStatement &statement, int index, double value)
{
    if (std::isfinite(value))
        statement.bind(index, value);
    else
        statement.bindNull(index);
}

} // namespace

AnalysisStore::AnalysisStore(SqliteDatabase &db) : m_db(db) {}

void AnalysisStore::recordStep(int runId, const QString &step, const QJsonObject &parameters,
                               const QJsonObject &summary, double seconds)
{
    auto statement = m_db.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO analysis_steps(run_id, step, parameters, summary, finished, seconds) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    statement.bind(1, runId)
        .bind(2, step)
        .bind(3, QString::fromUtf8(QJsonDocument(parameters).toJson(QJsonDocument::Compact)))
        .bind(4, QString::fromUtf8(QJsonDocument(summary).toJson(QJsonDocument::Compact)))
        .bind(5, QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
        .bind(6, seconds)
        .execute();
}

std::optional<QJsonObject> AnalysisStore::stepSummary(int runId, const QString &step) const
{
    auto statement =
        m_db.prepare(QStringLiteral("SELECT summary FROM analysis_steps WHERE run_id = ? AND step = ?"));
    statement.bind(1, runId).bind(2, step);
    if (!statement.step())
        return std::nullopt;
    return QJsonDocument::fromJson(statement.columnText(0).toUtf8()).object();
}

void AnalysisStore::writeSampleColumn(int runId, const QString &column, const std::vector<float> &values)
{
    writeSampleColumns(runId, {{column, &values, nullptr}});
}

void AnalysisStore::writeSampleColumn(int runId, const QString &column, const std::vector<int> &values,
                                      int nullBelow)
{
    writeSampleColumns(runId, {{column, nullptr, &values, nullBelow}});
}

namespace {

/** Checks the columns' names and that they are all of one length; returns that length. */
size_t checkedRows(const std::vector<AnalysisStore::ColumnValues> &columns)
{
    QStringList names;
    size_t rows = 0;
    for (const AnalysisStore::ColumnValues &values : columns) {
        checkColumn(values.column);
        names << values.column;
        const size_t size = values.reals ? values.reals->size() : values.integers->size();
        if (&values != &columns.front() && size != rows)
            throw Error(QStringLiteral("analysis columns of different lengths: %1").arg(names.join(u", ")));
        rows = size;
    }
    return rows;
}

} // namespace

bool AnalysisStore::runHasRows(int runId) const
{
    auto existing =
        m_db.prepare(QStringLiteral("SELECT EXISTS(SELECT 1 FROM sample_analysis WHERE run_id = ?)"));
    existing.bind(1, runId);
    return existing.step() && existing.columnInt(0) == 1;
}

SqliteStatement AnalysisStore::prepareRowsUpsert(const QStringList &columns)
{
    QStringList updates;
    for (const QString &column : columns)
        updates << QStringLiteral("%1 = excluded.%1").arg(column);
    return m_db.prepare(
        QStringLiteral("INSERT INTO sample_analysis(run_id, sample_index, %1) VALUES (?, ?%2) "
                       "ON CONFLICT(run_id, sample_index) DO UPDATE SET %3")
            .arg(columns.join(u", "), QStringLiteral(", ?").repeated(columns.size()), updates.join(u", ")));
}

void AnalysisStore::writeSampleColumns(int runId, const std::vector<ColumnValues> &columns)
{
    if (columns.empty())
        return;
    const size_t rows = checkedRows(columns);
    // Mirrors first: where the run has rows but no mirrors yet, the other columns' mirrors
    // are filled from the rows, before this write changes them.
    writeSampleColumnMirrors(runId, columns);
    QStringList names;
    for (const ColumnValues &values : columns)
        names << values.column;
    auto statement = prepareRowsUpsert(names);
    for (size_t i = 0; i < rows; ++i) {
        statement.bind(1, runId).bind(2, qint64(i));
        for (size_t c = 0; c < columns.size(); ++c) {
            const ColumnValues &values = columns[c];
            const int index = int(c) + 3;
            if (values.reals)
                bindOptional(statement, index, (*values.reals)[i]);
            else if ((*values.integers)[i] < values.nullBelow)
                statement.bindNull(index);
            else
                statement.bind(index, (*values.integers)[i]);
        }
        statement.execute();
    }
}

void AnalysisStore::writeSampleColumnMirrors(int runId, const std::vector<ColumnValues> &columns)
{
    if (columns.empty())
        return;
    const size_t rows = checkedRows(columns);
    ArrayStore arrays(m_db);
    const ArrayStore::Shape shape{qint64(rows), 1};
    const auto written = [&columns](const QString &column) {
        return std::any_of(columns.begin(), columns.end(),
                           [&column](const ColumnValues &values) { return values.column == column; });
    };
    if (!hasColumnMirrors(runId, qint64(rows))) {
        // The first write of the run (the other columns are all NULL) or a project from before
        // the mirrors (the other columns come from the rows, once).
        std::map<QString, std::vector<float>> all;
        if (runHasRows(runId))
            all = readSampleRows(runId, qint64(rows));
        for (const QString &column : kSampleColumns) {
            if (written(column))
                continue;
            const std::vector<float> *values = all.count(column) ? &all[column] : nullptr;
            arrays.write(runId, mirrorName(column), shape, [values](qint64 first, qint64 count, float *out) {
                for (qint64 i = 0; i < count; ++i)
                    out[i] = values ? (*values)[size_t(first + i)] : NAN;
            });
        }
    }
    for (const ColumnValues &values : columns) {
        arrays.write(runId, mirrorName(values.column), shape,
                     [&values](qint64 first, qint64 count, float *out) {
                         for (qint64 i = 0; i < count; ++i)
                             out[i] = mirrorValue(values, size_t(first + i));
                     });
    }
}

void AnalysisStore::rewriteSampleRows(int runId, qint64 samples)
{
    if (!hasColumnMirrors(runId, samples))
        throw Error(
            QStringLiteral("sample_analysis: run %1 has no complete set of mirrors to write its rows from")
                .arg(runId));
    std::vector<std::vector<float>> mirrors;
    const ArrayStore arrays(m_db);
    for (const QString &column : kSampleColumns)
        mirrors.push_back(arrays.readAll(runId, mirrorName(column)));
    std::vector<bool> integer;
    for (const QString &column : kSampleColumns)
        integer.push_back(kIntegerSampleColumns.contains(column));

    const QStringList indexes = dropTableIndexes(m_db, {QStringLiteral("sample_analysis")});
    auto remove = m_db.prepare(QStringLiteral("DELETE FROM sample_analysis WHERE run_id = ?"));
    remove.bind(1, runId).execute();
    auto insert = m_db.prepare(
        QStringLiteral("INSERT INTO sample_analysis(run_id, sample_index, %1) VALUES (?, ?%2)")
            .arg(kSampleColumns.join(u", "), QStringLiteral(", ?").repeated(kSampleColumns.size())));
    for (qint64 i = 0; i < samples; ++i) {
        insert.bind(1, runId).bind(2, i);
        for (size_t c = 0; c < mirrors.size(); ++c) {
            const float value = mirrors[c][size_t(i)];
            const int index = int(c) + 3;
            if (std::isnan(value))
                insert.bindNull(index);
            else if (integer[c])
                insert.bind(index, int(value));
            else
                insert.bind(index, double(value));
        }
        insert.execute();
    }
    for (const QString &create : indexes)
        m_db.exec(create);
}

bool AnalysisStore::hasColumnMirrors(int runId, qint64 samples) const
{
    const ArrayStore arrays(m_db);
    return std::all_of(kSampleColumns.begin(), kSampleColumns.end(), [&](const QString &column) {
        const auto shape = arrays.shape(runId, mirrorName(column));
        return shape && shape->rows == samples && shape->cols == 1;
    });
}

void AnalysisStore::updateSample(int runId, qint64 sample,
                                 const std::vector<std::pair<QString, float>> &values)
{
    QStringList assignments;
    for (const auto &[column, value] : values) {
        checkColumn(column);
        assignments << QStringLiteral("%1 = ?").arg(column);
    }
    auto update =
        m_db.prepare(QStringLiteral("UPDATE sample_analysis SET %1 WHERE run_id = ? AND sample_index = ?")
                         .arg(assignments.join(u", ")));
    int index = 1;
    for (const auto &entry : values)
        bindOptional(update, index++, entry.second);
    update.bind(index, runId).bind(index + 1, sample).execute();
    ArrayStore arrays(m_db);
    for (const auto &[column, value] : values) {
        const float stored = std::isfinite(value) ? value : NAN;
        if (arrays.shape(runId, mirrorName(column)))
            arrays.writeRow(runId, mirrorName(column), sample, &stored);
    }
}

namespace {

/** One column of sample_analysis for every sample; NULL and missing rows keep fill. */
template<typename T, typename Read>
std::vector<T> readColumn(SqliteDatabase &db, int runId, const QString &column, qint64 samples, T fill,
                          Read read)
{
    checkColumn(column);
    std::vector<T> values(size_t(samples), fill);
    auto statement = db.prepare(
        QStringLiteral("SELECT sample_index, %1 FROM sample_analysis WHERE run_id = ?").arg(column));
    statement.bind(1, runId);
    while (statement.step()) {
        const qint64 sample = statement.columnInt64(0);
        if (sample >= 0 && sample < samples && !statement.isNull(1))
            values[size_t(sample)] = read(statement);
    }
    return values;
}

} // namespace

std::vector<float> AnalysisStore::readSampleColumn(int runId, const QString &column, qint64 samples) const
{
    checkColumn(column);
    if (hasColumnMirrors(runId, samples))
        return ArrayStore(m_db).readAll(runId, mirrorName(column));
    return readColumn<float>(m_db, runId, column, samples, NAN,
                             [](SqliteStatement &row) { return float(row.columnDouble(1)); });
}

std::vector<int> AnalysisStore::readSampleIntColumn(int runId, const QString &column, qint64 samples,
                                                    int nullValue) const
{
    checkColumn(column);
    if (hasColumnMirrors(runId, samples))
        return integersOf(ArrayStore(m_db).readAll(runId, mirrorName(column)), nullValue);
    return readColumn<int>(m_db, runId, column, samples, nullValue,
                           [](SqliteStatement &row) { return row.columnInt(1); });
}

std::map<QString, std::vector<float>> AnalysisStore::readSampleColumns(int runId, qint64 samples) const
{
    if (!hasColumnMirrors(runId, samples))
        return readSampleRows(runId, samples);
    const ArrayStore arrays(m_db);
    std::map<QString, std::vector<float>> columns;
    for (const QString &column : kSampleColumns)
        columns[column] = arrays.readAll(runId, mirrorName(column));
    return columns;
}

std::map<QString, std::vector<float>> AnalysisStore::readSampleRows(int runId, qint64 samples) const
{
    std::map<QString, std::vector<float>> columns;
    std::vector<std::vector<float> *> byIndex;
    for (const QString &name : kSampleColumns) {
        std::vector<float> &values = columns[name];
        assignLarge(values, size_t(samples), float(NAN));
        byIndex.push_back(&values);
    }
    auto statement =
        m_db.prepare(QStringLiteral("SELECT sample_index, %1 FROM sample_analysis WHERE run_id = ?")
                         .arg(kSampleColumns.join(QStringLiteral(", "))));
    statement.bind(1, runId);
    while (statement.step()) {
        const qint64 sample = statement.columnInt64(0);
        if (sample < 0 || sample >= samples)
            continue;
        for (int c = 0; c < int(byIndex.size()); ++c) {
            if (!statement.isNull(c + 1))
                (*byIndex[size_t(c)])[size_t(sample)] = float(statement.columnDouble(c + 1));
        }
    }
    return columns;
}

std::vector<int> AnalysisStore::integersOf(const std::vector<float> &values, int nullValue)
{
    std::vector<int> integers;
    reserveLarge(integers, values.size());
    for (const float value : values)
        integers.push_back(std::isnan(value) ? nullValue : int(value));
    return integers;
}

void AnalysisStore::writeClusters(int runId, const QString &method,
                                  const std::vector<ClusterRecord> &clusters)
{
    auto remove = m_db.prepare(QStringLiteral("DELETE FROM clusters WHERE run_id = ? AND method = ?"));
    remove.bind(1, runId).bind(2, method).execute();
    auto insert = m_db.prepare(QStringLiteral(
        "INSERT INTO clusters(run_id, method, cluster, size, labelled, errors, error_rate, expected_errors, "
        "mean_loss, severity, p_value, dominant_label, dominant_label_share, dominant_predicted, "
        "dominant_predicted_share, description, examples, rank) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    qint64 rank = 0;
    for (const ClusterRecord &c : clusters) {
        insert.bind(1, runId)
            .bind(2, method)
            .bind(3, c.cluster)
            .bind(4, c.size)
            .bind(5, c.labelled)
            .bind(6, c.errors);
        bindOptional(insert, 7, c.errorRate);
        bindOptional(insert, 8, c.expectedErrors);
        bindOptional(insert, 9, c.meanLoss);
        bindOptional(insert, 10, c.severity);
        bindOptional(insert, 11, c.pValue);
        insert.bind(12, c.dominantLabel).bind(13, c.dominantLabelShare);
        insert.bind(14, c.dominantPredicted).bind(15, c.dominantPredictedShare).bind(16, c.description);
        insert.bind(17, joinSamples(c.examples)).bind(18, rank++);
        insert.execute();
    }
}

std::vector<ClusterRecord> AnalysisStore::clusters(int runId, const QString &method) const
{
    auto query = m_db.prepare(QStringLiteral(
        "SELECT cluster, size, labelled, errors, error_rate, expected_errors, mean_loss, severity, p_value, "
        "dominant_label, dominant_label_share, dominant_predicted, dominant_predicted_share, description, "
        "examples "
        "FROM clusters "
        "WHERE run_id = ? AND method = ? ORDER BY rank, severity DESC, cluster"));
    query.bind(1, runId).bind(2, method);
    std::vector<ClusterRecord> result;
    while (query.step()) {
        result.push_back({query.columnInt(0), query.columnInt64(1), query.columnInt64(2),
                          query.columnInt64(3), query.columnDouble(4), query.columnDouble(5),
                          query.columnDouble(6), query.columnDouble(7), query.columnDouble(8),
                          query.columnInt(9), query.columnDouble(10), query.columnInt(11),
                          query.columnDouble(12), query.columnText(13), splitSamples(query.columnText(14))});
    }
    return result;
}

void AnalysisStore::writeSlices(int runId, const std::vector<SliceRecord> &slices)
{
    auto remove = m_db.prepare(QStringLiteral("DELETE FROM slices WHERE run_id = ?"));
    remove.bind(1, runId).execute();
    auto insert = m_db.prepare(QStringLiteral(
        "INSERT INTO slices(run_id, rank, column, value, condition, count, errors, error_rate, lift, ci_low, "
        "ci_high, p_value, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (size_t rank = 0; rank < slices.size(); ++rank) {
        const SliceRecord &s = slices[rank];
        insert.bind(1, runId).bind(2, qint64(rank)).bind(3, s.column).bind(4, s.value).bind(5, s.condition);
        insert.bind(6, s.count).bind(7, s.errors);
        bindOptional(insert, 8, s.errorRate);
        bindOptional(insert, 9, s.lift);
        bindOptional(insert, 10, s.ciLow);
        bindOptional(insert, 11, s.ciHigh);
        bindOptional(insert, 12, s.pValue);
        bindOptional(insert, 13, s.score);
        insert.execute();
    }
}

std::vector<SliceRecord> AnalysisStore::slices(int runId) const
{
    auto query = m_db.prepare(QStringLiteral(
        "SELECT column, value, condition, count, errors, error_rate, lift, ci_low, ci_high, p_value, "
        "score FROM slices WHERE run_id = ? ORDER BY rank"));
    query.bind(1, runId);
    std::vector<SliceRecord> result;
    while (query.step()) {
        result.push_back({query.columnText(0), query.columnText(1), query.columnText(2), query.columnInt64(3),
                          query.columnInt64(4), query.columnDouble(5), query.columnDouble(6),
                          query.columnDouble(7), query.columnDouble(8), query.columnDouble(9),
                          query.columnDouble(10)});
    }
    return result;
}

void AnalysisStore::writeDuplicates(int runId, const std::vector<DuplicateRecord> &pairs)
{
    auto remove = m_db.prepare(QStringLiteral("DELETE FROM duplicate_pairs WHERE run_id = ?"));
    remove.bind(1, runId).execute();
    auto insert = m_db.prepare(QStringLiteral("INSERT INTO duplicate_pairs(run_id, kind, sample_a, sample_b, "
                                              "distance, cross_split) VALUES (?, ?, ?, ?, ?, ?)"));
    for (const DuplicateRecord &pair : pairs) {
        insert.bind(1, runId).bind(2, pair.kind).bind(3, pair.sampleA).bind(4, pair.sampleB);
        bindOptional(insert, 5, pair.distance);
        insert.bind(6, pair.crossSplit ? 1 : 0).execute();
    }
}

std::vector<DuplicateRecord> AnalysisStore::duplicates(int runId) const
{
    auto query = m_db.prepare(QStringLiteral(
        "SELECT kind, sample_a, sample_b, distance, cross_split FROM duplicate_pairs WHERE run_id = ? "
        "ORDER BY kind, distance, sample_a"));
    query.bind(1, runId);
    std::vector<DuplicateRecord> result;
    while (query.step()) {
        result.push_back({query.columnText(0), query.columnInt64(1), query.columnInt64(2),
                          query.columnDouble(3), query.columnInt(4) != 0});
    }
    return result;
}

void AnalysisStore::writeImageProblems(const std::vector<std::pair<qint64, QString>> &problems)
{
    m_db.exec(QStringLiteral("DELETE FROM image_problems"));
    auto insert = m_db.prepare(
        QStringLiteral("INSERT OR REPLACE INTO image_problems(sample_index, problem) VALUES (?, ?)"));
    for (const auto &[sample, problem] : problems)
        insert.bind(1, sample).bind(2, problem).execute();
}

std::vector<std::pair<qint64, QString>> AnalysisStore::imageProblems() const
{
    auto query = m_db.prepare(
        QStringLiteral("SELECT sample_index, problem FROM image_problems ORDER BY sample_index"));
    std::vector<std::pair<qint64, QString>> result;
    while (query.step())
        result.emplace_back(query.columnInt64(0), query.columnText(1));
    return result;
}

} // namespace loupe
