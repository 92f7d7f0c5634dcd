#include "analysis/quality/fitdiagnosis.h"

#include <algorithm>

namespace loupe {

namespace {

QString percent(double share)
{
    return QString::number(100.0 * share, 'f', 1) + QLatin1Char('%');
}

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

void readHistory(std::vector<EpochLoss> history, FitDiagnosis &d)
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
    if (history.size() >= 2) {
        const EpochLoss &previous = history[history.size() - 2];
        d.previousValidationLoss = previous.validationLoss;
        d.previousTrainLoss = previous.trainLoss;
    }
}

void judge(const FitDiagnosisParams &params, int numClasses, FitDiagnosis &d)
{
    d.overfitting = d.epochs >= 2 && d.epochsSinceBest >= params.minEpochsSinceBest &&
                    d.lastValidationLoss > d.bestValidationLoss * (1.0 + params.overfitRise) &&
                    d.lastTrainLoss < d.trainLossAtBest;
    d.notConverged = d.epochs >= 2 && d.previousValidationLoss - d.lastValidationLoss >
                                          params.convergenceTolerance * d.previousValidationLoss;
    d.largeGap = std::isfinite(d.accuracyGap) && d.accuracyGap > params.maxAccuracyGap;
    if (std::isfinite(d.trainAccuracy))
        d.underfitting = !d.largeGap && d.trainAccuracy < params.minTrainAccuracy;
    else if (d.epochs > 0 && numClasses >= 2)
        d.underfitting = d.lastTrainLoss > params.maxTrainLossShareOfChance * std::log(double(numClasses));

    const bool anything = d.epochs > 0 || std::isfinite(d.trainAccuracy);
    if (d.overfitting)
        d.verdict = FitVerdict::Overfitting;
    else if (d.notConverged)
        d.verdict = FitVerdict::NotConverged;
    else if (d.largeGap)
        d.verdict = FitVerdict::LargeGap;
    else if (d.underfitting)
        d.verdict = FitVerdict::Underfitting;
    else
        d.verdict = anything ? FitVerdict::Healthy : FitVerdict::Unknown;
}

/** "; train accuracy 99.1% vs validation 88.0%", or the one split there is. */
QString accuracyClause(const FitDiagnosis &d)
{
    const bool train = std::isfinite(d.trainAccuracy);
    const bool held = std::isfinite(d.validationAccuracy);
    if (train && held)
        return QStringLiteral("; %1 accuracy %2 vs %3 %4")
            .arg(d.trainSplit, percent(d.trainAccuracy), d.validationSplit, percent(d.validationAccuracy));
    if (train)
        return QStringLiteral("; %1 accuracy %2").arg(d.trainSplit, percent(d.trainAccuracy));
    if (held)
        return QStringLiteral("; %1 accuracy %2").arg(d.validationSplit, percent(d.validationAccuracy));
    return {};
}

QString underfittingText(const FitDiagnosisParams &params, int numClasses, const FitDiagnosis &d)
{
    if (std::isfinite(d.trainAccuracy)) {
        QString text = QStringLiteral("Underfitting: %1 accuracy is only %2, below the %3 reference")
                           .arg(d.trainSplit, percent(d.trainAccuracy), percent(params.minTrainAccuracy));
        if (std::isfinite(d.validationAccuracy))
            text += QStringLiteral(", and %1 is no better (%2)")
                        .arg(d.validationSplit, percent(d.validationAccuracy));
        return text + QStringLiteral("; the model does not fit even the data it was trained on");
    }
    return QStringLiteral("Underfitting: training loss ended at %1, above %2 of a uniform guess's %3")
        .arg(lossText(d.lastTrainLoss), percent(params.maxTrainLossShareOfChance),
             lossText(std::log(double(numClasses))));
}

QString headline(const FitDiagnosisParams &params, int numClasses, const FitDiagnosis &d)
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
                   .arg(lossText(d.previousValidationLoss), lossText(d.lastValidationLoss), percent(drop)) +
               accuracyClause(d);
    }
    case FitVerdict::LargeGap:
        return QStringLiteral(
                   "Large train/validation gap: %1 accuracy %2 vs %3 %4 (%5 points; mean loss %6 vs %7), "
                   "the model does much better on the data it was trained on")
            .arg(d.trainSplit, percent(d.trainAccuracy), d.validationSplit, percent(d.validationAccuracy),
                 QString::number(100.0 * d.accuracyGap, 'f', 1), lossText(d.trainLoss),
                 lossText(d.validationLoss));
    case FitVerdict::Underfitting:
        return underfittingText(params, numClasses, d);
    case FitVerdict::Healthy: {
        QString text = QStringLiteral("No sign of over- or underfitting");
        if (d.epochs > 0)
            text += QStringLiteral(": validation loss levelled off at %1 (best at epoch %2 of %3)")
                        .arg(lossText(d.bestValidationLoss))
                        .arg(d.bestEpoch)
                        .arg(d.lastEpoch);
        return text + accuracyClause(d);
    }
    case FitVerdict::Unknown:
        break;
    }
    QString text = QStringLiteral("No diagnosis: there is no \"%1\" split and no training history")
                       .arg(params.trainSplit);
    if (std::isfinite(d.validationAccuracy))
        text += QStringLiteral(" (%1 accuracy %2)").arg(d.validationSplit, percent(d.validationAccuracy));
    return text;
}

QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue();
}

} // namespace

FitDiagnosis FitDiagnosis::compute(const std::vector<SplitFit> &splits, const std::vector<EpochLoss> &history,
                                   const FitDiagnosisParams &params, int numClasses)
{
    FitDiagnosis d;
    readSplits(splits, params, d);
    readHistory(history, d);
    judge(params, numClasses, d);
    d.sentence = headline(params, numClasses, d) + QLatin1Char('.');
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
                     {QStringLiteral("accuracy_gap"), number(accuracyGap)}};
    if (epochs > 0) {
        json.insert(QStringLiteral("history"),
                    QJsonObject{{QStringLiteral("epochs"), epochs},
                                {QStringLiteral("best_epoch"), bestEpoch},
                                {QStringLiteral("last_epoch"), lastEpoch},
                                {QStringLiteral("epochs_since_best"), epochsSinceBest},
                                {QStringLiteral("best_validation_loss"), number(bestValidationLoss)},
                                {QStringLiteral("last_validation_loss"), number(lastValidationLoss)},
                                {QStringLiteral("train_loss_at_best"), number(trainLossAtBest)},
                                {QStringLiteral("last_train_loss"), number(lastTrainLoss)}});
    }
    return json;
}

} // namespace loupe
