#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

struct SampleTable;

/**
 * The counts every surface shows (status bar, reports, CLI, HTML report, exports), derived
 * in one place from SampleState's definitions, so that they agree.
 */
struct SampleCounts
{
    qint64 samples = 0;
    qint64 labelled = 0;
    qint64 unlabeled = 0;
    qint64 excluded = 0;  // marked "excluded" in review
    qint64 evaluated = 0; // labelled, predicted and not excluded: what the metrics count
    qint64 errors = 0;    // evaluated samples whose prediction differs from the label
    qint64 edited = 0;    // label differs from the imported one
    qint64 reviewed = 0;  // any review mark
    qint64 flagged = -1;  // likely label errors; -1 when the label issues were not computed

    /** Counts table; isIssue (per sample, 1 = flagged) when the label issues were computed. */
    static SampleCounts of(const SampleTable &table, const std::vector<int> &isIssue = {});
};

} // namespace loupe
