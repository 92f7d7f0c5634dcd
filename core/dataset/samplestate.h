#pragma once

#include <QString>

namespace loupe {

/**
 * What one sample's state means, defined once: every surface (grid, status bar, reports,
 * run comparison, exports, CLI, the analysis and its edit hooks) asks this instead of
 * testing labels and predictions itself.
 *
 * - labelled: it has a label;
 * - excluded: a reviewer marked it "excluded" (corrupt, out of scope);
 * - evaluated: labelled, predicted by the run, and not excluded: it counts in the metrics;
 * - error: evaluated, and the prediction differs from the label.
 */
struct SampleState
{
    int label = -1;     // -1: unlabeled
    int predicted = -1; // -1: no prediction (no run)
    bool excluded = false;

    bool isLabelled() const { return label >= 0; }
    bool isEvaluated() const { return isLabelled() && predicted >= 0 && !excluded; }
    bool isError() const { return isEvaluated() && predicted != label; }

    /**
     * isError() in SQL: 1 for an error, 0 for an evaluated sample predicted right, NULL for a
     * sample that is not evaluated. The arguments are SQL expressions for the label index, the
     * predicted index (NULL when absent) and the review status text. sample_view.is_error is
     * this expression, so a SQL filter and the C++ surfaces count the same samples.
     */
    static QString isErrorSql(const QString &label, const QString &predicted, const QString &reviewStatus);
};

} // namespace loupe
