#include "edits/reviewrepository.h"

#include "common/error.h"
#include "edits/username.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitetransaction.h"

#include <QDateTime>

namespace loupe {

namespace {

void bindStatus(SqliteStatement &statement, int index, ReviewStatus status)
{
    if (status == ReviewStatus::None)
        statement.bindNull(index);
    else
        statement.bind(index, reviewStatusName(status));
}

} // namespace

ReviewRepository::ReviewRepository(Project &project) : m_project(project) {}

QList<ReviewChange> ReviewRepository::apply(const QList<ReviewChange> &targets, const QString &source)
{
    if (m_project.isReadOnly())
        throw Error(QStringLiteral("%1: cannot mark samples: %2")
                        .arg(m_project.fileName(), m_project.readOnlyReason()));
    SqliteDatabase &db = m_project.database();
    SqliteTransaction transaction(db);
    auto upsert = db.prepare(QStringLiteral(
        "INSERT INTO sample_reviews(sample_index, status, time) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(sample_index) DO UPDATE SET status = excluded.status, time = excluded.time"));
    auto remove = db.prepare(QStringLiteral("DELETE FROM sample_reviews WHERE sample_index = ?"));
    auto audit = db.prepare(QStringLiteral("INSERT INTO review_edits(sample_index, old_status, new_status, "
                                           "time, source, user) VALUES (?, ?, ?, ?, ?, ?)"));
    const QString user = currentUserName();
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const qint64 samples = m_project.sampleCount();
    QList<ReviewChange> changes;
    for (const ReviewChange &target : targets) {
        if (target.sample < 0 || target.sample >= samples)
            throw Error(QStringLiteral("sample %1 does not exist").arg(target.sample));
        const ReviewStatus old = status(target.sample);
        if (old == target.newStatus)
            continue;
        if (target.newStatus == ReviewStatus::None)
            remove.bind(1, target.sample).execute();
        else
            upsert.bind(1, target.sample).bind(2, reviewStatusName(target.newStatus)).bind(3, now).execute();
        audit.bind(1, target.sample);
        bindStatus(audit, 2, old);
        bindStatus(audit, 3, target.newStatus);
        audit.bind(4, now).bind(5, source).bind(6, user).execute();
        changes.append({target.sample, old, target.newStatus});
    }
    transaction.commit();
    return changes;
}

ReviewStatus ReviewRepository::status(qint64 sample) const
{
    auto query = m_project.database().prepare(
        QStringLiteral("SELECT status FROM sample_reviews WHERE sample_index = ?"));
    query.bind(1, sample);
    return query.step() ? reviewStatusFromName(query.columnText(0)) : ReviewStatus::None;
}

QList<ReviewEdit> ReviewRepository::history(qint64 sample) const
{
    auto query = m_project.database().prepare(QStringLiteral(
        "SELECT edit_id, sample_index, old_status, new_status, time, source, user FROM review_edits "
        "WHERE ?1 < 0 OR sample_index = ?1 ORDER BY edit_id"));
    query.bind(1, sample);
    QList<ReviewEdit> edits;
    while (query.step()) {
        edits.append({query.columnInt64(0), query.columnInt64(1), reviewStatusFromName(query.columnText(2)),
                      reviewStatusFromName(query.columnText(3)), query.columnText(4), query.columnText(5),
                      query.columnText(6)});
    }
    return edits;
}

} // namespace loupe
