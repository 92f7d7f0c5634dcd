#include "edits/reviewrepository.h"

#include "storage/sqlitedatabase.h"

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

ReviewStatus ReviewField::read(SqliteDatabase &db, qint64 sample)
{
    auto query = db.prepare(QStringLiteral("SELECT status FROM sample_reviews WHERE sample_index = ?"));
    query.bind(1, sample);
    return query.step() ? reviewStatusFromName(query.columnText(0)) : ReviewStatus::None;
}

void ReviewField::write(SqliteDatabase &db, qint64 sample, ReviewStatus status)
{
    if (status == ReviewStatus::None) {
        auto remove = db.prepare(QStringLiteral("DELETE FROM sample_reviews WHERE sample_index = ?"));
        remove.bind(1, sample).execute();
        return;
    }
    auto upsert = db.prepare(QStringLiteral(
        "INSERT INTO sample_reviews(sample_index, status, time) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(sample_index) DO UPDATE SET status = excluded.status, time = excluded.time"));
    upsert.bind(1, sample)
        .bind(2, reviewStatusName(status))
        .bind(3, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
        .execute();
}

void ReviewField::audit(SqliteDatabase &db, const ReviewChange &change, const EditStamp &stamp,
                        const QString &user, const QString &time)
{
    auto audit =
        db.prepare(QStringLiteral("INSERT INTO review_edits(sample_index, old_status, new_status, time, "
                                  "source, user) VALUES (?, ?, ?, ?, ?, ?)"));
    audit.bind(1, change.sample);
    bindStatus(audit, 2, change.oldValue);
    bindStatus(audit, 3, change.newValue);
    audit.bind(4, time).bind(5, stamp.source).bind(6, user).execute();
}

ReviewRepository::ReviewRepository(Project &project) : EditRepository<ReviewField>(project) {}

QList<ReviewChange> ReviewRepository::mark(const QList<ReviewChange> &targets, const QString &source)
{
    return apply(targets, {source, {}}).changes;
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
