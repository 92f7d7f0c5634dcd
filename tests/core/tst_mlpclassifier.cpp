#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include <QTest>

#include "common/error.h"
#include "common/progress.h"
#include "demo/crossvalidation.h"
#include "demo/mlpclassifier.h"

using loupe::MlpClassifier;
using loupe::MlpParams;
using Matrix = MlpClassifier::Matrix;

namespace {

constexpr int kClasses = 4;
constexpr int kDims = 12;

struct Blobs
{
    Matrix features;
    std::vector<int> labels;
};

/**
 * perClass samples of each of kClasses Gaussian blobs in kDims dimensions, in [0, 1]-ish
 * like scaled pixels: class k is centred at 0.8 in dimension k and 0.2 elsewhere, with
 * noise far smaller than the 0.6 gap, so the classes are linearly separable.
 */
Blobs makeBlobs(int perClass, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.08f);
    Blobs blobs;
    blobs.features.resize(perClass * kClasses, kDims);
    for (int k = 0; k < kClasses; ++k) {
        for (int i = 0; i < perClass; ++i) {
            const int row = k * perClass + i;
            for (int d = 0; d < kDims; ++d)
                blobs.features(row, d) = (d == k ? 0.8f : 0.2f) + noise(rng);
            blobs.labels.push_back(k);
        }
    }
    return blobs;
}

MlpParams smallParams()
{
    MlpParams params;
    params.hiddenUnits = 16;
    params.epochs = 10;
    params.batchSize = 32;
    params.learningRate = 1e-2f;
    return params;
}

double accuracy(const Matrix &probabilities, const std::vector<int> &labels)
{
    int correct = 0;
    for (Eigen::Index r = 0; r < probabilities.rows(); ++r) {
        Eigen::Index best = 0;
        probabilities.row(r).maxCoeff(&best);
        correct += best == labels[size_t(r)] ? 1 : 0;
    }
    return double(correct) / double(probabilities.rows());
}

void verifyDistributions(const Matrix &probabilities)
{
    for (Eigen::Index r = 0; r < probabilities.rows(); ++r) {
        QVERIFY(probabilities.row(r).minCoeff() >= 0.0f);
        QVERIFY(probabilities.row(r).maxCoeff() <= 1.0f);
        QVERIFY2(std::abs(probabilities.row(r).sum() - 1.0f) < 1e-5f, qPrintable(QString::number(r)));
    }
}

} // namespace

class TestMlpClassifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void separableBlobsAreLearned();
    void probabilitiesAreDistributions();
    void sameSeedGivesIdenticalOutputs();
    void stratifiedFoldsBalanceClasses_data();
    void stratifiedFoldsBalanceClasses();
    void crossValidateCoversEveryRow();
    void flippedLabelIsNotMemorised();
    void progressRisesToOneAcrossFolds();
    void cancelBeforeFitThrows();
    void cancelDuringCrossValidationThrows();
    void invalidInputThrows_data();
    void invalidInputThrows();
};

void TestMlpClassifier::separableBlobsAreLearned()
{
    const Blobs train = makeBlobs(100, 1);
    const Blobs test = makeBlobs(50, 2);
    MlpClassifier model(smallParams());
    loupe::Progress progress;
    const auto history =
        model.fit(train.features, train.labels, kClasses, &test.features, &test.labels, progress);

    QCOMPARE(history.size(), size_t(smallParams().epochs));
    QCOMPARE(history.front().epoch, 1);
    QVERIFY(history.back().trainLoss < history.front().trainLoss);
    QVERIFY(history.back().validationLoss < 0.2);
    QVERIFY(accuracy(model.predictProbabilities(test.features), test.labels) > 0.95);
}

