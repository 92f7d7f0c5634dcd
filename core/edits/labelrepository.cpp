#include "edits/labelrepository.h"

#include "common/error.h"
#include "edits/analysisupdater.h"
#include "edits/username.h"
#include "metrics/samplescores.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitetransaction.h"

#include <QDateTime>

namespace loupe {

LabelRepository::LabelRepository(Project &project, QObject *parent) : QObject(parent), m_project(project) {}

QList<LabelChange> LabelRepository::relabel(const QList<qint64> &samples, int newLabel, const QString &note,
                                            const QString &source)
{
    QList<LabelChange> targets;
    for (qint64 sample : samples)
        targets.append({sample, -1, newLabel});
    return apply(targets, note, source);
}

QList<LabelChange> LabelRepository::apply(const QList<LabelChange> &targets, const QString &note,
                                          const QString &source)
{
    if (m_project.isReadOnly())
        throw Error(QStringLiteral("%1: cannot change labels: %2")
                        .arg(m_project.fileName(), m_project.readOnlyReason()));
    const qint64 classCount = qint64(m_project.classNames().size());
    SqliteDatabase &db = m_project.database();
    QList<LabelChange> changes;
    SqliteTransaction transaction(db);
    AnalysisUpdater analysis(m_project);
    auto update = db.prepare(QStringLiteral("UPDATE samples SET label = ? WHERE sample_index = ?"));
    auto audit = db.prepare(QStringLiteral("INSERT INTO label_edits(sample_index, old_label, new_label, "
                                           "time, note, source, user) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    const QString user = currentUserName();
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    for (const LabelChange &target : targets) {
        if (target.newLabel < -1 || target.newLabel >= classCount)
            throw Error(QStringLiteral("class index %1 does not exist").arg(target.newLabel));
        const int oldLabel = currentLabel(target.sample);
        if (oldLabel == target.newLabel)
            continue;
        analysis.beforeChange(target.sample);
        if (target.newLabel < 0)
            update.bindNull(1);
        else
            update.bind(1, target.newLabel);
        update.bind(2, target.sample).execute();

        audit.bind(1, target.sample);
        oldLabel < 0 ? audit.bindNull(2) : audit.bind(2, oldLabel);
        target.newLabel < 0 ? audit.bindNull(3) : audit.bind(3, target.newLabel);
        audit.bind(4, now).bind(5, note).bind(6, source).bind(7, user).execute();
        updateScores(target.sample, target.newLabel);
        analysis.afterChange({target.sample, oldLabel, target.newLabel});
        changes.append({target.sample, oldLabel, target.newLabel});
    }
    transaction.commit();
    if (!changes.isEmpty())
        Q_EMIT labelsChanged(changes);
    return changes;
}

int LabelRepository::currentLabel(qint64 sample) const
{
    auto query =
        m_project.database().prepare(QStringLiteral("SELECT label FROM samples WHERE sample_index = ?"));
    query.bind(1, sample);
    if (!query.step())
        throw Error(QStringLiteral("sample %1 does not exist").arg(sample));
    return query.isNull(0) ? -1 : query.columnInt(0);
}

void LabelRepository::updateScores(qint64 sample, int label)
{
    SqliteDatabase &db = m_project.database();
    ArrayStore arrays(db);
    auto update = db.prepare(QStringLiteral("UPDATE predictions SET given_probability = ?, loss = ?, margin "
                                            "= ? WHERE run_id = ? AND sample_index = ?"));
    for (const RunInfo &run : m_project.runs()) {
        if (!arrays.shape(run.id, QStringLiteral("probabilities")))
            continue;
        const std::vector<float> row = arrays.readRow(run.id, QStringLiteral("probabilities"), sample);
        const SampleScores scores = computeSampleScores(row.data(), int(row.size()), label);
        if (std::isnan(scores.loss))
            update.bindNull(1).bindNull(2).bindNull(3);
        else
            update.bind(1, scores.givenProbability).bind(2, scores.loss).bind(3, scores.margin);
        update.bind(4, run.id).bind(5, sample).execute();
    }
}

QList<LabelEdit> LabelRepository::history(qint64 sample) const
{
    auto query = m_project.database().prepare(QStringLiteral(
        "SELECT edit_id, sample_index, old_label, new_label, time, note, source, user FROM label_edits "
        "WHERE ?1 < 0 OR sample_index = ?1 ORDER BY edit_id"));
    query.bind(1, sample);
    QList<LabelEdit> edits;
    while (query.step()) {
        edits.append({query.columnInt64(0), query.columnInt64(1), query.isNull(2) ? -1 : query.columnInt(2),
                      query.isNull(3) ? -1 : query.columnInt(3), query.columnText(4), query.columnText(5),
                      query.columnText(6), query.columnText(7)});
    }
    return edits;
}

} // namespace loupe
