#include <QTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <random>

#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/quality/duplicatefinder.h"
#include "common/error.h"
#include "common/progress.h"

using namespace loupe;

namespace {

constexpr int kSide = 16;
constexpr int kDims = 8;
constexpr qint64 kSamples = 60;

// The planted answers.
constexpr qint64 kExactA = 3;       // PPM
constexpr qint64 kExactB = 10;      // BMP of the same pixels, same split
constexpr qint64 kUndecodable = 20; // garbage bytes
constexpr qint64 kEmpty = 21;       // zero bytes
constexpr qint64 kConstant = 22;    // one colour everywhere
constexpr qint64 kOddSize = 23;     // 20 x 16
constexpr qint64 kOddChannels = 24; // grey PGM among colour images
constexpr qint64 kMissing = 25;     // no file
constexpr qint64 kNearTrain = 40;   // embedding almost equal to kNearTest, other split
constexpr qint64 kNearTest = 50;
constexpr qint64 kOutlier = 55; // embedding far from everything

/** width x height RGB pixels, row-major. */
using Rgb = std::vector<quint8>;

Rgb randomPixels(int width, int height, std::mt19937 &rng)
{
    Rgb pixels(size_t(width * height * 3));
    for (quint8 &p : pixels)
        p = quint8(rng() & 0xff);
    return pixels;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

QByteArray ppm(const Rgb &pixels, int width, int height)
{
    QByteArray bytes = QByteArrayLiteral("P6\n") + QByteArray::number(width) + ' ' +
                       QByteArray::number(height) + QByteArrayLiteral("\n255\n");
    bytes.append(reinterpret_cast<const char *>(pixels.data()), qsizetype(pixels.size()));
    return bytes;
}

QByteArray pgm(const std::vector<quint8> &grey, int width, int height)
{
    QByteArray bytes = QByteArrayLiteral("P5\n") + QByteArray::number(width) + ' ' +
                       QByteArray::number(height) + QByteArrayLiteral("\n255\n");
    bytes.append(reinterpret_cast<const char *>(grey.data()), qsizetype(grey.size()));
    return bytes;
}

void appendLe(QByteArray &bytes, quint32 value, int size)
{
    for (int i = 0; i < size; ++i)
        bytes.append(char((value >> (8 * i)) & 0xff));
}

/** A 24-bit uncompressed BMP: bottom-up rows, BGR, rows padded to 4 bytes. */
QByteArray bmp(const Rgb &pixels, int width, int height)
{
    const int rowBytes = (width * 3 + 3) & ~3;
    QByteArray bytes("BM");
    appendLe(bytes, quint32(54 + rowBytes * height), 4);
    appendLe(bytes, 0, 4);
    appendLe(bytes, 54, 4);
    appendLe(bytes, 40, 4);
    appendLe(bytes, quint32(width), 4);
    appendLe(bytes, quint32(height), 4);
    appendLe(bytes, 1, 2);
    appendLe(bytes, 24, 2);
    appendLe(bytes, 0, 4);
    appendLe(bytes, quint32(rowBytes * height), 4);
    appendLe(bytes, 2835, 4);
    appendLe(bytes, 2835, 4);
    appendLe(bytes, 0, 4);
    appendLe(bytes, 0, 4);
    for (int y = height - 1; y >= 0; --y) {
        for (int x = 0; x < width; ++x) {
            const quint8 *p = pixels.data() + (y * width + x) * 3;
            bytes.append(char(p[2])).append(char(p[1])).append(char(p[0]));
        }
        bytes.append(QByteArray(rowBytes - width * 3, '\0'));
    }
    return bytes;
}

/** The image folder: distinct random colour images plus the planted ones. */
QStringList writeImages(const QString &folder)
{
    std::mt19937 rng(17);
    QStringList paths;
    Rgb shared;
    for (qint64 i = 0; i < kSamples; ++i) {
        const QString stem = folder + QStringLiteral("/%1").arg(i, 3, 10, QLatin1Char('0'));
        QString path = stem + QStringLiteral(".ppm");
        if (i == kExactA) {
            shared = randomPixels(kSide, kSide, rng);
            writeFile(path, ppm(shared, kSide, kSide));
        } else if (i == kExactB) {
            path = stem + QStringLiteral(".bmp");
            writeFile(path, bmp(shared, kSide, kSide));
        } else if (i == kUndecodable) {
            path = stem + QStringLiteral(".png");
            writeFile(path, QByteArrayLiteral("\x89PNG\r\n\x1a\nthis is not really a png"));
        } else if (i == kEmpty) {
            path = stem + QStringLiteral(".png");
            writeFile(path, QByteArray());
        } else if (i == kConstant) {
            Rgb pixels(size_t(kSide * kSide * 3));
            for (size_t p = 0; p < pixels.size(); p += 3) {
                pixels[p] = 200;
                pixels[p + 1] = 10;
                pixels[p + 2] = 30;
            }
            writeFile(path, ppm(pixels, kSide, kSide));
        } else if (i == kOddSize) {
            writeFile(path, ppm(randomPixels(20, kSide, rng), 20, kSide));
        } else if (i == kOddChannels) {
            path = stem + QStringLiteral(".pgm");
            std::vector<quint8> grey(size_t(kSide * kSide));
            for (quint8 &g : grey)
                g = quint8(rng() & 0xff);
            writeFile(path, pgm(grey, kSide, kSide));
        } else if (i == kMissing) {
            path = stem + QStringLiteral(".jpg"); // never written
        } else {
            writeFile(path, ppm(randomPixels(kSide, kSide, rng), kSide, kSide));
        }
        paths.append(path);
    }
    return paths;
}

/** Clustered embeddings with the planted near-duplicate, outlier and exact pair. */
std::vector<float> embeddings()
{
    std::mt19937 rng(5);
    std::normal_distribution<float> normal;
    std::vector<float> centres(size_t(3 * kDims));
    for (float &c : centres)
        c = 3.0f * normal(rng);
    std::vector<float> data(size_t(kSamples * kDims));
    for (qint64 i = 0; i < kSamples; ++i) {
        for (int j = 0; j < kDims; ++j)
            data[size_t(i * kDims + j)] = centres[size_t((i % 3) * kDims + j)] + normal(rng);
    }
    const auto row = [&data](qint64 i) {
        return data.begin() + i * kDims;
    };
    std::copy_n(row(kExactA), kDims, row(kExactB)); // a model embeds identical images identically
    std::copy_n(row(kNearTrain), kDims, row(kNearTest));
    *row(kNearTest) += 0.01f;
    for (int j = 0; j < kDims; ++j)
        row(kOutlier)[j] += 40.0f;
    return data;
}

/** Split 0 (train) for most, 1 (test) for every fifth sample and the near-duplicate's twin. */
std::vector<int> splits()
{
    std::vector<int> split(kSamples);
    for (qint64 i = 0; i < kSamples; ++i)
        split[size_t(i)] = (i % 5 == 0) ? 1 : 0;
    split[size_t(kNearTrain)] = 0;
    split[size_t(kNearTest)] = 1;
    split[size_t(kExactA)] = 0;
    split[size_t(kExactB)] = 0;
    return split;
}

std::vector<std::pair<qint64, ImageProblem>> problemsOf(const DuplicateReport &report)
{
    std::vector<std::pair<qint64, ImageProblem>> problems;
    for (const MalformedImage &m : report.malformed)
        problems.emplace_back(m.sample, m.problem);
    return problems;
}

} // namespace

class TestDuplicateFinder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void findsPlantedProblems();
    void explicitThresholdAndReusedGraph();
    void exactDuplicateAcrossSplitsIsALeak();
    void imagesOnlyAndEmbeddingsOnly();
    void samePathTwiceIsAnExactPair();
    void badInputAndCancel();

private:
    QTemporaryDir m_dir;
    QStringList m_paths;
    std::vector<float> m_embeddings;

