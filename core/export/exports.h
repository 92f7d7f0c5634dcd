#pragma once

#include <QString>

#include <vector>

namespace loupe {

class AnalysisResults;
class Project;
struct SampleTable;

/** Per-sample label-issue verdicts: from the analysis engine, or the loss-based fallback. */
struct SuspectScores
{
    std::vector<float> score;   // in [0, 1], NaN when not scored (unlabeled)
    std::vector<int> isIssue;   // 0 or 1
    std::vector<int> suggested; // class index, -1 for none
};

/**
 * The fallback before `analyze` has run: score 1 - p(given label), which ranks exactly
 * like the cross-entropy loss; flagged when the prediction differs from the label, with
 * the prediction as the suggestion.
 */
SuspectScores lossBasedSuspects(const SampleTable &table);

/** The analysis's label-issue verdicts when the label_issues step ran, else lossBasedSuspects(). */
SuspectScores suspectScores(const SampleTable &table, const AnalysisResults &analysis);

/** Sample indices with a score, most suspicious first (ties by sample index). */
std::vector<qint64> rankBySuspicion(const SuspectScores &scores);

/** Writes id,image,label,predicted,confidence,loss,issue_score,is_issue,suggested_label, most suspicious
 * first. */
void exportSuspects(const SampleTable &table, const SuspectScores &scores, const QString &path);

/** Writes id,image,label,original_label,edited,review (the reviewer's mark or empty) for every sample. */
void exportLabels(const SampleTable &table, const QString &path);

/**
 * Writes samples (in the given order) with the absolute path of each image, for
 * labelling tools and targeted collection: id,image,image_path,label,predicted,
 * confidence,loss,issue_score,review. issueScores may be empty (not analysed).
 */
void exportSampleList(const SampleTable &table, const QString &datasetRoot,
                      const std::vector<qint64> &samples, const std::vector<float> &issueScores,
                      const QString &path);

/**
 * Writes the project's edit log, oldest first, for review: time,user,source,id,kind,old,new,note,
 * where kind is "label" (old and new are class names, empty = unlabeled) or "review"
 * (old and new are review marks, empty = unmarked).
 */
void exportEditLog(Project &project, const QString &path);

} // namespace loupe
