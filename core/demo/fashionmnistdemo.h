#pragma once

#include "demo/imagedegradation.h"
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
    /** A class-independent degradation planted in degradedRate of the images (drawn independently of the
     * noise). */
    ImageDegradation degradation = ImageDegradation::MotionBlur;
    double degradedRate = 0.03;
    double degradedStrength = 0.0; // blur length or noise sigma; 0: defaultDegradationStrength()
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
    qint64 degraded = 0;
    double accuracyOnGivenLabels = 0.0; // out-of-fold
    double accuracyOnTrueLabels = 0.0;  // out-of-fold
};

/**
 * Builds the demo from Debian's dataset-fashion-mnist package: DIR/dataset is a Loupe
 * folder (PNG images, samples.csv with split and metadata, classes.txt, out-of-fold
 * predictions.npy and embeddings.npy from a small MLP trained here with k-fold
 * cross-validation, history.csv, and truth.csv recording the seeded label noise and the
 * images given the planted degradation: the answer keys), and
 * DIR/fashion-mnist.loupe is the project imported from it.
 */
DemoResult buildFashionMnistDemo(const QString &directory, const DemoOptions &options, Progress &progress);

/** What retrainFashionMnistDemo() wrote. */
struct RetrainResult
{
    QString runFolder;
    qint64 samples = 0;
    double accuracyOnCurrentLabels = 0.0; // out-of-fold
};

/**
 * Trains the demo model again, with the same k-fold cross-validation, on the project's
 * CURRENT labels (after the corrections made in Loupe) and writes a run folder for
 * `loupe-cli import-run`: samples.csv (id), predictions.npy, embeddings.npy, history.csv.
 * The images are read from the project's dataset folder. A different options.model.seed
 * gives a different model of the same data. Every sample must be labelled.
 * Throws loupe::Error or Cancelled.
 */
RetrainResult retrainFashionMnistDemo(const QString &projectPath, const QString &runFolder,
                                      const DemoOptions &options, Progress &progress);

/** The Fashion-MNIST class names, in label order. */
QStringList fashionMnistClasses();
/** The confusable class each class's noisy labels are flipped to (see docs/demo.md). */
int confusableClass(int label);

} // namespace loupe
