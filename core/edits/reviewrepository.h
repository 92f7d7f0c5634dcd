#pragma once

#include <QList>
#include <QString>

#include <cstdint>
#include <vector>

namespace loupe {

class Project;

/**
 * A reviewer's verdict on a sample, kept apart from its label: "reviewed" (looked at,
 * label confirmed), "ambiguous" (no single class fits; a labelling-guide question) and
 * "excluded" (should not be used: corrupt, out of scope). Excluded samples leave the
 * classification report.
 */
enum class ReviewStatus : std::uint8_t { None = 0, Reviewed, Ambiguous, Excluded };

/** "reviewed", "ambiguous", "excluded"; empty for None. The names stored in the project. */
QString reviewStatusName(ReviewStatus status);
/** The inverse of reviewStatusName(); None for anything else. */
ReviewStatus reviewStatusFromName(const QString &name);

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
    /** Every sample's status, indexed by sample (samples entries). */
    std::vector<ReviewStatus> statuses(qint64 samples) const;
    /** The audit trail of one sample, oldest first; of all samples with sample = -1. */
    QList<ReviewEdit> history(qint64 sample = -1) const;

private:
    Project &m_project;
};

} // namespace loupe