void TestMlpClassifier::probabilitiesAreDistributions()
{
    const Blobs train = makeBlobs(50, 3);
    MlpClassifier model(smallParams());
    loupe::Progress progress;
    model.fit(train.features, train.labels, kClasses, nullptr, nullptr, progress);

    // Far outside the training range too, where logits are large and a naive softmax overflows.
    Matrix probe = makeBlobs(10, 4).features;
    probe.bottomRows(5) *= 1e4f;
    const Matrix probabilities = model.predictProbabilities(probe);
    QCOMPARE(probabilities.rows(), probe.rows());
    QCOMPARE(probabilities.cols(), Eigen::Index(kClasses));
    QVERIFY(probabilities.allFinite());
    verifyDistributions(probabilities);

    const Matrix embeddings = model.embed(probe);
    QCOMPARE(embeddings.rows(), probe.rows());
    QCOMPARE(embeddings.cols(), Eigen::Index(smallParams().hiddenUnits));
    QVERIFY(embeddings.minCoeff() >= 0.0f); // ReLU activations
}

void TestMlpClassifier::sameSeedGivesIdenticalOutputs()
{
    const Blobs train = makeBlobs(50, 5);
    loupe::Progress progress;
    auto trained = [&](uint64_t seed) {
        MlpParams params = smallParams();
        params.seed = seed;
        MlpClassifier model(params);
        model.fit(train.features, train.labels, kClasses, nullptr, nullptr, progress);
        return model.predictProbabilities(train.features);
    };
    const Matrix first = trained(7);
    QVERIFY(first == trained(7));
    QVERIFY(first != trained(8));
}

void TestMlpClassifier::stratifiedFoldsBalanceClasses_data()
{
    QTest::addColumn<std::vector<int>>("classCounts");
    QTest::addColumn<int>("folds");
    QTest::newRow("even") << std::vector<int>{10, 10, 10} << 5;
    QTest::newRow("uneven") << std::vector<int>{7, 3, 11} << 3;
    QTest::newRow("class smaller than folds") << std::vector<int>{2, 9} << 4;
}

void TestMlpClassifier::stratifiedFoldsBalanceClasses()
{
    QFETCH(std::vector<int>, classCounts);
    QFETCH(int, folds);
    // Labels interleaved so that a split by position would not be stratified by accident.
    std::vector<int> labels;
    for (int round = 0; round < *std::max_element(classCounts.begin(), classCounts.end()); ++round) {
        for (size_t k = 0; k < classCounts.size(); ++k) {
            if (round < classCounts[k])
                labels.push_back(int(k));
        }
    }

    const std::vector<int> fold = loupe::stratifiedFolds(labels, folds, 42);
    QCOMPARE(fold.size(), labels.size());
    QCOMPARE(loupe::stratifiedFolds(labels, folds, 42), fold);
    std::vector<std::vector<int>> perFold(size_t(folds), std::vector<int>(classCounts.size(), 0));
    for (size_t i = 0; i < fold.size(); ++i) {
        QVERIFY(fold[i] >= 0 && fold[i] < folds);
        ++perFold[size_t(fold[i])][size_t(labels[i])];
    }
    for (size_t k = 0; k < classCounts.size(); ++k) {
        for (int f = 0; f < folds; ++f) {
            const int count = perFold[size_t(f)][k];
            QVERIFY(count == classCounts[k] / folds || count == (classCounts[k] + folds - 1) / folds);
        }
    }
    std::vector<int> sizes;
    for (const auto &counts : perFold)
        sizes.push_back(std::accumulate(counts.begin(), counts.end(), 0));
    QVERIFY(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()) <=
            1);
}

void TestMlpClassifier::crossValidateCoversEveryRow()
{
    const Blobs data = makeBlobs(60, 6);
    const MlpParams params = smallParams();
    loupe::Progress progress;
    const auto result = loupe::crossValidate(data.features, data.labels, kClasses, 5, params, progress);

    QCOMPARE(result.probabilities.rows(), data.features.rows());
    QCOMPARE(result.probabilities.cols(), Eigen::Index(kClasses));
    QCOMPARE(result.embeddings.rows(), data.features.rows());
    QCOMPARE(result.embeddings.cols(), Eigen::Index(params.hiddenUnits));
    verifyDistributions(result.probabilities);
    QVERIFY(result.embeddings.allFinite());
    QVERIFY(accuracy(result.probabilities, data.labels) > 0.95);

    QCOMPARE(result.history.size(), size_t(params.epochs));
    for (size_t e = 0; e < result.history.size(); ++e) {
        QCOMPARE(result.history[e].epoch, int(e) + 1);
        QVERIFY(std::isfinite(result.history[e].trainLoss) && result.history[e].trainLoss > 0.0);
        QVERIFY(std::isfinite(result.history[e].validationLoss) && result.history[e].validationLoss > 0.0);
    }
}

