#include "edits/analysisupdater.h"

#include "analysis/labels/confidentlearning.h"
#include "analysis/labels/labelissuefinder.h"
#include "storage/analysisstore.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

const QString kProbabilities = QStringLiteral("probabilities");
const QString kKnnIndices = QStringLiteral("knn_indices");

int argmax(const std::vector<float> &values)
{
    return int(std::max_element(values.begin(), values.end()) - values.begin());
}

bool isError(SqliteDatabase &db, int runId, qint64 sample, int label)
{
    if (label < 0)
        return false;
    auto query =
        db.prepare(QStringLiteral("SELECT predicted FROM predictions WHERE run_id = ? AND sample_index = ?"));
    query.bind(1, runId).bind(2, sample);
    return query.step() && query.columnInt(0) != label;
}

/** The labels of samples, in the order given (-1 for unlabeled). */
std::vector<int> labelsOf(SqliteDatabase &db, const std::vector<float> &samples)
{
    std::vector<int> labels;
    auto query = db.prepare(QStringLiteral("SELECT label FROM samples WHERE sample_index = ?"));
    for (float sample : samples) {
        query.bind(1, qint64(sample));
        labels.push_back(query.step() && !query.isNull(0) ? query.columnInt(0) : -1);
        query.reset();
    }
    return labels;
}

} // namespace

AnalysisUpdater::AnalysisUpdater(Project &project) : m_project(project) {}

void AnalysisUpdater::beforeChange(qint64 sample)
{
    const int run = m_project.latestRunId();
    m_slicesBefore = run >= 0 ? sliceMembership(run, sample) : QList<SliceMembership>();
}

void AnalysisUpdater::afterChange(const LabelChange &change)
{
    for (const RunInfo &run : m_project.runs()) {
        updateIssueScore(run.id, change);
        updateClusterCounts(run.id, change);
    }
    const int run = m_project.latestRunId();
    if (run < 0 || m_slicesBefore.isEmpty())
        return;
    const QList<SliceMembership> after = sliceMembership(run, change.sample);
    auto update = m_project.database().prepare(QStringLiteral(
        "UPDATE slices SET count = count + ?, errors = errors + ?, error_rate = CASE WHEN count + ? > 0 THEN "
        "CAST(errors + ? AS REAL) / (count + ?) END WHERE run_id = ? AND rank = ?"));
    for (qsizetype i = 0; i < after.size() && i < m_slicesBefore.size(); ++i) {
        const SliceMembership &before = m_slicesBefore.at(i);
        const int countDelta = int(after.at(i).member) - int(before.member);
        const int errorDelta =
            int(after.at(i).member && after.at(i).error) - int(before.member && before.error);
        if (countDelta == 0 && errorDelta == 0)
            continue;
        update.bind(1, countDelta)
            .bind(2, errorDelta)
            .bind(3, countDelta)
            .bind(4, errorDelta)
            .bind(5, countDelta);
        update.bind(6, run).bind(7, after.at(i).rank).execute();
    }
}

