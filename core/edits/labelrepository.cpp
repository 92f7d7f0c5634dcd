#include "edits/labelrepository.h"

#include "metrics/samplescores.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <cmath>

namespace loupe {

void LabelField::check(Project &project, int label)
{
    if (label < -1 || label >= project.classNames().size())
        throw Error(QStringLiteral("class index %1 does not exist").arg(label));
}

int LabelField::read(SqliteDatabase &db, qint64 sample)
{
    auto query = db.prepare(QStringLiteral("SELECT label FROM samples WHERE sample_index = ?"));
    query.bind(1, sample);
    if (!query.step())
        throw Error(QStringLiteral("sample %1 does not exist").arg(sample));
    return query.isNull(0) ? -1 : query.columnInt(0);
}

void LabelField::write(SqliteDatabase &db, qint64 sample, int label)
{
    auto update = db.prepare(QStringLiteral("UPDATE samples SET label = ? WHERE sample_index = ?"));
    label < 0 ? update.bindNull(1) : update.bind(1, label);
    update.bind(2, sample).execute();
}

void LabelField::audit(SqliteDatabase &db, const LabelChange &change, const EditStamp &stamp,
                       const QString &user, const QString &time)
{
    auto audit =
        db.prepare(QStringLiteral("INSERT INTO label_edits(sample_index, old_label, new_label, time, note, "
                                  "source, user) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    audit.bind(1, change.sample);
    change.oldValue < 0 ? audit.bindNull(2) : audit.bind(2, change.oldValue);
    change.newValue < 0 ? audit.bindNull(3) : audit.bind(3, change.newValue);
    audit.bind(4, time).bind(5, stamp.note).bind(6, stamp.source).bind(7, user).execute();
}

void LabelField::afterWrite(Project &project, qint64 sample, int label)
{
    SqliteDatabase &db = project.database();
    auto update =
        db.prepare(QStringLiteral("UPDATE predictions SET given_probability = ?, loss = ?, margin = ? "
                                  "WHERE run_id = ? AND sample_index = ?"));
    for (const RunInfo &run : project.runs()) {
        const RunArrays arrays(db, run.id);
        if (!arrays.has(RunArray::Probabilities))
            continue;
        const std::vector<float> row = arrays.readRow(RunArray::Probabilities, sample);
        const SampleScores scores = computeSampleScores(row.data(), int(row.size()), label);
        if (std::isnan(scores.loss))
            update.bindNull(1).bindNull(2).bindNull(3);
        else
            update.bind(1, scores.givenProbability).bind(2, scores.loss).bind(3, scores.margin);
        update.bind(4, run.id).bind(5, sample).execute();
    }
}

LabelRepository::LabelRepository(Project &project) : EditRepository<LabelField>(project) {}

QList<LabelChange> LabelRepository::relabel(const QList<qint64> &samples, int newLabel, const QString &note,
                                            const QString &source)
{
    return set(samples, newLabel, {source, note}).changes;
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
