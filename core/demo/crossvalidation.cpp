#include "demo/crossvalidation.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <numeric>
#include <random>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

using Matrix = MlpClassifier::Matrix;
using Index = Eigen::Index;

Matrix gatherRows(const Matrix &source, const std::vector<Index> &rows)
{
    Matrix out(Index(rows.size()), source.cols());
    for (size_t i = 0; i < rows.size(); ++i)
        out.row(Index(i)) = source.row(rows[i]);
    return out;
}

std::vector<int> gather(const std::vector<int> &source, const std::vector<Index> &rows)
{
    std::vector<int> out;
    out.reserve(rows.size());
    for (const Index row : rows)
        out.push_back(source[size_t(row)]);
    return out;
}

} // namespace

std::vector<int> stratifiedFolds(const std::vector<int> &labels, int folds, uint64_t seed)
{
    if (folds < 1)
        throw Error(QStringLiteral("cross-validation: need at least one fold, got %1").arg(folds));
    int maxLabel = -1;
    for (const int label : labels) {
        if (label < 0)
            throw Error(QStringLiteral("cross-validation: negative label %1").arg(label));
        maxLabel = std::max(maxLabel, label);
    }
    std::vector<std::vector<size_t>> byLabel(size_t(maxLabel + 1));
    for (size_t i = 0; i < labels.size(); ++i)
        byLabel[size_t(labels[i])].push_back(i);

    std::mt19937_64 rng(seed);
    std::vector<int> fold(labels.size(), 0);
    // Continuing the round-robin across labels (rather than restarting at fold 0) keeps the
    // fold sizes balanced when class counts are not multiples of the fold count.
    size_t next = 0;
    for (std::vector<size_t> &members : byLabel) {
        std::shuffle(members.begin(), members.end(), rng);
        for (const size_t i : members)
            fold[i] = int(next++ % size_t(folds));
    }
    return fold;
}

CrossValidatedPredictions crossValidate(const Matrix &features, const std::vector<int> &labels,
                                        int numClasses, int folds, const MlpParams &params,
                                        Progress &progress)
{
    const Index n = features.rows();
    if (Index(labels.size()) != n)
        throw Error(
            QStringLiteral("cross-validation: %1 labels for %2 feature rows").arg(labels.size()).arg(n));
    if (folds < 2 || folds > n)
        throw Error(QStringLiteral("cross-validation: %1 folds for %2 samples").arg(folds).arg(n));
    for (const int label : labels) {
        if (label < 0 || label >= numClasses)
            throw Error(
                QStringLiteral("cross-validation: label %1 is outside [0, %2)").arg(label).arg(numClasses));
    }
    // Checked here as well as in fit(), because the result is sized from them first.
    if (numClasses < 2 || params.hiddenUnits < 1 || params.epochs < 1 || params.batchSize < 1)
        throw Error(
            QStringLiteral("cross-validation: classes (%1), hidden units, epochs and batch size must be "
                           "positive (two classes at least)")
                .arg(numClasses));

    const std::vector<int> foldOf = stratifiedFolds(labels, folds, params.seed);

    CrossValidatedPredictions result;
    result.probabilities.resize(n, numClasses);
    result.embeddings.resize(n, params.hiddenUnits);
    std::vector<std::vector<EpochLoss>> histories(static_cast<size_t>(folds));

    std::mutex mutex; // guards the three variables below and the calls into progress
    // Index `folds` is the embedding model, trained on every sample (see embedAll below).
    const int models = folds + 1;
    std::vector<double> foldFraction(static_cast<size_t>(models)); // each model's own progress in [0, 1]
    std::exception_ptr firstError;
    std::atomic_bool stop{false}; // set with firstError: the other folds give up early

    // Embeddings come from one model trained on every sample, not from the fold models:
    // five fold models have five unrelated hidden spaces, and neighbours, maps and clusters
    // need one. The probabilities, which judge the labels, stay out-of-fold.
    auto embedAll = [&](Progress &modelProgress) {
        MlpParams allParams = params;
        allParams.seed = params.seed + 1 + uint64_t(folds);
        MlpClassifier model(allParams);
        model.fit(features, labels, numClasses, nullptr, nullptr, modelProgress);
        result.embeddings = model.embed(features);
    };
    auto trainFold = [&](int f) {
        // fit() reports to and polls its own Progress. Its observer folds that into the
        // caller's progress and forwards a cancel (the caller's or a failed sibling fold's)
        // by throwing; it runs whenever the fold's fraction moves by 0.5 %, so a cancel
        // takes effect within 1/200 of a fold.
        Progress foldProgress([&, f](double fraction, const QString &) {
            if (stop.load())
                throw Cancelled();
            progress.throwIfCancelled();
            std::lock_guard lock(mutex);
            foldFraction[size_t(f)] = fraction;
            progress.setProgress(std::accumulate(foldFraction.begin(), foldFraction.end(), 0.0) / models);
        });

        if (f == folds) {
            embedAll(foldProgress);
            return;
        }
        std::vector<Index> trainRows, heldOutRows;
        for (Index i = 0; i < n; ++i)
            (foldOf[size_t(i)] == f ? heldOutRows : trainRows).push_back(i);
        // Copies, because fit() takes whole matrices: for 70,000 x 784 floats ~220 MB per
        // fold in flight.
        const Matrix heldOut = gatherRows(features, heldOutRows);
        const std::vector<int> heldOutLabels = gather(labels, heldOutRows);
        MlpParams foldParams = params;
        foldParams.seed = params.seed + 1 + uint64_t(f);
        MlpClassifier model(foldParams);
        {
            const Matrix train = gatherRows(features, trainRows);
            histories[size_t(f)] = model.fit(train, gather(labels, trainRows), numClasses, &heldOut,
                                             &heldOutLabels, foldProgress);
        }

        // Folds hold disjoint rows, so concurrent folds write disjoint parts of the result.
        const Matrix probabilities = model.predictProbabilities(heldOut);
        for (size_t i = 0; i < heldOutRows.size(); ++i)
            result.probabilities.row(heldOutRows[i]) = probabilities.row(Index(i));
    };

    // One fold per thread rather than threads inside each fold's GEMMs: Eigen runs its
    // products single-threaded inside an OpenMP region, and independent folds never wait
    // on each other. Eigen's threaded GEMM spin-waits between threads, which on a busy
    // machine (another process holding a core) made training 10x slower; and without it
    // the results do not depend on the thread count.
#ifdef _OPENMP
    const int threads = std::min(models, omp_get_max_threads());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
    for (int f = 0; f < models; ++f) {
        // Exceptions must not leave an OpenMP region: keep the first, stop the rest.
        try {
            if (!stop.load())
                trainFold(f);
        } catch (...) {
            std::lock_guard lock(mutex);
            if (!firstError)
                firstError = std::current_exception();
            stop.store(true);
        }
    }
    if (firstError)
        std::rethrow_exception(firstError);

    // Averaged in fold order, so the sum does not depend on which fold finished first.
    result.history.assign(size_t(params.epochs), EpochLoss{0, 0.0, 0.0}); // sums start at zero
    for (const std::vector<EpochLoss> &history : histories) {
        for (size_t e = 0; e < history.size(); ++e) {
            result.history[e].epoch = history[e].epoch;
            result.history[e].trainLoss += history[e].trainLoss / folds;
            result.history[e].validationLoss += history[e].validationLoss / folds;
        }
    }
    progress.setProgress(1.0);
    return result;
}

} // namespace loupe
