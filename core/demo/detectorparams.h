#pragma once

#include "demo/mlpparams.h"
#include "detection/box.h"

#include <vector>

namespace loupe {

/** Parameters of SlidingWindowDetector. */
struct DetectorParams
{
    std::vector<int> windowSides = {20, 28, 36, 44}; ///< square windows, in pixels
    double strideFraction = 0.25;                    ///< step between windows, of their side
    double minScore = 0.05;                          ///< boxes scored lower are dropped
    double nmsIou = 0.3;                             ///< a box overlapping a better one this much goes (the
                                                     ///< scenes' objects overlap at most 0.15)
    /**
     * Suppress only within a class. Off: the windows on one object disagree about its class
     * more than a trained detector's anchors do, and each would be a false positive.
     */
    bool nmsPerClass = false;
    int maxPerImage = 100;
    double positiveIou = 0.5;          ///< a training window this close to an object's square is that object
    double negativeIou = 0.25;         ///< one farther than this from every object's square is background
    double negativesPerPositive = 4.0; ///< background windows kept per object window in a training scene
    int negativesPerScene = 8;         ///< and at least this many
    MlpParams model;
};

/** One box a detector found, with its class probabilities (they sum to 1) and its embedding. */
struct FoundBox
{
    int category = 0;
    Box box;
    double score = 0.0;
    std::vector<float> probabilities;
    Box window;                   ///< the window the detector saw it in (box is tightened from it)
    std::vector<float> embedding; ///< the network's hidden layer on that window
};

} // namespace loupe
