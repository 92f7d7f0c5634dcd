#include "demo/mlpclassifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

using Matrix = MlpClassifier::Matrix;
using Index = Eigen::Index;

// Rows per forward pass in prediction: bounds the N x H temporary while keeping each
// GEMM large enough for the OpenMP threads to pay off.
constexpr Index kPredictChunk = 4096;

// Adam's usual constants; only the learning rate is a parameter.
constexpr float kBeta1 = 0.9f;
constexpr float kBeta2 = 0.999f;
constexpr float kEpsilon = 1e-8f;

void checkLabels(const std::vector<int> &labels, Index rows, int numClasses, const char *what)
{
    if (Index(labels.size()) != rows)
        throw Error(QStringLiteral("%1: %2 labels for %3 feature rows")
                        .arg(QLatin1String(what))
                        .arg(labels.size())
                        .arg(rows));
    for (size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= numClasses)
            throw Error(QStringLiteral("%1: label %2 of row %3 is outside [0, %4)")
                            .arg(QLatin1String(what))
                            .arg(labels[i])
                            .arg(i)
                            .arg(numClasses));
    }
}

Matrix heInit(Index fanIn, Index fanOut, std::mt19937_64 &rng)
{
    std::normal_distribution<float> normal(0.0f, std::sqrt(2.0f / float(fanIn)));
    Matrix w(fanIn, fanOut);
    // Element by element in storage order so the draw sequence is fixed by the seed.
    for (Index i = 0; i < w.size(); ++i)
        w.data()[i] = normal(rng);
    return w;
}

/** In place: logits -> log-probabilities, stable because each row's max is subtracted first. */
void logSoftmaxRows(Matrix &z)
{
    for (Index r = 0; r < z.rows(); ++r) {
        auto row = z.row(r);
        const float max = row.maxCoeff();
        row.array() -= max;
        row.array() -= std::log(row.array().exp().sum());
    }
}

/** The state of one Adam-updated parameter tensor: first and second moment estimates. */
template<typename T> struct AdamSlot
{
    T m;
    T v;

    explicit AdamSlot(const T &param) : m(T::Zero(param.rows(), param.cols())), v(m) {}

    void step(T &param, const T &grad, float lr, float bias1, float bias2)
    {
        m = kBeta1 * m + (1.0f - kBeta1) * grad;
        v = kBeta2 * v + (1.0f - kBeta2) * grad.cwiseAbs2();
        param.array() -= lr * (m.array() / bias1) / ((v.array() / bias2).sqrt() + kEpsilon);
    }
};

} // namespace

MlpClassifier::MlpClassifier(MlpParams params) : m_params(params) {}

