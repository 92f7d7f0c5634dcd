#include "export/exports.h"

#include "analysis/pipeline/analysisresults.h"
#include "analysis/steps/labelissuesstep.h"
#include "common/error.h"
#include "dataset/sampletable.h"
#include "formats/csvwriter.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace loupe {

namespace {

QString className(const SampleTable &table, int index)
{
    return index < 0 ? QString() : table.classNames.value(index);
}

QString number(double value)
{
    return std::isnan(value) ? QString() : QString::number(value, 'g', 6);
}

} // namespace

SuspectScores lossBasedSuspects(const SampleTable &table)
{
    SuspectScores suspects;
    const auto n = size_t(table.size());
    suspects.score.assign(n, NAN);
    suspects.isIssue.assign(n, 0);
    suspects.suggested.assign(n, -1);
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(table.loss[i]))
            continue;
        suspects.score[i] = 1.0f - std::exp(-table.loss[i]);
        suspects.isIssue[i] = table.isError(qint64(i));
        suspects.suggested[i] = suspects.isIssue[i] ? table.predicted[i] : -1;
    }
    return suspects;
}

SuspectScores suspectScores(const SampleTable &table, const AnalysisResults &analysis)
{
    const LabelIssueResults &issues = analysis.get<LabelIssueResults>();
    if (!table.hasPredictions() || !issues.hasScores())
        return lossBasedSuspects(table);
    SuspectScores scores;
    scores.score = issues.issueScore;
    scores.isIssue.resize(size_t(table.size()));
    for (qint64 i = 0; i < table.size(); ++i)
        scores.isIssue[size_t(i)] = issues.isFlagged(i) ? 1 : 0;
    scores.suggested = issues.suggestedLabel;
    return scores;
}

std::vector<qint64> rankBySuspicion(const SuspectScores &scores)
{
    std::vector<qint64> order;
    order.reserve(scores.score.size());
    for (size_t i = 0; i < scores.score.size(); ++i) {
        if (!std::isnan(scores.score[i]))
            order.push_back(qint64(i));
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](qint64 a, qint64 b) { return scores.score[size_t(a)] > scores.score[size_t(b)]; });
    return order;
}

void exportSuspects(const SampleTable &table, const SuspectScores &scores, const QString &path)
{
    if (!table.hasPredictions())
        throw Error(
            QStringLiteral("the project has no predictions: import predictions.npy or logits.npy first"));
    CsvWriter writer(path);
    writer.writeRow({QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("label"),
                     QStringLiteral("predicted"), QStringLiteral("confidence"), QStringLiteral("loss"),
                     QStringLiteral("issue_score"), QStringLiteral("is_issue"),
                     QStringLiteral("suggested_label")});
    for (qint64 sample : rankBySuspicion(scores)) {
        const auto i = size_t(sample);
        const bool isIssue = scores.isIssue[i] != 0;
        writer.writeRow({table.ids.at(sample), table.images.at(sample), className(table, table.labels[i]),
                         className(table, table.predicted[i]), number(table.confidence[i]),
                         number(table.loss[i]), number(scores.score[i]),
                         isIssue ? QStringLiteral("1") : QStringLiteral("0"),
                         isIssue ? className(table, scores.suggested[i]) : QString()});
    }
    writer.commit();
}

void exportLabels(const SampleTable &table, const QString &path)
{
    CsvWriter writer(path);
    writer.writeRow({QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("label"),
                     QStringLiteral("original_label"), QStringLiteral("edited"), QStringLiteral("review")});
    for (qint64 sample = 0; sample < table.size(); ++sample) {
        const auto i = size_t(sample);
        writer.writeRow({table.ids.at(sample), table.images.at(sample), className(table, table.labels[i]),
                         className(table, table.originalLabels[i]),
                         table.isEdited(sample) ? QStringLiteral("1") : QStringLiteral("0"),
                         i < table.review.size() ? reviewStatusName(table.review[i]) : QString()});
    }
    writer.commit();
}

void exportSampleList(const SampleTable &table, const QString &datasetRoot,
                      const std::vector<qint64> &samples, const std::vector<float> &issueScores,
                      const QString &path)
{
    const QDir root(datasetRoot);
    CsvWriter writer(path);
    writer.writeRow({QStringLiteral("id"), QStringLiteral("image"), QStringLiteral("image_path"),
                     QStringLiteral("label"), QStringLiteral("predicted"), QStringLiteral("confidence"),
                     QStringLiteral("loss"), QStringLiteral("issue_score"), QStringLiteral("review")});
    for (const qint64 sample : samples) {
        const auto i = size_t(sample);
        writer.writeRow({table.ids.at(sample), table.images.at(sample),
                         QDir::cleanPath(root.absoluteFilePath(table.images.at(sample))),
                         className(table, table.labels[i]), className(table, table.predicted[i]),
                         number(table.confidence[i]), number(table.loss[i]),
                         i < issueScores.size() ? number(issueScores[i]) : QString(),
                         i < table.review.size() ? reviewStatusName(table.review[i]) : QString()});
    }
    writer.commit();
}

void exportEditLog(Project &project, const QString &path)
{
    auto query = project.database().prepare(QStringLiteral(R"sql(
SELECT e.time, e.user, e.source, s.id, 'label', oc.name, nc.name, e.note, e.edit_id
FROM label_edits AS e JOIN samples AS s USING (sample_index)
LEFT JOIN classes AS oc ON oc.class_index = e.old_label
LEFT JOIN classes AS nc ON nc.class_index = e.new_label
UNION ALL
SELECT r.time, r.user, r.source, s.id, 'review', r.old_status, r.new_status, '', r.edit_id
FROM review_edits AS r JOIN samples AS s USING (sample_index)
ORDER BY 1, 5, 9)sql"));
    CsvWriter writer(path);
    writer.writeRow({QStringLiteral("time"), QStringLiteral("user"), QStringLiteral("source"),
                     QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("old"),
                     QStringLiteral("new"), QStringLiteral("note")});
    while (query.step()) {
        QStringList row;
        for (int column = 0; column < 8; ++column)
            row << (query.isNull(column) ? QString() : query.columnText(column));
        writer.writeRow(row);
    }
    writer.commit();
}

} // namespace loupe