void TestMlpClassifier::flippedLabelIsNotMemorised()
{
    Blobs data = makeBlobs(60, 7);
    const int flipped = 3;
    QCOMPARE(data.labels[flipped], 0);
    data.labels[flipped] = 2;
    // Big enough, long enough and without decay so that a model that saw the sample fits its
    // wrong label (~0.7 for it, measured); only the held-out prediction stays sure.
    MlpParams params = smallParams();
    params.hiddenUnits = 64;
    params.epochs = 100;
    params.weightDecay = 0.0f;

    loupe::Progress progress;
    const auto result = loupe::crossValidate(data.features, data.labels, kClasses, 5, params, progress);
    const QByteArray row = QByteArray::number(result.probabilities(flipped, 0)) + " for its true class, " +
                           QByteArray::number(result.probabilities(flipped, 2)) + " for its given label";
    QVERIFY2(result.probabilities(flipped, 2) < 0.05f, row.constData());
    QVERIFY2(result.probabilities(flipped, 0) > 0.95f, row.constData());
}

void TestMlpClassifier::progressRisesToOneAcrossFolds()
{
    const Blobs data = makeBlobs(30, 8);
    std::vector<double> seen;
    loupe::Progress progress([&seen](double fraction, const QString &) { seen.push_back(fraction); });
    loupe::crossValidate(data.features, data.labels, kClasses, 3, smallParams(), progress);

    QVERIFY(seen.size() > 3);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.back(), 1.0);
}

void TestMlpClassifier::cancelBeforeFitThrows()
{
    const Blobs data = makeBlobs(20, 9);
    MlpClassifier model(smallParams());
    loupe::Progress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(loupe::Cancelled,
                             model.fit(data.features, data.labels, kClasses, nullptr, nullptr, progress));
}

void TestMlpClassifier::cancelDuringCrossValidationThrows()
{
    const Blobs data = makeBlobs(30, 10);
    double last = 0.0;
    loupe::Progress *self = nullptr;
    loupe::Progress progress([&](double fraction, const QString &) {
        last = fraction;
        if (fraction > 0.3)
            self->cancel();
    });
    self = &progress;
    QVERIFY_THROWS_EXCEPTION(loupe::Cancelled, loupe::crossValidate(data.features, data.labels, kClasses, 5,
                                                                    smallParams(), progress));
    // Every fold polls the cancel at each of its batches here (each is > 0.5 % of a fold), so
    // the run stops a batch or two after 0.3, far from the end.
    QVERIFY2(last > 0.3 && last < 0.4, qPrintable(QString::number(last)));
}

void TestMlpClassifier::invalidInputThrows_data()
{
    QTest::addColumn<int>("labelCount");
    QTest::addColumn<int>("badLabel");
    QTest::addColumn<int>("folds");
    QTest::newRow("fewer labels than rows") << 19 << 0 << 2;
    QTest::newRow("label above range") << 20 << kClasses << 2;
    QTest::newRow("negative label") << 20 << -1 << 2;
    QTest::newRow("one fold") << 20 << 0 << 1;
    QTest::newRow("more folds than rows") << 20 << 0 << 21;
}

void TestMlpClassifier::invalidInputThrows()
{
    QFETCH(int, labelCount);
    QFETCH(int, badLabel);
    QFETCH(int, folds);
    const Matrix features = Matrix::Constant(20, kDims, 0.5f);
    std::vector<int> labels(size_t(labelCount), 1);
    labels[0] = badLabel;
    loupe::Progress progress;
    QVERIFY_THROWS_EXCEPTION(
        loupe::Error, loupe::crossValidate(features, labels, kClasses, folds, smallParams(), progress));
    if (folds == 2) {
        MlpClassifier model(smallParams());
        QVERIFY_THROWS_EXCEPTION(loupe::Error,
                                 model.fit(features, labels, kClasses, nullptr, nullptr, progress));
    }
}

QTEST_APPLESS_MAIN(TestMlpClassifier)
#include "tst_mlpclassifier.moc"
