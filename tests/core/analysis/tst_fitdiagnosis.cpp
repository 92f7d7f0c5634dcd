// Is the model over- or underfitting: each diagnosis on a history and split metrics with a known answer.

#include "analysis/quality/fitdiagnosis.h"

#include <QtTest>

using namespace loupe;

namespace {

/** Epochs 1..n with the given losses. */
std::vector<EpochLoss> history(const std::vector<double> &train, const std::vector<double> &validation)
{
    std::vector<EpochLoss> rows;
    for (size_t i = 0; i < train.size(); ++i)
        rows.push_back({int(i) + 1, train[i], validation[i]});
    return rows;
}

std::vector<SplitFit> splits(double trainAccuracy, double trainLoss, const QString &held, double heldAccuracy,
                             double heldLoss)
{
    return {{QStringLiteral("train"), 1000, trainAccuracy, trainLoss}, {held, 200, heldAccuracy, heldLoss}};
}

} // namespace

class TestFitDiagnosis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void overfittingNamesTheBestEpoch();
    void notConvergedWhenValidationStillFalls();
    void largeGapFromSplitsAlone();
    void underfittingFromLowTrainAccuracy();
    void underfittingFromHistoryLossWithoutSplits();
    void healthyWhenValidationLevelsOff();
    void oneNoisyEpochIsNotOverfitting();
    void unknownWithoutData();
    void historyIsReadInEpochOrderAndSkipsMissingValues();
    void validationSplitPreferenceAndCase();
    void jsonCarriesTheNumbers();
};

void TestFitDiagnosis::overfittingNamesTheBestEpoch()
{
    // Validation loss bottoms out at epoch 12 (0.31) and climbs to 0.38 at epoch 16;
    // training loss falls from 0.20 to 0.09 over the same epochs.
    std::vector<double> train, validation;
    for (int e = 1; e <= 16; ++e) {
        train.push_back(e <= 12 ? 0.80 - 0.05 * e : 0.20 - (e - 12) * 0.0275);
        validation.push_back(e <= 12 ? 0.90 - (0.59 / 12.0) * e : 0.31 + (e - 12) * 0.0175);
    }
    const FitDiagnosis d = FitDiagnosis::compute(
        splits(0.991, 0.05, QStringLiteral("validation"), 0.88, 0.40), history(train, validation));
    QCOMPARE(d.verdict, FitVerdict::Overfitting);
    QVERIFY(d.overfitting);
    QVERIFY(d.largeGap); // 11.1 points: also reported, overfitting is the headline
    QCOMPARE(d.bestEpoch, 12);
    QCOMPARE(d.epochsSinceBest, 4);
    QCOMPARE(d.sentence,
             QStringLiteral("Overfitting: validation loss has risen for 4 epochs since its best at epoch 12 "
                            "(0.310 -> 0.380) while training loss kept falling (0.200 -> 0.090); "
                            "train accuracy 99.1% vs validation 88.0%."));
}

void TestFitDiagnosis::notConvergedWhenValidationStillFalls()
{
    // The 10,000-sample demo's history: three epochs, validation loss still dropping 7 %.
    const FitDiagnosis d =
        FitDiagnosis::compute(splits(0.81, 0.60, QStringLiteral("test"), 0.80, 0.62),
                              history({1.46902, 0.878017, 0.761032}, {0.981094, 0.821619, 0.765794}));
    QCOMPARE(d.verdict, FitVerdict::NotConverged);
    QVERIFY(d.notConverged);
    QVERIFY(!d.overfitting);
    QCOMPARE(d.bestEpoch, 3);
    QCOMPARE(d.sentence,
             QStringLiteral("Not converged: validation loss was still falling at the last epoch, 3 "
                            "(0.822 -> 0.766, -6.8%), so more training should help; "
                            "train accuracy 81.0% vs test 80.0%."));
}

void TestFitDiagnosis::largeGapFromSplitsAlone()
{
    const FitDiagnosis d = FitDiagnosis::compute(splits(0.99, 0.03, QStringLiteral("test"), 0.90, 0.35), {});
    QCOMPARE(d.verdict, FitVerdict::LargeGap);
    QVERIFY(std::abs(d.accuracyGap - 0.09) < 1e-12);
    QVERIFY(!d.underfitting);
    QCOMPARE(d.sentence,
             QStringLiteral("Large train/validation gap: train accuracy 99.0% vs test 90.0% (9.0 points; "
                            "mean loss 0.030 vs 0.350), the model does much better on the data it was "
                            "trained on."));
}

void TestFitDiagnosis::underfittingFromLowTrainAccuracy()
{
    const FitDiagnosis d =
        FitDiagnosis::compute(splits(0.62, 1.10, QStringLiteral("validation"), 0.605, 1.15), {});
    QCOMPARE(d.verdict, FitVerdict::Underfitting);
    QCOMPARE(d.sentence,
             QStringLiteral("Underfitting: train accuracy is only 62.0%, below the 80.0% reference, and "
                            "validation is no better (60.5%); the model does not fit even the data it "
                            "was trained on."));

    // A team with a lower target sets its own reference.
    FitDiagnosisParams params;
    params.minTrainAccuracy = 0.6;
    QCOMPARE(FitDiagnosis::compute(splits(0.62, 1.10, QStringLiteral("validation"), 0.605, 1.15), {}, params)
                 .verdict,
             FitVerdict::Healthy);
}

