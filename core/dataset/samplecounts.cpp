#include "dataset/samplecounts.h"

#include "dataset/sampletable.h"

namespace loupe {

SampleCounts SampleCounts::of(const SampleTable &table, const std::vector<int> &isIssue)
{
    SampleCounts counts;
    counts.samples = table.size();
    for (qint64 i = 0; i < table.size(); ++i) {
        const SampleState state = table.state(i);
        counts.labelled += state.isLabelled();
        counts.excluded += state.excluded;
        counts.evaluated += state.isEvaluated();
        counts.errors += state.isError();
        counts.edited += table.isEdited(i);
        counts.reviewed += table.isReviewed(i);
    }
    counts.unlabeled = counts.samples - counts.labelled;
    if (!isIssue.empty()) {
        counts.flagged = 0;
        for (const int flag : isIssue)
            counts.flagged += flag == 1;
    }
    return counts;
}

} // namespace loupe
