#include "analysis/quality/fitdiagnosis.h"

#include "common/numberformat.h"

#include <QJsonArray>

#include <algorithm>

namespace loupe {

namespace {

QString lossText(double loss)
{
    return QString::number(loss, 'f', 3);
}

const SplitFit *findSplit(const std::vector<SplitFit> &splits, const QString &name)
{
    for (const SplitFit &split : splits) {
        if (split.split.compare(name, Qt::CaseInsensitive) == 0)
            return &split;
    }
    return nullptr;
}

void readSplits(const std::vector<SplitFit> &splits, const FitDiagnosisParams &params, FitDiagnosis &d)
{
    if (const SplitFit *train = findSplit(splits, params.trainSplit)) {
        d.trainSplit = train->split;
        d.trainAccuracy = train->accuracy;
        d.trainLoss = train->meanLoss;
    }
    for (const QString &name : params.validationSplits) {
        const SplitFit *held = findSplit(splits, name);
        if (held && held->split.compare(params.trainSplit, Qt::CaseInsensitive) != 0) {
            d.validationSplit = held->split;
            d.validationAccuracy = held->accuracy;
            d.validationLoss = held->meanLoss;
            break;
        }
    }
    d.accuracyGap = d.trainAccuracy - d.validationAccuracy; // NaN unless both exist
}

void readHistory(std::vector<EpochLoss> history, const FitDiagnosisParams &params, FitDiagnosis &d)
{
    history.erase(std::remove_if(history.begin(), history.end(),
                                 [](const EpochLoss &e) {
                                     return !std::isfinite(e.trainLoss) || !std::isfinite(e.validationLoss);
                                 }),
                  history.end());
    std::stable_sort(history.begin(), history.end(),
                     [](const EpochLoss &a, const EpochLoss &b) { return a.epoch < b.epoch; });
    d.epochs = int(history.size());
    if (history.empty())
        return;
    const auto best =
        std::min_element(history.begin(), history.end(), [](const EpochLoss &a, const EpochLoss &b) {
            return a.validationLoss < b.validationLoss;
        });
    const EpochLoss &last = history.back();
    d.bestEpoch = best->epoch;
    d.bestValidationLoss = best->validationLoss;
    d.trainLossAtBest = best->trainLoss;
    d.lastEpoch = last.epoch;
    d.lastValidationLoss = last.validationLoss;
    d.lastTrainLoss = last.trainLoss;
    d.epochsSinceBest = last.epoch - best->epoch;
    d.firstEpoch = history.front().epoch;
    d.firstTrainLoss = history.front().trainLoss;
    if (history.size() >= 2) {
        const EpochLoss &previous = history[history.size() - 2];
        d.previousValidationLoss = previous.validationLoss;
        d.previousTrainLoss = previous.trainLoss;
    }
    const int window = std::max(params.plateauEpochs, 2);
    if (d.epochs >= window) {
        const EpochLoss &start = history[history.size() - size_t(window)];
        d.plateauFirstEpoch = start.epoch;
        d.plateauStartTrainLoss = start.trainLoss;
        // Losses are non-negative; a zero start leaves the shares undefined (NaN), which no rule accepts.
        if (start.trainLoss > 0)
            d.trainLossPlateauDrop = (start.trainLoss - last.trainLoss) / start.trainLoss;
        if (d.firstTrainLoss > 0)
            d.trainLossShareOfFirst = last.trainLoss / d.firstTrainLoss;
        if (last.trainLoss > 0)
            d.validationOverTrainLoss = last.validationLoss / last.trainLoss - 1.0;
    }
}

bool gapJudged(const FitDiagnosis &d)
{
    return std::isfinite(d.accuracyGap);
}

bool curveJudged(const FitDiagnosis &d)
{
    return d.epochs >= 2;
}

bool underfittingJudged(const FitDiagnosis &d)
{
    return std::isfinite(d.trainLossPlateauDrop);
}

void judge(const FitDiagnosisParams &params, FitDiagnosis &d)
{
    d.overfitting = curveJudged(d) && d.epochsSinceBest >= params.minEpochsSinceBest &&
                    d.lastValidationLoss > d.bestValidationLoss * (1.0 + params.overfitRise) &&
                    d.lastTrainLoss < d.trainLossAtBest;
    d.notConverged = curveJudged(d) && d.previousValidationLoss - d.lastValidationLoss >
                                           params.convergenceTolerance * d.previousValidationLoss;
    d.largeGap = gapJudged(d) && d.accuracyGap > params.maxAccuracyGap;
    // Only from the curve (see FitDiagnosisParams): a run whose validation loss still falls
    // is not converged rather than underfitted, and comparisons with NaN are false, so a
    // history too short for the window never counts.
    d.underfitting = !d.notConverged && !d.largeGap && d.trainLossPlateauDrop < params.plateauDrop &&
                     d.trainLossShareOfFirst >= params.minRemainingLossShare &&
                     d.validationOverTrainLoss <= params.maxUnderfitLossGap;

    if (d.overfitting)
        d.verdict = FitVerdict::Overfitting;
    else if (d.notConverged)
        d.verdict = FitVerdict::NotConverged;
    else if (d.largeGap)
        d.verdict = FitVerdict::LargeGap;
    else if (d.underfitting)
        d.verdict = FitVerdict::Underfitting;
    else
        d.verdict = curveJudged(d) || gapJudged(d) ? FitVerdict::Healthy : FitVerdict::Unknown;

    const QString curve = QStringLiteral("learning_curve"), splits = QStringLiteral("splits");
    switch (d.verdict) {
    case FitVerdict::Overfitting:
    case FitVerdict::NotConverged:
        d.basis = {curve};
        break;
    case FitVerdict::LargeGap:
        d.basis = {splits};
        break;
    case FitVerdict::Underfitting:
    case FitVerdict::Healthy:
        if (curveJudged(d))
            d.basis << curve;
        if (gapJudged(d))
            d.basis << splits;
        break;
    case FitVerdict::Unknown:
        break;
    }
}

/** "; train accuracy 99.1% vs validation 88.0%", or the one split there is. */
QString accuracyClause(const FitDiagnosis &d)
{
    const bool train = std::isfinite(d.trainAccuracy);
    const bool held = std::isfinite(d.validationAccuracy);
    if (train && held)
        return QStringLiteral("; %1 accuracy %2 vs %3 %4")
            .arg(d.trainSplit, format::percent(d.trainAccuracy), d.validationSplit,
                 format::percent(d.validationAccuracy));
    if (train)
        return QStringLiteral("; %1 accuracy %2").arg(d.trainSplit, format::percent(d.trainAccuracy));
    if (held)
        return QStringLiteral("; %1 accuracy %2")
            .arg(d.validationSplit, format::percent(d.validationAccuracy));
    return {};
}

/** "down 0.7%" for a fall of 0.7 % (share 0.007), "up 0.3%" for a rise. */
QString change(double fall)
{
    return (fall < 0 ? QStringLiteral("up ") : QStringLiteral("down ")) + format::percent(std::abs(fall));
}

QString underfittingText(const FitDiagnosis &d)
{
    return QStringLiteral(
               "Underfitting: training loss has stopped falling while still high, and validation "
               "loss stays close to it, so the model fits the data it was trained on no better than "
               "new data; a larger model or less regularisation should help, unless the labels "
               "are this ambiguous (based on the learning curve: training loss %1 -> %2 over "
               "epochs %3-%4, %5, still %6 of epoch %7's %8; validation loss %9, %10 %11 "
               "training)")
               .arg(lossText(d.plateauStartTrainLoss), lossText(d.lastTrainLoss))
               .arg(d.plateauFirstEpoch)
               .arg(d.lastEpoch)
               .arg(change(d.trainLossPlateauDrop), format::percent(d.trainLossShareOfFirst))
               .arg(d.firstEpoch)
               .arg(lossText(d.firstTrainLoss), lossText(d.lastValidationLoss),
                    format::percent(std::abs(d.validationOverTrainLoss)),
                    d.validationOverTrainLoss < 0 ? QStringLiteral("below") : QStringLiteral("above")) +
           accuracyClause(d);
}

/** Nothing found: says what was looked at, and what could not be judged. */
QString healthyText(const FitDiagnosisParams &params, const FitDiagnosis &d)
{
    if (!curveJudged(d))
        return QStringLiteral("No large train/validation gap (%1 accuracy %2 vs %3 %4); %5, so convergence "
                              "and underfitting are not judged")
            .arg(d.trainSplit, format::percent(d.trainAccuracy), d.validationSplit,
                 format::percent(d.validationAccuracy),
                 d.epochs == 0 ? QStringLiteral("there is no training history")
                               : QStringLiteral("there is only one epoch of training history"));
    const QString levelled = QStringLiteral("validation loss levelled off at %1 (best at epoch %2 of %3)")
                                 .arg(lossText(d.bestValidationLoss))
                                 .arg(d.bestEpoch)
                                 .arg(d.lastEpoch);
    if (!underfittingJudged(d))
        return QStringLiteral("No sign of overfitting: %1; %2 epochs are too few to judge underfitting "
                              "(it needs %3)")
                   .arg(levelled)
                   .arg(d.epochs)
                   .arg(std::max(params.plateauEpochs, 2)) +
               accuracyClause(d);
    return QStringLiteral("No sign of over- or underfitting: ") + levelled + accuracyClause(d);
}

QString headline(const FitDiagnosisParams &params, const FitDiagnosis &d)
{
    switch (d.verdict) {
    case FitVerdict::Overfitting:
        return QStringLiteral(
                   "Overfitting: validation loss has risen for %1 epochs since its best at epoch %2 "
                   "(%3 -> %4) while training loss kept falling (%5 -> %6)")
                   .arg(d.epochsSinceBest)
                   .arg(d.bestEpoch)
                   .arg(lossText(d.bestValidationLoss), lossText(d.lastValidationLoss),
                        lossText(d.trainLossAtBest), lossText(d.lastTrainLoss)) +
               accuracyClause(d);
    case FitVerdict::NotConverged: {
        const double drop = (d.previousValidationLoss - d.lastValidationLoss) / d.previousValidationLoss;
        return QStringLiteral("Not converged: validation loss was still falling at the last epoch, %1 "
                              "(%2 -> %3, -%4), so more training should help")
                   .arg(d.lastEpoch)
                   .arg(lossText(d.previousValidationLoss), lossText(d.lastValidationLoss),
                        format::percent(drop)) +
               accuracyClause(d);
    }
    case FitVerdict::LargeGap:
        return QStringLiteral(
                   "Large train/validation gap: %1 accuracy %2 vs %3 %4 (%5 points; mean loss %6 vs %7), "
                   "the model does much better on the data it was trained on")
            .arg(d.trainSplit, format::percent(d.trainAccuracy), d.validationSplit,
                 format::percent(d.validationAccuracy), QString::number(100.0 * d.accuracyGap, 'f', 1),
                 lossText(d.trainLoss), lossText(d.validationLoss));
    case FitVerdict::Underfitting:
        return underfittingText(d);
    case FitVerdict::Healthy:
        return healthyText(params, d);
    case FitVerdict::Unknown:
        break;
    }
    QString text = QStringLiteral("No diagnosis: ");
    if (!std::isfinite(d.trainAccuracy))
        text += QStringLiteral("there is no \"%1\" split").arg(params.trainSplit);
    else
        text += QStringLiteral("there is no held-out split to compare \"%1\" with").arg(d.trainSplit);
    text += d.epochs == 0 ? QStringLiteral(" and no training history")
                          : QStringLiteral(" and only one epoch of training history");
    if (std::isfinite(d.trainAccuracy))
        text += QStringLiteral(" (%1 accuracy %2)").arg(d.trainSplit, format::percent(d.trainAccuracy));
    else if (std::isfinite(d.validationAccuracy))
        text +=
            QStringLiteral(" (%1 accuracy %2)").arg(d.validationSplit, format::percent(d.validationAccuracy));
    return text;
}

QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue();
}

} // namespace

