#pragma once

#include "detection/detections.h"

#include <vector>

namespace loupe {

/** The object sizes COCO reports AP for, by annotation area in square pixels. */
enum class AreaRange { All, Small, Medium, Large };
constexpr int kAreaRanges = 4;

/**
 * num values from start to stop as numpy.linspace computes them (start + i * step, the last
 * exactly stop), so thresholds and recall points are the same doubles as pycocotools'.
 */
std::vector<double> linspace(double start, double stop, int num);

/** Parameters of CocoEvaluation::compute; the defaults are COCO's for boxes. */
struct CocoEvaluationParams
{
    /** 0.50, 0.55, ..., 0.95, computed as numpy.linspace does (a threshold an IoU equals counts). */
    std::vector<double> iouThresholds = linspace(0.5, 0.95, 10);
    /** Recall points of the interpolated precision: 0, 0.01, ..., 1 (101 points). */
    int recallPoints = 101;
    /** Detections kept per image and category, highest score first. */
    int maxDetections = 100;
};

/** One category's figures; NaN where the category has no annotation to find. */
struct CategoryEvaluation
{
    int category = 0;
    qint64 annotations = 0; ///< non-crowd annotations
    qint64 detections = 0;
    std::vector<double> apPerThreshold; ///< one per IoU threshold
    double ap = 0.0;                    ///< mean over IoU thresholds
    double ap50 = 0.0;
    double ap75 = 0.0;
    double apBySize[kAreaRanges] = {}; ///< AreaRange::All is ap
    /** Interpolated precision at each recall point, IoU 0.50: the precision-recall curve. */
    std::vector<double> precisionAt50;
    double recallAt50 = 0.0; ///< the highest recall reached at IoU 0.50
};

/**
 * COCO-style evaluation of detections against annotations, following pycocotools'
 * COCOeval for boxes step by step, so its figures equal the reference's:
 *
 *  - per image and category, detections sorted by score (stable) and cut to maxDetections
 *    match greedily: each takes the best-IoU annotation not yet taken, at or above the
 *    threshold, preferring annotations that count over ignored ones (crowd regions, or
 *    outside the size range); a crowd region may take any number of detections, which are
 *    then ignored, neither true nor false;
 *  - an unmatched detection outside the size range is ignored too;
 *  - per category, all detections sorted by score (stable, images in order); precision and
 *    recall along that order; precision made non-increasing from the end; read at 101
 *    recall points (the first position reaching each one, 0 beyond the last); AP is their
 *    mean, then the mean over IoU thresholds; mAP the mean over categories that have
 *    annotations.
 */
struct CocoEvaluation
{
    double map = 0.0; ///< AP at IoU 0.50:0.05:0.95, all sizes, mean over categories
    double map50 = 0.0;
    double map75 = 0.0;
    double mapBySize[kAreaRanges] = {};
    std::vector<CategoryEvaluation> perCategory; ///< one per category, in order

    static CocoEvaluation compute(const DetectionSet &set, const CocoEvaluationParams &params = {});
};

/** The annotation area bounds of a size range, as COCO draws them: [low, high]. */
std::pair<double, double> areaBounds(AreaRange range);

} // namespace loupe