    DuplicateInput input() const
    {
        DuplicateInput in;
        in.samples = kSamples;
        in.imagePaths = m_paths;
        in.embeddings = m_embeddings.data();
        in.dimensions = kDims;
        in.split = splits();
        return in;
    }
};

void TestDuplicateFinder::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_paths = writeImages(m_dir.path());
    m_embeddings = embeddings();
}

void TestDuplicateFinder::findsPlantedProblems()
{
    DuplicateParams params;
    params.outlierShare = 1.0 / double(kSamples);
    Progress progress;
    const DuplicateReport report = DuplicateFinder(params).run(input(), progress);

    QCOMPARE(report.pairs.size(), size_t(2));
    const DuplicatePair &exact = report.pairs[0];
    QCOMPARE(exact.kind, DuplicatePair::Kind::ExactImage);
    QCOMPARE(exact.first, kExactA);
    QCOMPARE(exact.second, kExactB);
    QVERIFY(!exact.crossesSplits);
    const DuplicatePair &near = report.pairs[1];
    QCOMPARE(near.kind, DuplicatePair::Kind::NearEmbedding);
    QCOMPARE(near.first, kNearTrain);
    QCOMPARE(near.second, kNearTest);
    QVERIFY(std::abs(near.distance - 0.01f) < 1e-4f);
    QVERIFY(near.crossesSplits);
    QCOMPARE(report.countLeaks(), qint64(1));
    QVERIFY(report.nearDuplicateDistance > 0.1f);

    QCOMPARE(report.outlierScores.size(), size_t(kSamples));
    QCOMPARE(report.outliers, std::vector<qint64>{kOutlier});
    QCOMPARE(report.outlierThreshold, report.outlierScores[size_t(kOutlier)]);
    QVERIFY(report.outlierScores[size_t(kOutlier)] > 50.0f);

    const std::vector<std::pair<qint64, ImageProblem>> expected{
        {kUndecodable, ImageProblem::Undecodable},     {kEmpty, ImageProblem::Empty},
        {kConstant, ImageProblem::Constant},           {kOddSize, ImageProblem::UnusualSize},
        {kOddChannels, ImageProblem::UnusualChannels}, {kMissing, ImageProblem::Missing}};
    QCOMPARE(problemsOf(report), expected);
    const auto odd = std::find_if(report.malformed.begin(), report.malformed.end(),
                                  [](const MalformedImage &m) { return m.sample == kOddSize; });
    QCOMPARE(odd->detail, QStringLiteral("20x16, most images are 16x16"));
}