void TestFitDiagnosis::underfittingFromHistoryLossWithoutSplits()
{
    // Training loss stays at 1.5 with 10 classes: above half of ln(10) = 2.303.
    const auto flat = history({1.52, 1.51, 1.50, 1.50}, {1.55, 1.54, 1.54, 1.54});
    const FitDiagnosis d = FitDiagnosis::compute({}, flat, {}, 10);
    QCOMPARE(d.verdict, FitVerdict::Underfitting);
    QCOMPARE(d.sentence,
             QStringLiteral("Underfitting: training loss ended at 1.500, above 50.0% of a uniform guess's "
                            "2.303."));
    // Without the class count the rule cannot apply.
    QCOMPARE(FitDiagnosis::compute({}, flat).verdict, FitVerdict::Healthy);
}

void TestFitDiagnosis::healthyWhenValidationLevelsOff()
{
    // The full demo's history: best at epoch 7, +1 % at epoch 8.
    const auto h = history({0.661353, 0.52242, 0.487033, 0.461122, 0.444634, 0.429808, 0.418408, 0.408839},
                           {0.556497, 0.517549, 0.488158, 0.476709, 0.462906, 0.458542, 0.450609, 0.455026});
    const FitDiagnosis d = FitDiagnosis::compute(splits(0.861, 0.40, QStringLiteral("test"), 0.859, 0.41), h);
    QCOMPARE(d.verdict, FitVerdict::Healthy);
    QCOMPARE(d.sentence,
             QStringLiteral("No sign of over- or underfitting: validation loss levelled off at 0.451 (best "
                            "at epoch 7 of 8); train accuracy 86.1% vs test 85.9%."));
}

void TestFitDiagnosis::oneNoisyEpochIsNotOverfitting()
{
    // A single 5 % bump after the best epoch is within noise (minEpochsSinceBest = 2).
    const FitDiagnosis d =
        FitDiagnosis::compute({}, history({0.9, 0.7, 0.6, 0.55}, {0.95, 0.8, 0.70, 0.735}));
    QVERIFY(!d.overfitting);
    QCOMPARE(d.epochsSinceBest, 1);
    // Two epochs later and still 5 % up while training loss falls: now it is a trend.
    const FitDiagnosis later =
        FitDiagnosis::compute({}, history({0.9, 0.7, 0.6, 0.55, 0.5}, {0.95, 0.8, 0.70, 0.735, 0.735}));
    QCOMPARE(later.verdict, FitVerdict::Overfitting);
}

void TestFitDiagnosis::unknownWithoutData()
{
    FitDiagnosis d = FitDiagnosis::compute({}, {});
    QCOMPARE(d.verdict, FitVerdict::Unknown);
    QCOMPARE(d.sentence,
             QStringLiteral("No diagnosis: there is no \"train\" split and no training history."));
    d = FitDiagnosis::compute({{QStringLiteral("test"), 10, 0.7, 0.9}}, {});
    QCOMPARE(d.verdict, FitVerdict::Unknown);
    QCOMPARE(d.sentence,
             QStringLiteral(
                 "No diagnosis: there is no \"train\" split and no training history (test accuracy 70.0%)."));
}

void TestFitDiagnosis::historyIsReadInEpochOrderAndSkipsMissingValues()
{
    std::vector<EpochLoss> h = {{3, 0.5, 0.60}, {1, 0.9, 0.90}, {2, 0.7, NAN}, {4, 0.4, 0.55}};
    const FitDiagnosis d = FitDiagnosis::compute({}, h);
    QCOMPARE(d.epochs, 3);
    QCOMPARE(d.lastEpoch, 4);
    QCOMPARE(d.previousValidationLoss, 0.60);
    QCOMPARE(d.verdict, FitVerdict::NotConverged);
}

void TestFitDiagnosis::validationSplitPreferenceAndCase()
{
    const std::vector<SplitFit> s = {{QStringLiteral("Test"), 1, 0.5, 1.0},
                                     {QStringLiteral("TRAIN"), 1, 0.95, 0.1},
                                     {QStringLiteral("val"), 1, 0.93, 0.2}};
    const FitDiagnosis d = FitDiagnosis::compute(s, {});
    QCOMPARE(d.trainSplit, QStringLiteral("TRAIN"));
    QCOMPARE(d.validationSplit, QStringLiteral("val")); // "val" comes before "test" in the preference list
    QCOMPARE(d.verdict, FitVerdict::Healthy);
}

void TestFitDiagnosis::jsonCarriesTheNumbers()
{
    const FitDiagnosis d = FitDiagnosis::compute(splits(0.99, 0.03, QStringLiteral("test"), 0.90, 0.35),
                                                 history({0.5, 0.4}, {0.6, 0.5}));
    const QJsonObject json = d.toJson();
    QCOMPARE(json.value(QStringLiteral("verdict")).toString(), QStringLiteral("not_converged"));
    QCOMPARE(json.value(QStringLiteral("large_gap")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("history")).toObject().value(QStringLiteral("best_epoch")).toInt(), 2);
    QCOMPARE(json.value(QStringLiteral("sentence")).toString(), d.sentence);
}

QTEST_APPLESS_MAIN(TestFitDiagnosis)
#include "tst_fitdiagnosis.moc"
