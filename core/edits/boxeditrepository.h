#pragma once

#include "detection/annotationerrors.h"
#include "detection/detections.h"
#include "edits/samplechange.h"

#include <QList>
#include <QString>

#include <optional>

namespace loupe {

class Project;
class SqliteDatabase;

/** One change to a detection project's annotated boxes. */
struct BoxChange
{
    enum class Action { Add, Delete, Relabel, Move };
    Action action = Action::Relabel;
    qint64 boxId = -1; ///< the box changed; for Add, filled in once it is written
    Annotation box;    ///< Add: the new box; Relabel: the new class; Move: the new place
};

/** One row of the audit trail (`box_edits`). */
struct BoxEdit
{
    qint64 editId = 0;
    qint64 boxId = -1;
    BoxChange::Action action = BoxChange::Action::Relabel;
    std::optional<Annotation> before; ///< none for an added box
    std::optional<Annotation> after;  ///< none for a deleted box
    QString time;
    QString note;
    QString source;
    QString user;
};

/**
 * The change that applies a suggestion's fix: add the overlooked object, relabel, move or delete
 * the annotation, whose box_id is boxId (unused for an overlooked object). nullopt for no issue.
 */
std::optional<BoxChange> changeFixing(const AnnotationSuggestion &suggestion, qint64 boxId);

/** "add", "delete", "relabel", "move": the actions as stored. */
QString boxActionName(BoxChange::Action action);

/**
 * The only writer of annotated boxes: each apply() is one transaction that checks every
 * change (the box exists, the class is the project's, the box has an area and stays inside
 * its image), writes it and appends one audit row with its before and after, so a confirmed
 * edit survives a crash and a refused batch writes nothing. Undo is another edit back (the
 * trail keeps both): a deleted box comes back with its id.
 */
class BoxEditRepository
{
public:
    explicit BoxEditRepository(Project &project);

    /** Applies changes in order; returns them with their box ids (Add) filled in. Throws loupe::Error. */
    QList<BoxChange> apply(QList<BoxChange> changes, const EditStamp &stamp);

    /** Undoes the edits with these ids, newest first, as one transaction (stamp's source, e.g. "cli-undo").
     */
    void undo(const QList<qint64> &editIds, const EditStamp &stamp);

    /** The box as it is now; nullopt when it does not exist (deleted, or never). */
    std::optional<Annotation> current(qint64 boxId) const;

    /** The audit trail, oldest first. */
    QList<BoxEdit> history() const;

private:
    void check(const Annotation &box) const;
    qint64 insert(const Annotation &box, qint64 boxId);
    void audit(qint64 boxId, BoxChange::Action action, const std::optional<Annotation> &before,
               const std::optional<Annotation> &after, const EditStamp &stamp, const QString &user,
               const QString &time);
    void applyOne(BoxChange &change, const EditStamp &stamp, const QString &user, const QString &time);

    Project &m_project;
};

} // namespace loupe
