#pragma once

#include "detection/annotationerrorevaluation.h"

#include <QSize>

#include <cstdint>
#include <vector>

namespace loupe {

/** Shares of the true objects given each kind of annotation error (AnnotationErrorPlanting). */
struct AnnotationErrorRates
{
    double overlooked = 0.03;  ///< objects left out of the annotations
    double wrongClass = 0.03;  ///< objects given another class
    double badLocation = 0.03; ///< boxes moved off their object (to an IoU of about 0.2 to 0.45)
    double spurious = 0.03;    ///< boxes on nothing added, as a share of the objects
};

/**
 * Plants annotation errors of all four kinds into true annotations, with their answer key:
 * the data for measuring AnnotationErrors (tests, and the detection demo's truth). Each
 * object gets at most one error, drawn from a seeded stream; a spurious box is placed where
 * it overlaps no object (IoU < 0.05), inside its image, at the size of a random object.
 */
struct AnnotationErrorPlanting
{
    std::vector<Annotation> annotations; ///< as given to the model's users: errors included
    PlantedAnnotationErrors key;

    /** truth: the true objects; imageSizes: each image's width and height; categories: for the class flips.
     */
    static AnnotationErrorPlanting plant(const std::vector<Annotation> &truth,
                                         const std::vector<QSize> &imageSizes, int categories,
                                         const AnnotationErrorRates &rates, uint64_t seed);
};

} // namespace loupe
