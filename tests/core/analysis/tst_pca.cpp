#include "analysis/neighbours/pca.h"
#include "common/error.h"
#include "common/progress.h"

#include <Eigen/Dense>

#include <QTest>

#include <cmath>
#include <random>

using namespace loupe;

namespace {

using MatrixXfR = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/**
 * rows x dims data with a planted rank-3 structure: three orthonormal directions with
 * standard deviations 10, 5 and 2, plus isotropic noise of 0.05, around a non-zero mean.
 */
struct Planted
{
    MatrixXfR data;
    Eigen::MatrixXd directions; // dims x 3
    Eigen::Vector3d stddevs{10.0, 5.0, 2.0};
};

Planted plantedLowRank(int rows, int dims, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd random(dims, 3);
    for (int i = 0; i < random.size(); ++i)
        random(i) = normal(rng);
    Planted p;
    p.directions =
        Eigen::HouseholderQR<Eigen::MatrixXd>(random).householderQ() * Eigen::MatrixXd::Identity(dims, 3);
    Eigen::VectorXd mean(dims);
    for (int d = 0; d < dims; ++d)
        mean(d) = 3.0 + d * 0.1;
    p.data.resize(rows, dims);
    for (int r = 0; r < rows; ++r) {
        Eigen::VectorXd x = mean;
        for (int c = 0; c < 3; ++c)
            x += p.directions.col(c) * (p.stddevs(c) * normal(rng));
        for (int d = 0; d < dims; ++d)
            x(d) += 0.05 * normal(rng);
        p.data.row(r) = x.transpose().cast<float>();
    }
    return p;
}

/** The textbook reference: covariance in double, full eigendecomposition, descending. */
struct Reference
{
    Eigen::VectorXd variances;
    Eigen::MatrixXd vectors;
};

Reference referencePca(const MatrixXfR &data)
{
    const Eigen::MatrixXd x = data.cast<double>();
    const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
    const Eigen::MatrixXd cov = centred.transpose() * centred / double(x.rows() - 1);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    return {eig.eigenvalues().reverse(), eig.eigenvectors().rowwise().reverse()};
}

PcaResult run(const MatrixXfR &data, int k, PcaParams::Method method, std::uint64_t seed = 1)
{
    PcaParams params;
    params.components = k;
    params.method = method;
    params.seed = seed;
    Progress progress;
    return computePca(data.data(), data.rows(), int(data.cols()), params, progress);
}

Eigen::MatrixXd basisOf(const PcaResult &r)
{
    return Eigen::Map<const MatrixXfR>(r.basis.data(), r.components, r.dimensions).transpose().cast<double>();
}

} // namespace

class TestPca : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recoversPlantedLowRankStructure_data();
    void recoversPlantedLowRankStructure();
    void matchesExactEigendecomposition();
    void randomizedMatchesExact();
    void randomizedIsSeeded();
    void projectionIsCentredAndOrthonormal();
    void autoPicksRandomizedOnlyForWideData();
    void componentsAreClampedToRank();
    void cancels();
    void rejectsTooFewRows();
};

void TestPca::recoversPlantedLowRankStructure_data()
{
    QTest::addColumn<int>("method");
    QTest::newRow("exact") << int(PcaParams::Method::Exact);
    QTest::newRow("randomized") << int(PcaParams::Method::Randomized);
}

void TestPca::recoversPlantedLowRankStructure()
{
    QFETCH(int, method);
    const Planted p = plantedLowRank(3000, 40, 7);
    const PcaResult r = run(p.data, 5, PcaParams::Method(method));
    QCOMPARE(r.components, 5);
    QCOMPARE(r.randomized, method == int(PcaParams::Method::Randomized));

    // The three planted axes come back in order, each within a degree or so.
    const Eigen::MatrixXd basis = basisOf(r);
    for (int c = 0; c < 3; ++c)
        QVERIFY2(std::abs(basis.col(c).dot(p.directions.col(c))) > 0.9995, qPrintable(QString::number(c)));
    // Variances 100, 25, 4 up to sampling error; the noise directions carry ~0.0025 each.
    for (int c = 0; c < 3; ++c) {
        const double planted = p.stddevs(c) * p.stddevs(c);
        QVERIFY(std::abs(r.explainedVariance[c] - planted) < 0.1 * planted);
    }
    QVERIFY(r.explainedVariance[3] < 0.01);
    double firstThree =
        r.explainedVarianceRatio[0] + r.explainedVarianceRatio[1] + r.explainedVarianceRatio[2];
    QVERIFY(firstThree > 0.999);
    QVERIFY(firstThree <= 1.0 + 1e-9);
}

void TestPca::matchesExactEigendecomposition()
{
    // A full-rank spectrum (no planted gap) so that every component is determined.
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    MatrixXfR data(1500, 12);
    for (int r = 0; r < data.rows(); ++r)
        for (int c = 0; c < data.cols(); ++c)
            data(r, c) = normal(rng) * float(c + 1) + (c % 3 == 0 && c > 0 ? 0.5f * data(r, 0) : 0.0f);
    const Reference ref = referencePca(data);
    const PcaResult r = run(data, 12, PcaParams::Method::Exact);

    const Eigen::MatrixXd basis = basisOf(r);
    const double total = ref.variances.sum();
    for (int c = 0; c < 12; ++c) {
        QVERIFY(std::abs(r.explainedVariance[c] - ref.variances(c)) < 1e-4 * ref.variances(0));
        QVERIFY(std::abs(r.explainedVarianceRatio[c] - ref.variances(c) / total) < 1e-5);
        QVERIFY(std::abs(std::abs(basis.col(c).dot(ref.vectors.col(c))) - 1.0) < 1e-4);
    }
}

