#pragma once

#include "demo/mlpparams.h"

#include <QString>
#include <QStringList>

namespace loupe {

class Progress;

/** How the demo dataset is built; defaults give the documented demo. */
struct DemoOptions
{
    QString sourceFolder = QStringLiteral("/usr/share/datasets/fashion-mnist");
    qint64 limit = 0;        // 0: all 70,000 images; else a seeded random subset of this size
    double noiseRate = 0.03; // share of samples whose label is flipped to a confusable class
    uint64_t seed = 20261128;
    int folds = 5;
    MlpParams model;
    bool overwrite = false;
};

struct DemoResult
{
    QString datasetFolder;
    QString projectPath;
    qint64 samples = 0;
    qint64 flipped = 0;
    double accuracyOnGivenLabels = 0.0; // out-of-fold
    double accuracyOnTrueLabels = 0.0;  // out-of-fold
};

/**
 * Builds the demo from Debian's dataset-fashion-mnist package: DIR/dataset is a Loupe
 * folder (PNG images, samples.csv with split and metadata, classes.txt, out-of-fold
 * predictions.npy and embeddings.npy from a small MLP trained here with k-fold
 * cross-validation, history.csv, and truth.csv recording the seeded label noise), and
 * DIR/fashion-mnist.loupe is the project imported from it.
 */
DemoResult buildFashionMnistDemo(const QString &directory, const DemoOptions &options, Progress &progress);

/** The Fashion-MNIST class names, in label order. */
QStringList fashionMnistClasses();
/** The confusable class each class's noisy labels are flipped to (see docs/demo.md). */
int confusableClass(int label);

} // namespace loupe
