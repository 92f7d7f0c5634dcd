#pragma once

#include "detection/detections.h"

#include <QString>

#include <vector>

namespace loupe {

/** What a predicted box got wrong, in TIDE's categories (Bolya et al., ECCV 2020). */
enum class BoxError {
    None,           ///< a true positive
    Classification, ///< on an object of another class (IoU >= foreground)
    Localization,   ///< on an object of its class, but badly placed (background <= IoU < foreground)
    Both,           ///< badly placed on an object of another class
    Duplicate,      ///< on an object of its class that a higher-scoring box already found
    Background,     ///< on nothing (IoU < background with every object)
    Crowd,          ///< inside a crowd region: neither right nor wrong
};
constexpr int kBoxErrorTypes = 7;

/** "classification", "localization", ...: the names in reports and exports ("true_positive" for None). */
QString boxErrorName(BoxError error);

/**
 * The score from which a model's box counts as predicted wherever one threshold is shown for a
 * model as shipped: the confusion matrix with background, the box grid, the missed-object
 * slices and clusters (each view's own control can move it).
 */
constexpr double kShippedScore = 0.25;

/** Parameters of BoxErrors::classify; TIDE's thresholds by default. */
struct BoxErrorParams
{
    double foreground = 0.5; ///< IoU at which a box finds its object
    double background = 0.1; ///< IoU below which a box is on nothing
    double minScore = 0.0;   ///< boxes scored lower are left out (a "shipped" threshold)
};

/** One predicted box's outcome. */
struct DetectionOutcome
{
    BoxError error = BoxError::Background;
    double iou = 0.0;       ///< with annotation
    qint64 annotation = -1; ///< the object it found or the one its error is about; -1 none
    bool evaluated = false; ///< false when below minScore
};

/** One annotation's outcome. */
struct AnnotationOutcome
{
    qint64 detection = -1; ///< the true positive that found it; -1 none
    /** Found by no box and not the object of a classification or localization error. */
    bool missed = false;
};

/**
 * Every box typed by what it got wrong, TIDE's way: per image, boxes by descending score
 * each take the best-IoU object of their class not yet taken (IoU >= foreground) and are
 * true positives; a box matching only a crowd region is left out. Each other box is, in
 * this order: a duplicate (IoU >= foreground with an object of its class: the object was
 * taken by a better box), a classification error (IoU >= foreground with an object of
 * another class), a localization error (IoU >= background with its class), both (IoU >=
 * background with another class), else background. An annotation no box found is missed
 * unless a classification, localization or both error is about it: TIDE counts each miss
 * once, as the error that explains it.
 */
struct BoxErrors
{
    std::vector<DetectionOutcome> detections; ///< one per DetectionSet::detections
    std::vector<AnnotationOutcome> annotations;
    qint64 counts[kBoxErrorTypes] = {}; ///< evaluated boxes by BoxError
    qint64 missed = 0;

    static BoxErrors classify(const DetectionSet &set, const BoxErrorParams &params = {});
};

} // namespace loupe
