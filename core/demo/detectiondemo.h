#pragma once

#include "demo/scenecomposer.h"
#include "demo/detectorparams.h"
#include "detection/annotationerrorplanting.h"

#include <QString>

namespace loupe {

class Progress;

/** How the detection demo is built; the defaults give the documented demo. */
struct DetectionDemoOptions
{
    QString sourceFolder = QStringLiteral("/usr/share/datasets/fashion-mnist");
    int scenes = 2000;
    int folds = 3; ///< cross-fitting: each scene's boxes come from a detector not trained on it
    uint64_t seed = 20261206;
    SceneParams scene;
    AnnotationErrorRates errors;
    DetectorParams detector;
    bool overwrite = false;
};

/** What buildDetectionDemo() wrote. */
struct DetectionDemoResult
{
    QString datasetFolder;
    QString projectPath;
    qint64 images = 0;
    qint64 objects = 0;     ///< true objects
    qint64 annotations = 0; ///< as given: errors included
    qint64 predictedBoxes = 0;
    qint64 planted[kAnnotationIssues] = {}; ///< by AnnotationIssue
};

/**
 * Builds the detection demo from Debian's dataset-fashion-mnist package, by Loupe alone:
 * scenes composed of Fashion-MNIST items (SceneComposer), annotation errors of all four kinds
 * planted with an answer key (AnnotationErrorPlanting), and a sliding-window detector
 * (SlidingWindowDetector) trained with k-fold cross-fitting on the annotations as given.
 * DIR/dataset is a COCO folder (images/, annotations.json, predictions.json with per-box
 * probabilities and embedding rows, box_embeddings.npy and embeddings.npy (the hidden layer, on each box's
 * window and averaged over each scene, of one more detector trained on every scene), truth.json: the answer
 * key), and DIR/detection.loupe the project imported from it. Throws loupe::Error or Cancelled.
 */
DetectionDemoResult buildDetectionDemo(const QString &directory, const DetectionDemoOptions &options,
                                       Progress &progress);

} // namespace loupe
