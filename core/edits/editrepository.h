#pragma once

#include "analysis/pipeline/analysisedithooks.h"
#include "common/error.h"
#include "edits/samplechange.h"
#include "edits/username.h"
#include "storage/project.h"
#include "storage/sqlitetransaction.h"

#include <QDateTime>

namespace loupe {

/**
 * The one way a sample's editable value (its label, its review mark; a box next) is
 * written. Field describes the value, in the spirit of Tiled's ChangeValue:
 *
 *     using Value = ...;
 *     static QString what();   // "change labels": for "PROJECT: cannot change labels: REASON"
 *     static void check(Project &, const Value &);      // throws loupe::Error on an invalid value
 *     static Value read(SqliteDatabase &, qint64 sample);
 *     static void write(SqliteDatabase &, qint64 sample, const Value &);
 *     static void audit(SqliteDatabase &, const SampleChange<Value> &, const EditStamp &,
 *                       const QString &user, const QString &time);  // one audit-trail row
 *     static void afterWrite(Project &, qint64 sample, const Value &);  // values derived from it
 *
 * Each apply() is one transaction: every target's value, its audit row (who, when, where
 * from, why) and the stored analysis the change touches (AnalysisEditHooks) are written
 * together and committed before it returns, so a confirmed edit survives a crash and a
 * failed one leaves nothing. Undo is another edit back to the old value: the trail keeps both.
 */
template<typename Field> class EditRepository
{
public:
    using Value = typename Field::Value;
    using Change = SampleChange<Value>;

    explicit EditRepository(Project &project) : m_project(project) {}

    /**
     * Gives each target sample its newValue (oldValue is not consulted: the stored value is).
     * Throws loupe::Error, with nothing written, on a read-only project, an unknown sample
     * or an invalid value.
     */
    EditResult<Value> apply(const QList<Change> &targets, const EditStamp &stamp)
    {
        if (m_project.isReadOnly())
            throw Error(QStringLiteral("%1: cannot %2: %3")
                            .arg(m_project.fileName(), Field::what(), m_project.readOnlyReason()));
        SqliteDatabase &db = m_project.database();
        SqliteTransaction transaction(db);
        AnalysisEditHooks analysis(m_project);
        const qint64 samples = m_project.sampleCount();
        const QString user = currentUserName();
        const QString time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
        EditResult<Value> result;
        for (const Change &target : targets) {
            if (target.sample < 0 || target.sample >= samples)
                throw Error(QStringLiteral("sample %1 does not exist").arg(target.sample));
            Field::check(m_project, target.newValue);
            const Value old = Field::read(db, target.sample);
            if (old == target.newValue)
                continue;
            const Change change{target.sample, old, target.newValue};
            analysis.beforeChange(change.sample);
            Field::write(db, change.sample, change.newValue);
            Field::audit(db, change, stamp, user, time);
            Field::afterWrite(m_project, change.sample, change.newValue);
            analysis.afterChange(change.sample);
            result.changes.append(change);
        }
        result.rescored = analysis.finish();
        transaction.commit();
        return result;
    }

    /** Gives every sample in samples the value. */
    EditResult<Value> set(const QList<qint64> &samples, const Value &value, const EditStamp &stamp)
    {
        QList<Change> targets;
        for (const qint64 sample : samples)
            targets.append({sample, value, value});
        return apply(targets, stamp);
    }

    /** The stored value of sample. */
    Value current(qint64 sample) const { return Field::read(m_project.database(), sample); }

protected:
    Project &m_project;
};

} // namespace loupe
