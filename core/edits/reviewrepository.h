#pragma once

#include "dataset/reviewstatus.h"

#include <QList>
#include <QString>

#include <cstdint>
#include <vector>

namespace loupe {

class Project;

/** One sample's review change. */
struct ReviewChange
{
    qint64 sample = -1;
    ReviewStatus oldStatus = ReviewStatus::None;
    ReviewStatus newStatus = ReviewStatus::None;
};

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

/**
 * The only writer of review marks (`sample_reviews`). Like LabelRepository, each call is
 * one transaction that also appends an audit row per changed sample, and commits before
 * returning. Throws loupe::Error (nothing written) on a read-only project or unknown sample.
 */
class ReviewRepository
{
public:
    explicit ReviewRepository(Project &project);

    /** Gives each target sample its newStatus; returns the changes made (unchanged samples skipped). */
    QList<ReviewChange> apply(const QList<ReviewChange> &targets, const QString &source);

    ReviewStatus status(qint64 sample) const;
    /** The audit trail of one sample, oldest first; of all samples with sample = -1. */
    QList<ReviewEdit> history(qint64 sample = -1) const;

private:
    Project &m_project;
};

} // namespace loupe