std::vector<EpochLoss> MlpClassifier::fit(const Matrix &features, const std::vector<int> &labels,
                                          int numClasses, const Matrix *validationFeatures,
                                          const std::vector<int> *validationLabels, Progress &progress)
{
    const Index n = features.rows();
    const Index d = features.cols();
    const Index h = m_params.hiddenUnits;
    const Index c = numClasses;
    if (n == 0 || d == 0)
        throw Error(QStringLiteral("MLP training: no training samples"));
    if (numClasses < 2)
        throw Error(QStringLiteral("MLP training: need at least two classes, got %1").arg(numClasses));
    if (h < 1 || m_params.epochs < 1 || m_params.batchSize < 1)
        throw Error(QStringLiteral("MLP training: hidden units, epochs and batch size must be positive"));
    checkLabels(labels, n, numClasses, "MLP training");
    if ((validationFeatures == nullptr) != (validationLabels == nullptr))
        throw Error(QStringLiteral("MLP training: validation features and labels must be given together"));
    const bool validate = validationFeatures != nullptr && validationFeatures->rows() > 0;
    if (validate) {
        if (validationFeatures->cols() != d)
            throw Error(QStringLiteral("MLP training: validation rows have %1 features, training rows %2")
                            .arg(validationFeatures->cols())
                            .arg(d));
        checkLabels(*validationLabels, validationFeatures->rows(), numClasses, "MLP validation");
    }

    // One generator drives initialisation and every epoch's shuffle, so the seed fixes the
    // whole run. (std::normal_distribution and std::shuffle are implementation-defined,
    // so runs are reproducible per standard library, not across them.)
    std::mt19937_64 rng(m_params.seed);
    m_w1 = heInit(d, h, rng);
    m_b1 = Eigen::RowVectorXf::Zero(h);
    m_w2 = heInit(h, c, rng);
    m_b2 = Eigen::RowVectorXf::Zero(c);

    AdamSlot<Matrix> adamW1(m_w1), adamW2(m_w2);
    AdamSlot<Eigen::RowVectorXf> adamB1(m_b1), adamB2(m_b2);

    const Index batchSize = std::min<Index>(m_params.batchSize, n);
    const Index batchesPerEpoch = (n + batchSize - 1) / batchSize;
    const qint64 totalBatches = qint64(batchesPerEpoch) * m_params.epochs;
    const float lr = m_params.learningRate;
    const float decay = m_params.weightDecay;

    // Buffers sized for a full batch and reused; they are reallocated only around each
    // epoch's last, shorter batch.
    Matrix x(batchSize, d), z1(batchSize, h), a1(batchSize, h), z2(batchSize, c), dz2(batchSize, c),
        dz1(batchSize, h);
    Matrix gradW1(d, h), gradW2(h, c);
    Eigen::RowVectorXf gradB1(h), gradB2(c);

    std::vector<Index> order(n);
    std::iota(order.begin(), order.end(), Index(0));

    std::vector<EpochLoss> history;
    history.reserve(m_params.epochs);
    qint64 step = 0; // Adam's t
    for (int epoch = 1; epoch <= m_params.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        double lossSum = 0.0;
        for (Index start = 0; start < n; start += batchSize) {
            progress.throwIfCancelled();
            const Index b = std::min(batchSize, n - start);
            if (x.rows() != b) {
                x.resize(b, d);
                z1.resize(b, h);
                a1.resize(b, h);
                z2.resize(b, c);
                dz2.resize(b, c);
                dz1.resize(b, h);
            }
            for (Index r = 0; r < b; ++r)
                x.row(r) = features.row(order[start + r]);

            // Forward.
            z1.noalias() = x * m_w1;
            z1.rowwise() += m_b1;
            a1 = z1.cwiseMax(0.0f);
            z2.noalias() = a1 * m_w2;
            z2.rowwise() += m_b2;
            logSoftmaxRows(z2);

            // Mean cross-entropy; its gradient w.r.t. the logits is (softmax - onehot) / b.
            dz2 = z2.array().exp();
            for (Index r = 0; r < b; ++r) {
                const int y = labels[order[start + r]];
                lossSum -= z2(r, y);
                dz2(r, y) -= 1.0f;
            }
            dz2 /= float(b);

            // Backward. L2 decay is added to the weight gradients (not the biases) before
            // Adam, i.e. classic coupled L2 regularisation.
            gradW2.noalias() = a1.transpose() * dz2;
            gradW2 += decay * m_w2;
            gradB2 = dz2.colwise().sum();
            dz1.noalias() = dz2 * m_w2.transpose();
            dz1.array() = (z1.array() > 0.0f).select(dz1.array(), 0.0f);
            gradW1.noalias() = x.transpose() * dz1;
            gradW1 += decay * m_w1;
            gradB1 = dz1.colwise().sum();

            ++step;
            const float bias1 = 1.0f - std::pow(kBeta1, float(step));
            const float bias2 = 1.0f - std::pow(kBeta2, float(step));
            adamW1.step(m_w1, gradW1, lr, bias1, bias2);
            adamB1.step(m_b1, gradB1, lr, bias1, bias2);
            adamW2.step(m_w2, gradW2, lr, bias1, bias2);
            adamB2.step(m_b2, gradB2, lr, bias1, bias2);

            progress.setProgress(qint64(epoch - 1) * batchesPerEpoch + start / batchSize + 1, totalBatches);
        }

        EpochLoss loss;
        loss.epoch = epoch;
        // The running mean over the epoch's batches (weights changing as it goes), the
        // usual cheap estimate; it excludes the L2 term so it compares to validationLoss.
        loss.trainLoss = lossSum / double(n);
        if (validate) {
            progress.throwIfCancelled();
            const Matrix logP = logProbabilities(*validationFeatures);
            double sum = 0.0;
            for (Index r = 0; r < logP.rows(); ++r)
                sum -= logP(r, (*validationLabels)[r]);
            loss.validationLoss = sum / double(logP.rows());
        }
        history.push_back(loss);
    }
    return history;
}

MlpClassifier::Matrix MlpClassifier::predictProbabilities(const Matrix &features) const
{
    Matrix p = logProbabilities(features);
    p.array() = p.array().exp();
    return p;
}

MlpClassifier::Matrix MlpClassifier::embed(const Matrix &features) const
{
    checkTrained(features);
    Matrix hidden(features.rows(), m_w1.cols());
    hidden.noalias() = features * m_w1;
    hidden.rowwise() += m_b1;
    hidden = hidden.cwiseMax(0.0f);
    return hidden;
}

MlpClassifier::Matrix MlpClassifier::logProbabilities(const Matrix &features) const
{
    checkTrained(features);
    Matrix out(features.rows(), m_w2.cols());
    Matrix hidden;
    for (Index start = 0; start < features.rows(); start += kPredictChunk) {
        const Index rows = std::min(kPredictChunk, features.rows() - start);
        hidden.noalias() = features.middleRows(start, rows) * m_w1;
        hidden.rowwise() += m_b1;
        hidden = hidden.cwiseMax(0.0f);
        auto logits = out.middleRows(start, rows);
        logits.noalias() = hidden * m_w2;
        logits.rowwise() += m_b2;
    }
    logSoftmaxRows(out);
    return out;
}

void MlpClassifier::checkTrained(const Matrix &features) const
{
    if (m_w1.size() == 0)
        throw Error(QStringLiteral("MLP prediction: the model has not been trained"));
    if (features.cols() != m_w1.rows())
        throw Error(QStringLiteral("MLP prediction: rows have %1 features, the model expects %2")
                        .arg(features.cols())
                        .arg(m_w1.rows()));
}

} // namespace loupe
