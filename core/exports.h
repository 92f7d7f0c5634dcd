#pragma once

#include <QString>

#include <vector>

namespace loupe {

struct SampleTable;

/**
 * The label-issue score of each sample in [0, 1]: 1 - p(given label), which ranks
 * exactly like the cross-entropy loss. NaN for unlabeled samples or without a run.
 * (Confident learning replaces this in the analysis engine.)
 */
std::vector<float> labelIssueScores(const SampleTable &table);

/** Sample indices with a score, most suspicious first (ties by sample index). */
std::vector<qint64> rankBySuspicion(const SampleTable &table);

/** Writes id,image,label,predicted,confidence,loss,issue_score,is_issue,suggested_label, most suspicious first. */
void exportSuspects(const SampleTable &table, const QString &path);

/** Writes id,image,label,original_label,edited for every sample. */
void exportLabels(const SampleTable &table, const QString &path);

} // namespace loupe
