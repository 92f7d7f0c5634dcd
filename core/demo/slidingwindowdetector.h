#pragma once

#include "demo/detectorparams.h"
#include "demo/mlpclassifier.h"
#include "demo/scenecomposer.h"

#include <vector>

namespace loupe {

class Progress;

/**
 * The demo's detector: the demo's small network with one more class, background, run over
 * each scene as a sliding window at several sizes, then non-maximum suppression, as
 * detectors were built before region proposals. A window's score is 1 - p(background), its
 * class the most probable other one; its box is tightened to the bright pixels inside it
 * (those clearly above the window's border, the local background), which is what gives
 * the boxes their precise edges. Trained on the annotations as given, errors included, as a
 * team would train on its own labels.
 */
class SlidingWindowDetector
{
public:
    SlidingWindowDetector(int categories, DetectorParams params);

    /** Trains on scenes and their annotations (parallel lists). Throws Cancelled. */
    void fit(const std::vector<const Scene *> &scenes,
             const std::vector<std::vector<Annotation>> &annotations, Progress &progress);

    /** The scene's boxes after non-maximum suppression (without embeddings). */
    std::vector<FoundBox> detect(const Scene &scene) const;
    /** Fills each box's embedding: the hidden layer on the window it was found in. */
    void embed(const Scene &scene, std::vector<FoundBox> &boxes) const;
    /**
     * The scene as one vector: the hidden layer averaged over the windows of the largest size,
     * which tile the scene (a network's global average pooling, coarsely).
     */
    std::vector<float> describe(const Scene &scene) const;

private:
    void addWindow(const Scene &scene, const Box &square, std::vector<float> &features) const;
    /** Every window detect() classifies, every size at its stride. */
    std::vector<Box> windowsOf(const Scene &scene) const;
    Box tightened(const Scene &scene, const Box &window) const;
    /** The hidden layer on each window, windows x hidden units. */
    MlpClassifier::Matrix embedWindows(const Scene &scene, const std::vector<Box> &windows) const;

    int m_categories;
    DetectorParams m_params;
    MlpClassifier m_model;
};

/**
 * Greedy non-maximum suppression: by descending score, a box overlapping a kept one more than
 * maxIou, or lying inside it (80 % of its area), goes (only one of its class when perClass);
 * at most keep boxes are kept.
 */
std::vector<FoundBox> suppressOverlaps(std::vector<FoundBox> boxes, double maxIou, int keep, bool perClass);

} // namespace loupe