void AnalysisUpdater::updateIssueScore(int runId, const LabelChange &change)
{
    SqliteDatabase &db = m_project.database();
    AnalysisStore store(db);
    const auto summary = store.stepSummary(runId, QStringLiteral("label_issues"));
    if (!summary)
        return;
    ArrayStore arrays(db);
    const std::vector<float> p = arrays.readRow(runId, kProbabilities, change.sample);
    const int classes = int(p.size());
    const LabelIssueParams params;
    std::vector<float> evidence = p;
    const QJsonArray prior = summary->value(QStringLiteral("label_prior")).toArray();
    if (summary->value(QStringLiteral("used_neighbours")).toBool() && arrays.shape(runId, kKnnIndices) &&
        prior.size() == classes) {
        std::vector<float> neighbours = arrays.readRow(runId, kKnnIndices, change.sample);
        neighbours.resize(std::min<size_t>(neighbours.size(), size_t(params.neighbours)));
        std::vector<double> counts(size_t(classes), 0.0);
        double labelled = 0.0;
        for (int label : labelsOf(db, neighbours)) {
            if (label >= 0 && label < classes) {
                counts[size_t(label)] += 1.0;
                labelled += 1.0;
            }
        }
        // As LabelNeighbourhood: smoothed share of the neighbours carrying each class.
        std::vector<float> q(static_cast<size_t>(classes));
        for (int c = 0; c < classes; ++c)
            q[size_t(c)] = float((counts[size_t(c)] + params.neighbourSmoothing * prior.at(c).toDouble()) /
                                 (labelled + params.neighbourSmoothing));
        LabelIssueFinder::blend(p.data(), q.data(), classes, params.neighbourWeight, evidence.data());
    }
    const int label = change.newLabel;
    const int best = argmax(evidence);
    double score = NAN;
    bool flagged = false;
    if (label >= 0) {
        score = 1.0 - ConfidentLearning::normalizedMargin(evidence.data(), classes, label);
        flagged = best != label && score >= summary->value(QStringLiteral("flag_threshold")).toDouble();
    }
    auto update = db.prepare(QStringLiteral(
        "UPDATE sample_analysis SET issue_score = ?, is_issue = ?, suggested_label = ? WHERE run_id = ? AND "
        "sample_index = ?"));
    std::isnan(score) ? update.bindNull(1) : update.bind(1, score);
    update.bind(2, flagged ? 1 : 0).bind(3, best).bind(4, runId).bind(5, change.sample).execute();
}

void AnalysisUpdater::updateClusterCounts(int runId, const LabelChange &change)
{
    SqliteDatabase &db = m_project.database();
    const bool wasError = isError(db, runId, change.sample, change.oldLabel);
    const bool isNowError = isError(db, runId, change.sample, change.newLabel);
    const int labelledDelta = int(change.newLabel >= 0) - int(change.oldLabel >= 0);
    const int errorDelta = int(isNowError) - int(wasError);
    if (labelledDelta == 0 && errorDelta == 0)
        return;
    for (const auto &[method, column] :
         {std::pair{"kmeans", "cluster"}, std::pair{"density", "map_cluster"}}) {
        auto update = db.prepare(
            QStringLiteral(
                "UPDATE clusters SET labelled = labelled + ?1, errors = errors + ?2, error_rate = CASE WHEN "
                "labelled + ?1 > 0 THEN CAST(errors + ?2 AS REAL) / (labelled + ?1) END "
                "WHERE run_id = ?3 AND method = ?4 AND cluster = (SELECT %1 FROM sample_analysis WHERE "
                "run_id = ?3 "
                "AND sample_index = ?5)")
                .arg(QLatin1String(column)));
        update.bind(1, labelledDelta).bind(2, errorDelta).bind(3, runId).bind(4, QLatin1String(method));
        update.bind(5, change.sample).execute();
    }
}

QList<AnalysisUpdater::SliceMembership> AnalysisUpdater::sliceMembership(int runId, qint64 sample) const
{
    SqliteDatabase &db = m_project.database();
    QList<SliceMembership> memberships;
    auto slices =
        db.prepare(QStringLiteral("SELECT rank, condition FROM slices WHERE run_id = ? ORDER BY rank"));
    slices.bind(1, runId);
    while (slices.step()) {
        SliceMembership membership;
        membership.rank = slices.columnInt(0);
        // The conditions were written by the slice finder over sample_view, not by a user.
        auto test =
            db.prepare(QStringLiteral("SELECT is_error FROM sample_view WHERE sample_index = ? AND (%1)")
                           .arg(slices.columnText(1)));
        test.bind(1, sample);
        if (test.step()) {
            membership.member = true;
            membership.error = !test.isNull(0) && test.columnInt(0) == 1;
        }
        memberships << membership;
    }
    return memberships;
}

} // namespace loupe
