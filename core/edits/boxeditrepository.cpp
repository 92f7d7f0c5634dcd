#include "edits/boxeditrepository.h"

#include "common/error.h"
#include "edits/username.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitetransaction.h"

#include <QDateTime>

#include <algorithm>

namespace loupe {

namespace {

/** Boxes may reach this far past their image's border, as on import. */
constexpr double kBorderTolerance = 1.0;

std::optional<BoxChange::Action> actionFromName(const QString &name)
{
    for (const auto action : {BoxChange::Action::Add, BoxChange::Action::Delete, BoxChange::Action::Relabel,
                              BoxChange::Action::Move}) {
        if (boxActionName(action) == name)
            return action;
    }
    return std::nullopt;
}

void bindBox(SqliteStatement &statement, int first, const std::optional<Annotation> &box)
{
    if (!box) {
        for (int i = 0; i < 4; ++i)
            statement.bindNull(first + i);
        return;
    }
    statement.bind(first, box->box.x).bind(first + 1, box->box.y);
    statement.bind(first + 2, box->box.width).bind(first + 3, box->box.height);
}

std::optional<Annotation> readBox(SqliteStatement &row, qint64 sample, int classColumn, int first)
{
    if (row.isNull(classColumn))
        return std::nullopt;
    return Annotation{sample,
                      row.columnInt(classColumn),
                      {row.columnDouble(first), row.columnDouble(first + 1), row.columnDouble(first + 2),
                       row.columnDouble(first + 3)},
                      0.0,
                      false};
}

} // namespace

std::optional<BoxChange> changeFixing(const AnnotationSuggestion &suggestion, qint64 boxId)
{
    BoxChange change;
    change.boxId = boxId;
    switch (suggestion.issue) {
    case AnnotationIssue::Overlooked:
        return BoxChange{BoxChange::Action::Add,
                         -1,
                         {suggestion.image, suggestion.newClass, suggestion.newBox, 0.0, false}};
    case AnnotationIssue::WrongClass:
        change.action = BoxChange::Action::Relabel;
        change.box.category = suggestion.newClass;
        return change;
    case AnnotationIssue::BadLocation:
        change.action = BoxChange::Action::Move;
        change.box.box = suggestion.newBox;
        return change;
    case AnnotationIssue::Spurious:
        change.action = BoxChange::Action::Delete;
        return change;
    case AnnotationIssue::None:
        break;
    }
    return std::nullopt;
}

QString boxActionName(BoxChange::Action action)
{
    switch (action) {
    case BoxChange::Action::Add:
        return QStringLiteral("add");
    case BoxChange::Action::Delete:
        return QStringLiteral("delete");
    case BoxChange::Action::Relabel:
        return QStringLiteral("relabel");
    case BoxChange::Action::Move:
        return QStringLiteral("move");
    }
    return {};
}

BoxEditRepository::BoxEditRepository(Project &project) : m_project(project) {}

std::optional<Annotation> BoxEditRepository::current(qint64 boxId) const
{
    auto query = m_project.database().prepare(QStringLiteral(
        "SELECT sample_index, class_index, x, y, width, height, area, crowd FROM boxes WHERE box_id = ?"));
    query.bind(1, boxId);
    if (!query.step())
        return std::nullopt;
    return Annotation{
        query.columnInt64(0),
        query.columnInt(1),
        {query.columnDouble(2), query.columnDouble(3), query.columnDouble(4), query.columnDouble(5)},
        query.isNull(6) ? 0.0 : query.columnDouble(6),
        query.columnInt(7) != 0};
}

void BoxEditRepository::check(const Annotation &box) const
{
    SqliteDatabase &db = m_project.database();
    if (box.image < 0 || box.image >= m_project.sampleCount())
        throw Error(QStringLiteral("image %1 does not exist").arg(box.image));
    if (box.category < 0 || box.category >= int(m_project.classNames().size()))
        throw Error(QStringLiteral("class %1 does not exist").arg(box.category));
    if (!(box.box.width > 0.0) || !(box.box.height > 0.0) || !std::isfinite(box.box.x) ||
        !std::isfinite(box.box.y))
        throw Error(QStringLiteral("a box needs a finite place and a positive width and height"));
    auto size = db.prepare(QStringLiteral("SELECT width, height FROM image_sizes WHERE sample_index = ?"));
    size.bind(1, box.image);
    const bool inside = box.box.x >= -kBorderTolerance && box.box.y >= -kBorderTolerance &&
                        (!size.step() || (box.box.right() <= size.columnDouble(0) + kBorderTolerance &&
                                          box.box.bottom() <= size.columnDouble(1) + kBorderTolerance));
    if (!inside)
        throw Error(QStringLiteral("the box [%1, %2, %3, %4] is not inside its image")
                        .arg(box.box.x)
                        .arg(box.box.y)
                        .arg(box.box.width)
                        .arg(box.box.height));
}

qint64 BoxEditRepository::insert(const Annotation &box, qint64 boxId)
{
    auto statement = m_project.database().prepare(QStringLiteral(
        "INSERT INTO boxes(box_id, sample_index, class_index, x, y, width, height, area, crowd) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)"));
    if (boxId >= 0)
        statement.bind(1, boxId);
    else
        statement.bindNull(1);
    statement.bind(2, box.image).bind(3, box.category).bind(4, box.box.x).bind(5, box.box.y);
    statement.bind(6, box.box.width).bind(7, box.box.height).bind(8, int(box.crowd)).execute();
    return m_project.database().queryInt(QStringLiteral("SELECT last_insert_rowid()"));
}

void BoxEditRepository::audit(qint64 boxId, BoxChange::Action action, const std::optional<Annotation> &before,
                              const std::optional<Annotation> &after, const EditStamp &stamp,
                              const QString &user, const QString &time)
{
    auto statement = m_project.database().prepare(QStringLiteral(
        "INSERT INTO box_edits(box_id, action, sample_index, old_class, new_class, old_x, old_y, old_width, "
        "old_height, new_x, new_y, new_width, new_height, time, note, source, user) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    statement.bind(1, boxId).bind(2, boxActionName(action)).bind(3, before ? before->image : after->image);
    if (before)
        statement.bind(4, before->category);
    else
        statement.bindNull(4);
    if (after)
        statement.bind(5, after->category);
    else
        statement.bindNull(5);
    bindBox(statement, 6, before);
    bindBox(statement, 10, after);
    statement.bind(14, time).bind(15, stamp.note).bind(16, stamp.source).bind(17, user).execute();
}

void BoxEditRepository::applyOne(BoxChange &change, const EditStamp &stamp, const QString &user,
                                 const QString &time)
{
    SqliteDatabase &db = m_project.database();
    if (change.action == BoxChange::Action::Add) {
        check(change.box);
        if (change.boxId >= 0 && current(change.boxId))
            throw Error(QStringLiteral("box %1 exists already").arg(change.boxId));
        change.boxId = insert(change.box, change.boxId);
        audit(change.boxId, change.action, std::nullopt, change.box, stamp, user, time);
        return;
    }
    const std::optional<Annotation> before = current(change.boxId);
    if (!before)
        throw Error(QStringLiteral("box %1 does not exist").arg(change.boxId));
    Annotation after = *before;
    switch (change.action) {
    case BoxChange::Action::Delete: {
        auto remove = db.prepare(QStringLiteral("DELETE FROM boxes WHERE box_id = ?"));
        remove.bind(1, change.boxId).execute();
        audit(change.boxId, change.action, before, std::nullopt, stamp, user, time);
        return;
    }
    case BoxChange::Action::Relabel:
        after.category = change.box.category;
        break;
    case BoxChange::Action::Move:
        after.box = change.box.box;
        after.area = 0.0; // the imported area described the old outline
        break;
    case BoxChange::Action::Add:
        break;
    }
    check(after);
    auto update = db.prepare(QStringLiteral(
        "UPDATE boxes SET class_index = ?, x = ?, y = ?, width = ?, height = ?, area = CASE WHEN ? THEN NULL "
        "ELSE area END WHERE box_id = ?"));
    update.bind(1, after.category).bind(2, after.box.x).bind(3, after.box.y).bind(4, after.box.width);
    update.bind(5, after.box.height)
        .bind(6, int(change.action == BoxChange::Action::Move))
        .bind(7, change.boxId);
    update.execute();
    change.box = after;
    audit(change.boxId, change.action, before, after, stamp, user, time);
}

QList<BoxChange> BoxEditRepository::apply(QList<BoxChange> changes, const EditStamp &stamp)
{
    if (m_project.isReadOnly())
        throw Error(QStringLiteral("%1: cannot change boxes: %2")
                        .arg(m_project.fileName(), m_project.readOnlyReason()));
    if (m_project.task() != ProjectTask::Detection)
        throw Error(QStringLiteral("%1: not a detection project").arg(m_project.fileName()));
    SqliteTransaction transaction(m_project.database());
    const QString user = currentUserName();
    const QString time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    for (qsizetype i = 0; i < changes.size(); ++i) {
        try {
            applyOne(changes[i], stamp, user, time);
        } catch (const Error &error) {
            throw Error(QStringLiteral("%1: change %2 of %3 (%4 box %5): %6; nothing was changed")
                            .arg(m_project.fileName())
                            .arg(i + 1)
                            .arg(changes.size())
                            .arg(boxActionName(changes[i].action))
                            .arg(changes[i].boxId)
                            .arg(error.message()));
        }
    }
    transaction.commit();
    return changes;
}

QList<BoxEdit> BoxEditRepository::history() const
{
    QList<BoxEdit> edits;
    auto query = m_project.database().prepare(QStringLiteral(
        "SELECT edit_id, box_id, action, sample_index, old_class, new_class, old_x, old_y, old_width, "
        "old_height, "
        "new_x, new_y, new_width, new_height, time, note, source, user FROM box_edits ORDER BY edit_id"));
    while (query.step()) {
        BoxEdit edit;
        edit.editId = query.columnInt64(0);
        edit.boxId = query.columnInt64(1);
        edit.action = actionFromName(query.columnText(2)).value_or(BoxChange::Action::Relabel);
        const qint64 sample = query.columnInt64(3);
        edit.before = readBox(query, sample, 4, 6);
        edit.after = readBox(query, sample, 5, 10);
        edit.time = query.columnText(14);
        edit.note = query.columnText(15);
        edit.source = query.columnText(16);
        edit.user = query.columnText(17);
        edits.append(edit);
    }
    return edits;
}

void BoxEditRepository::undo(const QList<qint64> &editIds, const EditStamp &stamp)
{
    const QList<BoxEdit> all = history();
    QList<BoxEdit> chosen;
    for (const BoxEdit &edit : all) {
        if (editIds.contains(edit.editId))
            chosen.append(edit);
    }
    if (chosen.size() != editIds.size())
        throw Error(
            QStringLiteral("%1: no such box edit among %2").arg(m_project.fileName()).arg(editIds.size()));
    std::reverse(chosen.begin(), chosen.end());
    QList<BoxChange> inverse;
    for (const BoxEdit &edit : chosen) {
        switch (edit.action) {
        case BoxChange::Action::Add:
            inverse.append({BoxChange::Action::Delete, edit.boxId, {}});
            break;
        case BoxChange::Action::Delete:
            inverse.append({BoxChange::Action::Add, edit.boxId, *edit.before});
            break;
        case BoxChange::Action::Relabel:
        case BoxChange::Action::Move:
            inverse.append({edit.action, edit.boxId, *edit.before});
            break;
        }
    }
    apply(inverse, stamp);
}

} // namespace loupe