void TestDuplicateFinder::explicitThresholdAndReusedGraph()
{
    Progress progress;
    KnnParams knn;
    knn.method = KnnParams::Method::Exact;
    const KnnGraph graph = allNearestNeighbors(m_embeddings.data(), kSamples, kDims, 12, knn, progress);
    DuplicateInput in = input();
    in.imagePaths.clear();
    in.embeddings = nullptr;
    in.graph = &graph;
    DuplicateParams params;
    params.nearDuplicateDistance = 0.001f; // below the planted pair: nothing
    DuplicateReport report = DuplicateFinder(params).run(in, progress);
    QCOMPARE(report.nearDuplicateDistance, 0.001f);
    // Without images the identical embeddings of the exact pair are a near pair at distance 0.
    QCOMPARE(report.pairs.size(), size_t(1));
    QCOMPARE(report.pairs[0].first, kExactA);
    QCOMPARE(report.pairs[0].distance, 0.0f);

    params.nearDuplicateDistance = 0.02f;
    report = DuplicateFinder(params).run(in, progress);
    QCOMPARE(report.pairs.size(), size_t(2));
    QCOMPARE(report.pairs[1].first, kNearTrain);

    params.outlierNeighbor = 20; // more than the graph has, and no embeddings to rebuild it
    QVERIFY_THROWS_EXCEPTION(Error, DuplicateFinder(params).run(in, progress));
}

void TestDuplicateFinder::exactDuplicateAcrossSplitsIsALeak()
{
    DuplicateInput in = input();
    in.split[size_t(kExactB)] = 1;
    Progress progress;
    const DuplicateReport report = DuplicateFinder().run(in, progress);
    QCOMPARE(report.pairs[0].kind, DuplicatePair::Kind::ExactImage);
    QVERIFY(report.pairs[0].crossesSplits);
    QCOMPARE(report.countLeaks(), qint64(2));
}

void TestDuplicateFinder::imagesOnlyAndEmbeddingsOnly()
{
    Progress progress;
    DuplicateInput images = input();
    images.embeddings = nullptr;
    DuplicateReport report = DuplicateFinder().run(images, progress);
    QCOMPARE(report.pairs.size(), size_t(1));
    QVERIFY(report.outlierScores.empty());
    QCOMPARE(report.malformed.size(), size_t(6));

    DuplicateInput vectors = input();
    vectors.imagePaths.clear();
    report = DuplicateFinder().run(vectors, progress);
    QVERIFY(report.malformed.empty());
    QCOMPARE(report.countPairs(DuplicatePair::Kind::ExactImage), qint64(0));
    QCOMPARE(report.countPairs(DuplicatePair::Kind::NearEmbedding), qint64(2));
}

void TestDuplicateFinder::samePathTwiceIsAnExactPair()
{
    // Regression guard for decoding each distinct path once: the copies must still pair up.
    DuplicateInput in = input();
    in.embeddings = nullptr;
    in.imagePaths[58] = in.imagePaths[57];
    in.imagePaths[59] = in.imagePaths[57];
    in.imagePaths[kEmpty + 1] = in.imagePaths[kEmpty]; // a problem is reported for every sample that has it
    Progress progress;
    const DuplicateReport report = DuplicateFinder().run(in, progress);
    QCOMPARE(report.countPairs(DuplicatePair::Kind::ExactImage), qint64(3));
    QCOMPARE(report.pairs[1].first, qint64(57));
    QCOMPARE(report.pairs[2].first, qint64(57));
    QCOMPARE(report.pairs[2].second, qint64(59));
    QCOMPARE(report.malformed[2].sample, kEmpty + 1);
    QCOMPARE(report.malformed[2].problem, ImageProblem::Empty);
}

void TestDuplicateFinder::badInputAndCancel()
{
    Progress progress;
    DuplicateInput in = input();
    in.split.pop_back();
    QVERIFY_THROWS_EXCEPTION(Error, DuplicateFinder().run(in, progress));
    in = input();
    in.imagePaths.removeLast();
    QVERIFY_THROWS_EXCEPTION(Error, DuplicateFinder().run(in, progress));

    Progress cancelled;
    cancelled.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, DuplicateFinder().run(input(), cancelled));
    DuplicateInput vectors = input();
    vectors.imagePaths.clear();
    QVERIFY_THROWS_EXCEPTION(Cancelled, DuplicateFinder().run(vectors, cancelled));
}

QTEST_APPLESS_MAIN(TestDuplicateFinder)
#include "tst_duplicatefinder.moc"
