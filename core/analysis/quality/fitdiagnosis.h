#pragma once

#include "dataset/epochloss.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cmath>
#include <vector>

namespace loupe {

/** Accuracy and mean cross-entropy of the stored predictions on one split (see ClassificationReport). */
struct SplitFit
{
    QString split;
    qint64 samples = 0;
    double accuracy = 0.0; // in [0, 1]
    double meanLoss = 0.0;
};

/**
 * The thresholds of the diagnosis. The defaults are deliberately conservative so the
 * report does not cry wolf over epoch-to-epoch noise; each says what it guards against.
 */
struct FitDiagnosisParams
{
    /** The split the model was trained on (matched case-insensitively). */
    QString trainSplit = QStringLiteral("train");
    /** Held-out splits, in order of preference: the first one present is compared with training. */
    QStringList validationSplits = {QStringLiteral("validation"), QStringLiteral("val"),
                                    QStringLiteral("valid"), QStringLiteral("dev"), QStringLiteral("test")};
    /**
     * Not converged: validation loss fell at the last epoch by more than this share of the
     * previous epoch's value (1 %). A smaller drop is within the noise of a converged run.
     */
    double convergenceTolerance = 0.01;
    /**
     * Overfitting: validation loss stands more than this share (2 %) above its best, at least
     * minEpochsSinceBest epochs after the best, while training loss kept falling. Two epochs
     * and 2 % keep a single noisy epoch from counting as a trend.
     */
    double overfitRise = 0.02;
    int minEpochsSinceBest = 2;
    /**
     * Large gap: train accuracy exceeds validation accuracy by more than this (5 points).
     * A model that does much better on the data it saw than on new data has memorised some
     * of it; more data, augmentation or regularisation usually help.
     */
    double maxAccuracyGap = 0.05;
    /**
     * Underfitting is read from the learning curve alone, because what accuracy a task allows
     * differs (label noise, classes that overlap): the fixed 80 % train-accuracy reference this
     * replaces called the 1M synthetic set underfitted at 69.9 %, an accuracy its generator
     * sets, not a capacity limit. The curve shows underfitting when training has stopped
     * improving while its loss is still high and the model fits the data it was trained on no
     * better than new data; all three must hold.
     *
     * Stopped improving: training loss fell by less than plateauDrop (2 %) across the last
     * plateauEpochs (3) epochs, i.e. under about 1 % an epoch, the noise floor
     * convergenceTolerance uses for validation loss. A curve falling faster is still
     * learning, and the remedy is more training, not a larger model.
     */
    int plateauEpochs = 3;
    double plateauDrop = 0.02;
    /**
     * Still high: the last training loss is at least this share (50 %) of the first epoch's.
     * The first epoch's mean is the curve's own starting point, already well below a uniform
     * guess as it averages the whole first pass. A model that fits its data ends far below
     * half of it (the full demo's MLP is at 62 % after 8 epochs and still falling); one that
     * stalls above has learned little after its first pass.
     */
    double minRemainingLossShare = 0.5;
    /**
     * No gap: the last validation loss is at most this share (5 %) above the last training
     * loss, and train accuracy is not a large gap above validation's. Epoch-to-epoch noise
     * in validation loss is a few percent, while a model with capacity to spare fits its
     * training data visibly better than new data (the full demo: 11 %).
     */
    double maxUnderfitLossGap = 0.05;
};

/** The headline of the diagnosis, most urgent first when several apply. */
enum class FitVerdict { Unknown, Overfitting, NotConverged, LargeGap, Underfitting, Healthy };

/**
 * The findings behind the sentence. Every finding that applies is set; verdict is the most
 * urgent of them (overfitting, then not converged, large gap, underfitting). Overfitting and
 * not converged need two epochs of history, underfitting plateauEpochs, the gap a train and
 * a held-out split; what cannot be judged is not claimed, and the sentence says so.
 */
struct FitDiagnosis
{
    FitVerdict verdict = FitVerdict::Unknown;
    bool overfitting = false;
    bool notConverged = false;
    bool largeGap = false;
    bool underfitting = false;

    // From the splits (NaN when the split is missing).
    QString trainSplit, validationSplit;
    double trainAccuracy = NAN, validationAccuracy = NAN;
    double trainLoss = NAN, validationLoss = NAN;
    double accuracyGap = NAN; // train - validation accuracy

    // From the history (0 / NaN when there is none).
    int epochs = 0;
    int bestEpoch = 0; // epoch with the lowest validation loss (first on ties)
    int lastEpoch = 0;
    int epochsSinceBest = 0;
    double bestValidationLoss = NAN, lastValidationLoss = NAN, previousValidationLoss = NAN;
    double trainLossAtBest = NAN, lastTrainLoss = NAN, previousTrainLoss = NAN;
    int firstEpoch = 0;
    double firstTrainLoss = NAN;
    // The underfitting rule's numbers (NaN with fewer than plateauEpochs epochs).
    int plateauFirstEpoch = 0;            // first epoch of the plateau window
    double plateauStartTrainLoss = NAN;   // training loss at plateauFirstEpoch
    double trainLossPlateauDrop = NAN;    // relative fall across the window (negative: rose)
    double trainLossShareOfFirst = NAN;   // last / first epoch's training loss
    double validationOverTrainLoss = NAN; // last validation / last training loss - 1

    /** What the verdict rests on: "learning_curve", "splits", both, or neither (Unknown). */
    QStringList basis;

    /** One plain sentence with the numbers, e.g. for `report`. */
    QString sentence;

    /**
     * Is the model over- or underfitting? Reads per-split accuracy and mean loss and, when
     * there is one, the training history (history.csv; may be empty), and states the answer
     * in one sentence with the numbers it rests on.
     */
    static FitDiagnosis compute(const std::vector<SplitFit> &splits, const std::vector<EpochLoss> &history,
                                const FitDiagnosisParams &params = {});

    QJsonObject toJson() const;
};

/** The verdict's stable name for JSON: "overfitting", "not_converged", ... */
QString fitVerdictName(FitVerdict verdict);

} // namespace loupe
