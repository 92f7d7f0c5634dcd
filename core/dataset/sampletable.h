#pragma once

#include "dataset/reviewstatus.h"
#include "dataset/samplestate.h"
#include "dataset/stringcolumn.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace loupe {

/**
 * An in-memory, column-oriented snapshot of a project's samples and one run's
 * derived scores: what the metrics, the CLI and the thumbnail grid work from.
 * Indexed by sample_index. About 80 bytes a sample (ids and image paths as UTF-8 columns), so
 * ten million samples fit in a gigabyte.
 *
 * What a sample's state means (labelled, excluded, evaluated, error) is SampleState's
 * definition; state(sample) and the shortcuts below ask it.
 */
struct SampleTable
{
    QStringList classNames;
    QStringList splitNames; // distinct splits, sorted; splitIndex refers to these
    int runId = -1;         // -1: no predictions

    StringColumn ids;
    StringColumn images;     // relative to the dataset root
    std::vector<int> labels; // -1: unlabeled
    std::vector<int> originalLabels;
    std::vector<int> splitIndex; // -1: no split
    std::vector<int> predicted;  // -1 without a run
    std::vector<float> confidence;
    std::vector<float> loss; // NaN when unlabeled or without a run
    std::vector<float> margin;
    std::vector<ReviewStatus> review; // reviewer's marks; Excluded samples leave the metrics

    qint64 size() const { return qint64(labels.size()); }
    bool hasPredictions() const { return runId >= 0; }

    SampleState state(qint64 sample) const
    {
        const auto i = size_t(sample);
        return {labels[i], predicted[i], !review.empty() && review[i] == ReviewStatus::Excluded};
    }
    bool isLabelled(qint64 sample) const { return labels[size_t(sample)] >= 0; }
    /** The class a sample is taken to be: its label, or its prediction when unlabeled (-1: neither). */
    int labelOrPrediction(qint64 sample) const
    {
        return isLabelled(sample) ? labels[size_t(sample)] : predicted[size_t(sample)];
    }
    bool isExcluded(qint64 sample) const { return state(sample).excluded; }
    bool isEvaluated(qint64 sample) const { return state(sample).isEvaluated(); }
    bool isError(qint64 sample) const { return state(sample).isError(); }
    bool isReviewed(qint64 sample) const
    {
        return !review.empty() && review[size_t(sample)] != ReviewStatus::None;
    }
    bool isEdited(qint64 sample) const { return labels[size_t(sample)] != originalLabels[size_t(sample)]; }
    /** The sample whose dataset id is id, or -1. Linear: for occasional look-ups. */
    qint64 findId(const QString &id) const;
};

} // namespace loupe