void TestPca::randomizedMatchesExact()
{
    // 200 dims with a decaying spectrum: the regime the randomized method is for.
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    MatrixXfR data(4000, 200);
    for (int r = 0; r < data.rows(); ++r)
        for (int c = 0; c < data.cols(); ++c)
            data(r, c) = normal(rng) * 20.0f / float(1 + c);
    const PcaResult exact = run(data, 10, PcaParams::Method::Exact);
    const PcaResult randomized = run(data, 10, PcaParams::Method::Randomized);
    const Eigen::MatrixXd a = basisOf(exact);
    const Eigen::MatrixXd b = basisOf(randomized);
    for (int c = 0; c < 10; ++c) {
        QVERIFY(std::abs(randomized.explainedVariance[c] - exact.explainedVariance[c]) <
                0.01 * exact.explainedVariance[c]);
        QVERIFY(std::abs(randomized.explainedVarianceRatio[c] - exact.explainedVarianceRatio[c]) < 1e-3);
    }
    // The leading axes are well separated (variance ratios 4, 2.25, ...): same vectors, same signs.
    for (int c = 0; c < 4; ++c)
        QVERIFY2(a.col(c).dot(b.col(c)) > 0.999, qPrintable(QString::number(a.col(c).dot(b.col(c)))));
}

void TestPca::randomizedIsSeeded()
{
    const Planted p = plantedLowRank(2000, 30, 5);
    const PcaResult a = run(p.data, 4, PcaParams::Method::Randomized, 9);
    const PcaResult b = run(p.data, 4, PcaParams::Method::Randomized, 9);
    QCOMPARE(a.basis, b.basis);
    QCOMPARE(a.explainedVariance, b.explainedVariance);
}

void TestPca::projectionIsCentredAndOrthonormal()
{
    const Planted p = plantedLowRank(2500, 20, 13);
    const PcaResult r = run(p.data, 3, PcaParams::Method::Exact);
    const Eigen::Map<const MatrixXfR> projected(r.projected.data(), r.rows, r.components);
    const Eigen::MatrixXd y = projected.cast<double>();
    const Eigen::RowVectorXd mean = y.colwise().mean();
    const Eigen::MatrixXd cov =
        (y.rowwise() - mean).transpose() * (y.rowwise() - mean) / double(y.rows() - 1);
    for (int c = 0; c < 3; ++c) {
        QVERIFY(std::abs(mean(c)) < 1e-3);
        // The projection's variance along each axis is that axis's explained variance; axes uncorrelated.
        QVERIFY(std::abs(cov(c, c) - r.explainedVariance[c]) < 1e-3 * r.explainedVariance[c]);
        for (int o = 0; o < c; ++o)
            QVERIFY(std::abs(cov(c, o)) < 1e-3 * r.explainedVariance[0]);
    }
    const Eigen::MatrixXd basis = basisOf(r);
    QVERIFY((basis.transpose() * basis - Eigen::MatrixXd::Identity(3, 3)).cwiseAbs().maxCoeff() < 1e-5);
    // x - mean projected on the basis, by hand, for one row.
    const Eigen::RowVectorXd x0 = p.data.row(17).cast<double>() -
                                  Eigen::Map<const Eigen::RowVectorXf>(r.mean.data(), 20).cast<double>();
    QVERIFY(((x0 * basis) - y.row(17)).cwiseAbs().maxCoeff() < 1e-3);
}

void TestPca::autoPicksRandomizedOnlyForWideData()
{
    PcaParams params; // 50 components, oversampling 10, 4 power iterations
    QVERIFY(!pcaUsesRandomized(1000000, 128, params));
    QVERIFY(pcaUsesRandomized(1000000, 4096, params));
    params.method = PcaParams::Method::Randomized;
    QVERIFY(pcaUsesRandomized(100, 8, params));
}

void TestPca::componentsAreClampedToRank()
{
    const Planted p = plantedLowRank(50, 6, 1);
    const PcaResult r = run(p.data, 20, PcaParams::Method::Exact);
    QCOMPARE(r.components, 6);
    QCOMPARE(r.projected.size(), size_t(50 * 6));
}

void TestPca::cancels()
{
    const Planted p = plantedLowRank(500, 10, 1);
    Progress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, computePca(p.data.data(), 500, 10, PcaParams(), progress));
}

void TestPca::rejectsTooFewRows()
{
    const float one[3] = {1, 2, 3};
    Progress progress;
    QVERIFY_THROWS_EXCEPTION(Error, computePca(one, 1, 3, PcaParams(), progress));
}

QTEST_APPLESS_MAIN(TestPca)
#include "tst_pca.moc"
