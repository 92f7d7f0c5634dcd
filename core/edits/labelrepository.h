#pragma once

#include "edits/editrepository.h"

#include <QList>
#include <QString>

namespace loupe {

class SqliteDatabase;

/** One sample's label change; label -1 means unlabeled. */
using LabelChange = SampleChange<int>;

/** One row of the audit trail (`label_edits`). */
struct LabelEdit
{
    qint64 editId = 0;
    qint64 sample = -1;
    int oldLabel = -1;
    int newLabel = -1;
    QString time; // ISO 8601, UTC, milliseconds
    QString note;
    QString source; // "app", "cli", "undo", ...
    QString user;   // the operating-system account that made the edit; empty before format 4
};

/** A sample's label as EditRepository edits it: `samples.label`, audited in `label_edits`. */
struct LabelField
{
    using Value = int; // class index, -1 = unlabeled

    static QString what() { return QStringLiteral("change labels"); }
    /** Throws for a class index the project does not have. */
    static void check(Project &project, int label);
    static int read(SqliteDatabase &db, qint64 sample);
    static void write(SqliteDatabase &db, qint64 sample, int label);
    static void audit(SqliteDatabase &db, const LabelChange &change, const EditStamp &stamp,
                      const QString &user, const QString &time);
    /** Recomputes the sample's given_probability, loss and margin in every run for the new label. */
    static void afterWrite(Project &project, qint64 sample, int label);
};

/**
 * The only writer of labels (EditRepository<LabelField>): each call is one transaction that
 * updates the labels, appends one audit row per changed sample, recomputes the changed
 * samples' loss and margin in every run and keeps the stored analysis current.
 */
class LabelRepository final : public EditRepository<LabelField>
{
public:
    explicit LabelRepository(Project &project);

    /** Gives every sample in samples the label newLabel; returns the changes made (unchanged samples
     * skipped). */
    QList<LabelChange> relabel(const QList<qint64> &samples, int newLabel, const QString &note,
                               const QString &source);
    int currentLabel(qint64 sample) const { return current(sample); }
    /** The audit trail of one sample, oldest first; of all samples with sample = -1. */
    QList<LabelEdit> history(qint64 sample = -1) const;
};

} // namespace loupe
