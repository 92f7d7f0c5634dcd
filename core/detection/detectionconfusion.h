#pragma once

#include "detection/boxerrors.h"
#include "detection/detections.h"

#include <vector>

namespace loupe {

/** Parameters of DetectionConfusion::compute. */
struct DetectionConfusionParams
{
    double minScore = kShippedScore; ///< lower-scored boxes are not predictions
    double minIou = 0.5;             ///< a box and an object closer than this are a pair
};

/**
 * The confusion matrix of a detector, with a background row and column: rows are the
 * annotated class (the last row: background, a box on nothing), columns the predicted class
 * (the last column: background, an object no box found). Per image, box-object pairs with
 * IoU >= minIou, whatever their classes, are taken greedily by descending IoU, each box and
 * object once; a taken pair counts in (object's class, box's class), a box left over in
 * (background, box's class) and an object left over in (object's class, background). Boxes
 * on a crowd region of their class and crowd regions are left out. This is the matrix
 * YOLO-style tools draw; unlike AP it depends on the score threshold, which is the point:
 * it shows what a deployed model does.
 */
struct DetectionConfusion
{
    int categories = 0;
    /** (categories + 1) x (categories + 1), row-major; index `categories` is background. */
    std::vector<qint64> counts;

    qint64 at(int annotated, int predicted) const
    {
        return counts[size_t(annotated) * size_t(categories + 1) + size_t(predicted)];
    }

    static DetectionConfusion compute(const DetectionSet &set, const DetectionConfusionParams &params = {});
};

} // namespace loupe
