// The hot product of the kNN search and k-means (productkernels.h) on every path: the portable
// one and, where the CPU has them, AVX2 + FMA and AVX-512. Each is checked against a product in double
// precision, on shapes that are not multiples of any vector width, and the two against each
// other.

#include "analysis/neighbours/productkernels.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

using namespace loupe;

namespace {

std::vector<float> randomRows(std::int64_t rows, int d, std::mt19937_64 &rng)
{
    std::normal_distribution<float> value(0.0f, 1.0f);
    std::vector<float> data(size_t(rows * d));
    for (float &v : data)
        v = value(rng);
    return data;
}

/** The largest difference from scale * A B^T computed in double, over the largest magnitude. */
double relativeError(const std::vector<float> &out, const std::vector<float> &a, std::int64_t m,
                     const std::vector<float> &b, std::int64_t n, int d, float scale)
{
    double worst = 0.0, largest = 1e-12;
    for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < n; ++j) {
            double sum = 0.0;
            for (int k = 0; k < d; ++k)
                sum += double(a[size_t(i * d + k)]) * double(b[size_t(j * d + k)]);
            sum *= scale;
            worst = std::max(worst, std::abs(sum - double(out[size_t(j * m + i)])));
            largest = std::max(largest, std::abs(sum));
        }
    }
    return worst / largest;
}

} // namespace

class TestProductKernels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bothPathsMatchTheReference_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("d");
        QTest::newRow("one by one") << 1 << 1 << 1;
        QTest::newRow("odd shapes") << 7 << 33 << 13;
        QTest::newRow("a kNN tile") << 256 << 130 << 128;
        QTest::newRow("k-means") << 1000 << 17 << 64;
    }

    void bothPathsMatchTheReference()
    {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, d);
        std::mt19937_64 rng(std::uint64_t(m * 131 + n * 7 + d));
        const std::vector<float> a = randomRows(m, d, rng), b = randomRows(n, d, rng);
        std::vector<float> portable(size_t(m * n));
        scaledProductABt(a.data(), m, b.data(), n, d, -2.0f, portable.data(), SimdLevel::Portable);
        QVERIFY(relativeError(portable, a, m, b, n, d, -2.0f) < 1e-5);
        if (!simdLevelSupported(SimdLevel::Avx2Fma))
            QSKIP("this CPU has no AVX2 + FMA: the portable path alone is checked");
        for (const SimdLevel level : {SimdLevel::Avx2Fma, SimdLevel::Avx512}) {
            if (!simdLevelSupported(level))
                continue;
            std::vector<float> vector(size_t(m * n));
            scaledProductABt(a.data(), m, b.data(), n, d, -2.0f, vector.data(), level);
            QVERIFY2(relativeError(vector, a, m, b, n, d, -2.0f) < 1e-5, simdLevelName(level));
            // The paths differ only by the order of float additions (FMA rounds once).
            for (size_t i = 0; i < portable.size(); ++i)
                QVERIFY(std::abs(portable[i] - vector[i]) <= 1e-4f * (1.0f + std::abs(portable[i])));
        }
    }

    void theActiveLevelIsSupported()
    {
        QVERIFY(simdLevelSupported(activeSimdLevel()));
        QVERIFY(simdLevelSupported(SimdLevel::Portable));
        QCOMPARE(QByteArray(simdLevelName(SimdLevel::Portable)), QByteArray("portable"));
    }
};

QTEST_APPLESS_MAIN(TestProductKernels)
#include "tst_productkernels.moc"
