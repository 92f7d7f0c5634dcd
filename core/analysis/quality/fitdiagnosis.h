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
     * Underfitting: the model does not even fit its training data: train accuracy below this
     * (80 %) with no large gap. The reference is a default for image classification, where
     * a model that cannot reach 80 % on the data it was trained on is short of capacity or
     * training, or the labels are very noisy; a team sets its own target here.
     */
    double minTrainAccuracy = 0.80;
    /**
     * Underfitting from the history alone (no train split metrics): the last training loss
     * is above this share (50 %) of ln(numClasses), the loss of a uniform guess.
     */
    double maxTrainLossShareOfChance = 0.5;
};

/** The headline of the diagnosis, most urgent first when several apply. */
enum class FitVerdict { Unknown, Overfitting, NotConverged, LargeGap, Underfitting, Healthy };

/**
 * The findings behind the sentence. Every finding that applies is set; verdict is the most
 * urgent of them (overfitting, then not converged, large gap, underfitting).
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

    /** One plain sentence with the numbers, e.g. for `report`. */
    QString sentence;

    /**
     * Is the model over- or underfitting? Reads per-split accuracy and mean loss and, when
     * there is one, the training history (history.csv; may be empty), and states the answer
     * in one sentence. numClasses (0 = unknown) only enables the loss-based underfitting rule.
     */
    static FitDiagnosis compute(const std::vector<SplitFit> &splits, const std::vector<EpochLoss> &history,
                                const FitDiagnosisParams &params = {}, int numClasses = 0);

    QJsonObject toJson() const;
};

/** The verdict's stable name for JSON: "overfitting", "not_converged", ... */
QString fitVerdictName(FitVerdict verdict);

} // namespace loupe
