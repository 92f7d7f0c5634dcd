#pragma once

#include "edits/labelrepository.h"

#include <QList>

namespace loupe {

class Project;

/**
 * Keeps stored analysis results current when a label changes, without a full
 * recompute: the changed sample's issue score, flag and suggestion (from its stored
 * probability row, its stored neighbours' current labels and the last run's
 * thresholds), the error counts of its clusters, and the counts of the slices it
 * leaves or joins. Rankings (severity, slice scores) and other samples' scores are
 * refreshed by the next `analyze`.
 *
 * LabelRepository calls beforeChange() and afterChange() inside its transaction.
 */
class AnalysisUpdater
{
public:
    explicit AnalysisUpdater(Project &project);

    /** Records which slices the sample is in and whether it was an error, before the label changes. */
    void beforeChange(qint64 sample);
    /** Applies the change to the stored results; the samples table already holds the new label. */
    void afterChange(const LabelChange &change);

private:
    struct SliceMembership
    {
        int rank = 0;
        bool member = false;
        bool error = false;
    };

    void updateIssueScore(int runId, const LabelChange &change);
    void updateClusterCounts(int runId, const LabelChange &change);
    QList<SliceMembership> sliceMembership(int runId, qint64 sample) const;

    Project &m_project;
    QList<SliceMembership> m_slicesBefore;
};

} // namespace loupe
