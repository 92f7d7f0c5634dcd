#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace loupe {

class Project;

/** One sample's label change; label -1 means unlabeled. */
struct LabelChange
{
    qint64 sample = -1;
    int oldLabel = -1;
    int newLabel = -1;
};

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

/**
 * The only writer of labels. Each call is one transaction that updates the labels,
 * appends one audit row per changed sample, and recomputes the changed samples'
 * loss and margin in every run; it commits before returning, so a confirmed edit
 * survives a crash. Undo is another edit (restoring the old labels), so the audit
 * trail keeps both.
 */
class LabelRepository final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabelRepository)

public:
    explicit LabelRepository(Project &project, QObject *parent = nullptr);

    /** Gives every sample in samples the label newLabel. Returns the changes made (unchanged samples
     * skipped). */
    QList<LabelChange> relabel(const QList<qint64> &samples, int newLabel, const QString &note,
                               const QString &source);
    /** Applies each change's newLabel (e.g. the oldLabel of an edit being undone). */
    QList<LabelChange> apply(const QList<LabelChange> &targets, const QString &note, const QString &source);

    int currentLabel(qint64 sample) const;
    /** The audit trail of one sample, oldest first; of all samples with sample = -1. */
    QList<LabelEdit> history(qint64 sample = -1) const;

Q_SIGNALS:
    void labelsChanged(const QList<loupe::LabelChange> &changes);

private:
    void updateScores(qint64 sample, int label);

    Project &m_project;
};

} // namespace loupe
