#pragma once

#include "dataset/reviewstatus.h"
#include "edits/editrepository.h"

#include <QList>
#include <QString>

namespace loupe {

class SqliteDatabase;

/** One sample's review change. */
using ReviewChange = SampleChange<ReviewStatus>;

/** One row of the review audit trail (`review_edits`). */
struct ReviewEdit
{
    qint64 editId = 0;
    qint64 sample = -1;
    ReviewStatus oldStatus = ReviewStatus::None;
    ReviewStatus newStatus = ReviewStatus::None;
    QString time; // ISO 8601, UTC, milliseconds
    QString source;
    QString user; // the operating-system account that made the mark
};

/** A sample's review mark as EditRepository edits it: `sample_reviews`, audited in `review_edits`. */
struct ReviewField
{
    using Value = ReviewStatus;

    static QString what() { return QStringLiteral("mark samples"); }
    static void check(Project &, ReviewStatus) {}
    static ReviewStatus read(SqliteDatabase &db, qint64 sample);
    static void write(SqliteDatabase &db, qint64 sample, ReviewStatus status);
    /** The trail has no note column: marks speak for themselves. */
    static void audit(SqliteDatabase &db, const ReviewChange &change, const EditStamp &stamp,
                      const QString &user, const QString &time);
    static void afterWrite(Project &, qint64, ReviewStatus) {}
};

/**
 * The only writer of review marks (EditRepository<ReviewField>): like labels, each call is
 * one transaction that also appends an audit row per changed sample and keeps the stored
 * analysis current (an excluded sample leaves its cluster's and slices' counts).
 */
class ReviewRepository final : public EditRepository<ReviewField>
{
public:
    explicit ReviewRepository(Project &project);

    /** Gives each target sample its newValue; returns the changes made (unchanged samples skipped). */
    QList<ReviewChange> mark(const QList<ReviewChange> &targets, const QString &source);
    ReviewStatus status(qint64 sample) const { return current(sample); }
    /** The audit trail of one sample, oldest first; of all samples with sample = -1. */
    QList<ReviewEdit> history(qint64 sample = -1) const;
};

} // namespace loupe