FitDiagnosis FitDiagnosis::compute(const std::vector<SplitFit> &splits, const std::vector<EpochLoss> &history,
                                   const FitDiagnosisParams &params)
{
    FitDiagnosis d;
    readSplits(splits, params, d);
    readHistory(history, params, d);
    judge(params, d);
    d.sentence = headline(params, d) + QLatin1Char('.');
    return d;
}

QString fitVerdictName(FitVerdict verdict)
{
    switch (verdict) {
    case FitVerdict::Overfitting:
        return QStringLiteral("overfitting");
    case FitVerdict::NotConverged:
        return QStringLiteral("not_converged");
    case FitVerdict::LargeGap:
        return QStringLiteral("large_gap");
    case FitVerdict::Underfitting:
        return QStringLiteral("underfitting");
    case FitVerdict::Healthy:
        return QStringLiteral("healthy");
    case FitVerdict::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QJsonObject FitDiagnosis::toJson() const
{
    QJsonObject json{{QStringLiteral("verdict"), fitVerdictName(verdict)},
                     {QStringLiteral("sentence"), sentence},
                     {QStringLiteral("overfitting"), overfitting},
                     {QStringLiteral("not_converged"), notConverged},
                     {QStringLiteral("large_gap"), largeGap},
                     {QStringLiteral("underfitting"), underfitting},
                     {QStringLiteral("train_split"), trainSplit},
                     {QStringLiteral("validation_split"), validationSplit},
                     {QStringLiteral("train_accuracy"), number(trainAccuracy)},
                     {QStringLiteral("validation_accuracy"), number(validationAccuracy)},
                     {QStringLiteral("train_loss"), number(trainLoss)},
                     {QStringLiteral("validation_loss"), number(validationLoss)},
                     {QStringLiteral("accuracy_gap"), number(accuracyGap)},
                     {QStringLiteral("basis"), QJsonArray::fromStringList(basis)}};
    if (epochs > 0) {
        json.insert(
            QStringLiteral("history"),
            QJsonObject{{QStringLiteral("epochs"), epochs},
                        {QStringLiteral("best_epoch"), bestEpoch},
                        {QStringLiteral("last_epoch"), lastEpoch},
                        {QStringLiteral("epochs_since_best"), epochsSinceBest},
                        {QStringLiteral("best_validation_loss"), number(bestValidationLoss)},
                        {QStringLiteral("last_validation_loss"), number(lastValidationLoss)},
                        {QStringLiteral("train_loss_at_best"), number(trainLossAtBest)},
                        {QStringLiteral("last_train_loss"), number(lastTrainLoss)},
                        {QStringLiteral("first_train_loss"), number(firstTrainLoss)},
                        {QStringLiteral("plateau_first_epoch"), plateauFirstEpoch},
                        {QStringLiteral("train_loss_plateau_drop"), number(trainLossPlateauDrop)},
                        {QStringLiteral("train_loss_share_of_first"), number(trainLossShareOfFirst)},
                        {QStringLiteral("validation_over_train_loss"), number(validationOverTrainLoss)}});
    }
    return json;
}

} // namespace loupe
