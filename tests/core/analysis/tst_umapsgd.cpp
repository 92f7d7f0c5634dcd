// UMAP's SGD kernel (umapsgd.h) on both builds: the portable one (SSE2, two halves of four
// lanes) and, where the CPU has it, AVX2 (eight lanes). They must give the same layout bit for
// bit: the same IEEE operation per lane, no fused multiply-add. Checked on random edges over
// many epochs, a fit (the tails move) and a transform (fixed tails), and for a sane update.

#include "analysis/maps/umapsgd.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace loupe;

namespace {

constexpr qint64 kPoints = 3000;
constexpr qint64 kEdges = 40000;
constexpr int kEpochs = 30;

/** A random edge schedule and layout: what UmapSchedule holds for a fit. */
struct State
{
    std::vector<qint32> heads, tails;
    std::vector<float> epochsPerSample, nextSample, epochsPerNegative, nextNegative;
    std::vector<float> coords;

    explicit State(std::uint64_t seed)
    {
        std::mt19937_64 rng(seed);
        std::uniform_int_distribution<qint32> point(0, qint32(kPoints - 1));
        std::uniform_real_distribution<float> spread(-10.0f, 10.0f);
        std::uniform_real_distribution<float> every(1.0f, 4.0f);
        for (qint64 e = 0; e < kEdges; ++e) {
            heads.push_back(point(rng));
            tails.push_back(point(rng));
            epochsPerSample.push_back(every(rng));
            nextSample.push_back(epochsPerSample.back());
            epochsPerNegative.push_back(epochsPerSample.back() / 5.0f);
            nextNegative.push_back(epochsPerNegative.back());
        }
        for (qint64 i = 0; i < 2 * kPoints; ++i)
            coords.push_back(spread(rng));
        coords[2] = coords[0]; // two coincident points: the maximal push
        coords[3] = coords[1];
    }

    UmapEdgeArrays arrays()
    {
        return {heads.data(),
                tails.data(),
                epochsPerSample.data(),
                nextSample.data(),
                epochsPerNegative.data(),
                nextNegative.data()};
    }
};

/** Runs kEpochs on one thread at level, in ranges of 4,096 edges as the layout's work items. */
void run(State &state, bool fit, const std::vector<float> &fixedTails, SimdLevel level)
{
    UmapEpochContext c;
    c.a = 1.577f;
    c.b = 0.895f;
    c.twoAB = 2.0f * c.a * c.b;
    c.twoGammaB = 2.0f * c.b;
    c.tailVertices = kPoints;
    c.sameSet = fit;
    c.moveTails = fit;
    c.heads = state.coords.data();
    std::vector<float> tails = fixedTails;
    c.tails = fit ? state.coords.data() : tails.data();
    std::vector<float> snapshot;
    const UmapEdgeArrays arrays = state.arrays();
    for (int n = 0; n < kEpochs; ++n) {
        snapshot.assign(c.tails, c.tails + 2 * kPoints);
        c.negativeSource = snapshot.data();
        c.alpha = 1.0f - float(n) / kEpochs;
        c.epoch = float(n);
        for (qint64 begin = 0; begin < kEdges; begin += 4096)
            updateUmapEdges(c, arrays, begin, std::min(kEdges, begin + 4096), 42,
                            std::uint64_t(n) << 40 | begin, level);
    }
}

bool sameBits(const std::vector<float> &a, const std::vector<float> &b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

class TestUmapSgd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void portableUpdateMovesPointsAndStaysFinite();
    void avx2MatchesPortableBitForBit_data();
    void avx2MatchesPortableBitForBit();
};

void TestUmapSgd::portableUpdateMovesPointsAndStaysFinite()
{
    State state(7);
    const std::vector<float> before = state.coords;
    run(state, true, {}, SimdLevel::Portable);
    qint64 moved = 0;
    for (size_t i = 0; i < before.size(); ++i) {
        QVERIFY(std::isfinite(state.coords[i]));
        moved += state.coords[i] != before[i];
    }
    QVERIFY(moved > qint64(before.size()) * 9 / 10);
    // Every edge was sampled up to the last epoch: its next sample lies beyond it.
    for (const float next : state.nextSample)
        QVERIFY(next > float(kEpochs - 1));
}

void TestUmapSgd::avx2MatchesPortableBitForBit_data()
{
    QTest::addColumn<bool>("fit");
    QTest::newRow("fit: heads and tails move") << true;
    QTest::newRow("transform: fixed tails") << false;
}

void TestUmapSgd::avx2MatchesPortableBitForBit()
{
    if (!simdLevelSupported(SimdLevel::Avx2Fma))
        QSKIP("this CPU has no AVX2");
    QFETCH(bool, fit);
    State portable(11);
    State avx2(11);
    const std::vector<float> fixedTails = State(12).coords;
    run(portable, fit, fixedTails, SimdLevel::Portable);
    run(avx2, fit, fixedTails, SimdLevel::Avx2Fma);
    QVERIFY(sameBits(portable.coords, avx2.coords));
    QVERIFY(sameBits(portable.nextSample, avx2.nextSample));
    QVERIFY(sameBits(portable.nextNegative, avx2.nextNegative));
    QVERIFY(!sameBits(portable.coords, State(11).coords));
}

QTEST_GUILESS_MAIN(TestUmapSgd)
#include "tst_umapsgd.moc"
