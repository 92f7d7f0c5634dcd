#include "analysis/quality/duplicatefinder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <tuple>

#include "analysis/quality/duplicateimagescan.h"
#include "common/error.h"
#include "common/parallelfor.h"
#include "common/progress.h"

namespace loupe {

namespace {

bool crossesSplits(const std::vector<int> &split, qint64 a, qint64 b)
{
    if (split.empty())
        return false;
    const int sa = split[size_t(a)];
    const int sb = split[size_t(b)];
    return sa >= 0 && sb >= 0 && sa != sb;
}

/** Star pairs (lowest index, member) for every group of identical decoded images. */
std::vector<DuplicatePair> exactPairs(const std::vector<ImageFacts> &facts, const std::vector<int> &split)
{
    std::vector<qint64> decoded;
    for (qint64 i = 0; i < qint64(facts.size()); ++i) {
        if (facts[size_t(i)].status == ImageFacts::Status::Decoded)
            decoded.push_back(i);
    }
    const auto byHash = [&facts](qint64 a, qint64 b) {
        const ImageFacts &fa = facts[size_t(a)];
        const ImageFacts &fb = facts[size_t(b)];
        if (fa.hash[0] != fb.hash[0])
            return fa.hash[0] < fb.hash[0];
        if (fa.hash[1] != fb.hash[1])
            return fa.hash[1] < fb.hash[1];
        return a < b;
    };
    std::sort(decoded.begin(), decoded.end(), byHash);
    std::vector<DuplicatePair> pairs;
    for (size_t start = 0; start < decoded.size();) {
        size_t end = start + 1;
        while (end < decoded.size() && facts[size_t(decoded[end])].sameContent(facts[size_t(decoded[start])]))
            ++end;
        for (size_t j = start + 1; j < end; ++j) {
            pairs.push_back({decoded[start], decoded[j], DuplicatePair::Kind::ExactImage, 0.0f,
                             crossesSplits(split, decoded[start], decoded[j])});
        }
        start = end;
    }
    std::sort(pairs.begin(), pairs.end(), [](const DuplicatePair &x, const DuplicatePair &y) {
        return std::tie(x.first, x.second) < std::tie(y.first, y.second);
    });
    return pairs;
}

/** The most common value of key over the decoded images, if at least share of them have it. */
template<typename Key>
std::optional<Key> dominant(const std::vector<ImageFacts> &facts, double share,
                            Key (*key)(const ImageFacts &))
{
    std::map<Key, qint64> counts;
    qint64 decoded = 0;
    for (const ImageFacts &f : facts) {
        if (f.status == ImageFacts::Status::Decoded) {
            ++counts[key(f)];
            ++decoded;
        }
    }
    if (counts.empty())
        return std::nullopt;
    const auto top = std::max_element(counts.begin(), counts.end(),
                                      [](const auto &a, const auto &b) { return a.second < b.second; });
    if (double(top->second) < share * double(decoded))
        return std::nullopt;
    return top->first;
}

std::pair<int, int> sizeOf(const ImageFacts &f)
{
    return {f.width, f.height};
}

int channelsOf(const ImageFacts &f)
{
    return f.channels;
}

QString sizeText(std::pair<int, int> size)
{
    return QStringLiteral("%1x%2").arg(size.first).arg(size.second);
}

std::vector<MalformedImage> malformedImages(const std::vector<ImageFacts> &facts, double majorityShare)
{
    const auto size = dominant(facts, majorityShare, &sizeOf);
    const auto channels = dominant(facts, majorityShare, &channelsOf);
    std::vector<MalformedImage> malformed;
    for (qint64 i = 0; i < qint64(facts.size()); ++i) {
        const ImageFacts &f = facts[size_t(i)];
        switch (f.status) {
        case ImageFacts::Status::NoPath:
            break;
        case ImageFacts::Status::Missing:
            malformed.push_back({i, ImageProblem::Missing, f.error});
            break;
        case ImageFacts::Status::Empty:
            malformed.push_back({i, ImageProblem::Empty, QStringLiteral("the file is empty (0 bytes)")});
            break;
        case ImageFacts::Status::Undecodable:
            malformed.push_back({i, ImageProblem::Undecodable, f.error});
            break;
        case ImageFacts::Status::Decoded:
            if (f.constant)
                malformed.push_back(
                    {i, ImageProblem::Constant, QStringLiteral("every pixel has the same value")});
            if (size && sizeOf(f) != *size)
                malformed.push_back(
                    {i, ImageProblem::UnusualSize,
                     QStringLiteral("%1, most images are %2").arg(sizeText(sizeOf(f)), sizeText(*size))});
            if (channels && f.channels != *channels)
                malformed.push_back(
                    {i, ImageProblem::UnusualChannels,
                     QStringLiteral("%1 channels, most images have %2").arg(f.channels).arg(*channels)});
            break;
        }
    }
    return malformed;
}

float median(std::vector<float> values)
{
    if (values.empty())
        return 0.0f;
    const auto middle = values.begin() + qsizetype(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

/** nearDuplicateFraction x the median non-zero nearest-neighbour distance. */
float derivedNearDistance(const KnnGraph &graph, double fraction)
{
    std::vector<float> nearest;
    nearest.reserve(size_t(graph.n));
    for (qint64 i = 0; i < graph.n; ++i) {
        const float d = graph.neighborDistances(i)[0];
        if (d > 0.0f && std::isfinite(d))
            nearest.push_back(d);
    }
    return float(fraction * double(median(std::move(nearest))));
}

std::vector<DuplicatePair> nearPairs(const KnnGraph &graph, float threshold, const std::vector<int> &split,
                                     const std::vector<ImageFacts> &facts)
{
    std::vector<DuplicatePair> pairs;
    for (qint64 i = 0; i < graph.n; ++i) {
        for (int j = 0; j < graph.k; ++j) {
            const qint64 other = graph.neighbors(i)[j];
            const float distance = graph.neighborDistances(i)[j];
            if (other < 0 || distance > threshold)
                break; // rows are sorted nearest first
            const qint64 a = std::min(i, other);
            const qint64 b = std::max(i, other);
            if (!facts.empty() && facts[size_t(a)].sameContent(facts[size_t(b)]))
                continue; // already an exact pair
            pairs.push_back({a, b, DuplicatePair::Kind::NearEmbedding, distance, crossesSplits(split, a, b)});
        }
    }
    // Each pair is usually found from both ends.
    std::sort(pairs.begin(), pairs.end(), [](const DuplicatePair &x, const DuplicatePair &y) {
        return std::tie(x.first, x.second) < std::tie(y.first, y.second);
    });
    pairs.erase(std::unique(pairs.begin(), pairs.end(),
                            [](const DuplicatePair &x, const DuplicatePair &y) {
                                return x.first == y.first && x.second == y.second;
                            }),
                pairs.end());
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const DuplicatePair &x, const DuplicatePair &y) { return x.distance < y.distance; });
    return pairs;
}

/** Distance to the k-th neighbour; the farthest one found when a row is padded (tiny sets). */
std::vector<float> outlierScores(const KnnGraph &graph, int k)
{
    std::vector<float> scores(static_cast<size_t>(graph.n), 0.0f);
    for (qint64 i = 0; i < graph.n; ++i) {
        const float *row = graph.neighborDistances(i);
        for (int j = std::min(k, graph.k) - 1; j >= 0; --j) {
            if (std::isfinite(row[j])) {
                scores[size_t(i)] = row[j];
                break;
            }
        }
    }
    return scores;
}

void flagOutliers(DuplicateReport &report, double share)
{
    const qint64 n = qint64(report.outlierScores.size());
    const qint64 count = std::clamp<qint64>(qint64(std::ceil(share * double(n))), 0, n);
    std::vector<qint64> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const auto higher = [&report](qint64 a, qint64 b) {
        const float sa = report.outlierScores[size_t(a)];
        const float sb = report.outlierScores[size_t(b)];
        return sa > sb || (sa == sb && a < b);
    };
    std::partial_sort(order.begin(), order.begin() + count, order.end(), higher);
    order.resize(size_t(count));
    report.outliers = std::move(order);
    report.outlierThreshold = count > 0 ? report.outlierScores[size_t(report.outliers.back())] : 0.0f;
}

void checkInput(const DuplicateInput &input)
{
    const auto mismatch = [&](const QString &what, qint64 size) {
        return Error(QStringLiteral("Duplicates: %1 has %2 entries for %3 samples.")
                         .arg(what)
                         .arg(size)
                         .arg(input.samples));
    };
    if (!input.imagePaths.isEmpty() && input.imagePaths.size() != input.samples)
        throw mismatch(QStringLiteral("the image list"), input.imagePaths.size());
    if (!input.split.empty() && qint64(input.split.size()) != input.samples)
        throw mismatch(QStringLiteral("the split list"), qint64(input.split.size()));
    if (input.imageFacts && qint64(input.imageFacts->size()) != input.samples)
        throw mismatch(QStringLiteral("the image facts"), qint64(input.imageFacts->size()));
    if (input.embeddings && input.dimensions < 1)
        throw Error(QStringLiteral("Duplicates: the embeddings have no dimensions."));
    if (input.graph && input.graph->n != input.samples)
        throw mismatch(QStringLiteral("the kNN graph"), input.graph->n);
}

} // namespace

QString imageProblemName(ImageProblem problem)
{
    switch (problem) {
    case ImageProblem::Missing:
        return QStringLiteral("missing");
    case ImageProblem::Empty:
        return QStringLiteral("empty file");
    case ImageProblem::Undecodable:
        return QStringLiteral("cannot decode");
    case ImageProblem::Constant:
        return QStringLiteral("constant image");
    case ImageProblem::UnusualSize:
        return QStringLiteral("unusual size");
    case ImageProblem::UnusualChannels:
        return QStringLiteral("unusual channels");
    }
    return {};
}

qint64 DuplicateReport::countPairs(DuplicatePair::Kind kind) const
{
    return std::count_if(pairs.begin(), pairs.end(),
                         [kind](const DuplicatePair &p) { return p.kind == kind; });
}

qint64 DuplicateReport::countLeaks() const
{
    return std::count_if(pairs.begin(), pairs.end(), [](const DuplicatePair &p) { return p.crossesSplits; });
}

DuplicateFinder::DuplicateFinder(const DuplicateParams &params) : m_params(params) {}

DuplicateReport DuplicateFinder::run(const DuplicateInput &input, Progress &progress) const
{
    checkInput(input);
    const bool hasImages = !input.imagePaths.isEmpty() || input.imageFacts;
    const bool hasEmbeddings = input.embeddings != nullptr || input.graph != nullptr;
    // Decoding small images is cheaper than the kNN graph; 0.3 matches the demo's split.
    const double imageShare = hasImages ? (hasEmbeddings ? 0.3 : 1.0) : 0.0;

    DuplicateReport report;
    std::vector<ImageFacts> scanned;
    if (hasImages && !input.imageFacts)
        scanned = DuplicateImageScan::run(input.imagePaths, progress, 0.0, imageShare);
    const std::vector<ImageFacts> &facts = input.imageFacts ? *input.imageFacts : scanned;
    if (hasImages) {
        report.pairs = exactPairs(facts, input.split);
        report.malformed = malformedImages(facts, m_params.majorityShare);
    }
    if (hasEmbeddings && input.samples > 0) {
        const int k = std::max(1, m_params.outlierNeighbor);
        KnnGraph computed;
        const KnnGraph *graph = input.graph;
        if (!graph || graph->k < k) {
            if (!input.embeddings)
                throw Error(
                    QStringLiteral("Duplicates: the kNN graph has k = %1, the outlier score needs %2.")
                        .arg(graph->k)
                        .arg(k));
            StageProgress stage(progress, imageShare, 1.0);
            computed = allNearestNeighbors(input.embeddings, input.samples, input.dimensions, k, m_params.knn,
                                           stage.progress());
            graph = &computed;
        }
        progress.throwIfCancelled();
        report.nearDuplicateDistance = m_params.nearDuplicateDistance > 0.0f
                                           ? m_params.nearDuplicateDistance
                                           : derivedNearDistance(*graph, m_params.nearDuplicateFraction);
        const std::vector<DuplicatePair> near =
            nearPairs(*graph, report.nearDuplicateDistance, input.split, facts);
        report.pairs.insert(report.pairs.end(), near.begin(), near.end());
        report.outlierScores = outlierScores(*graph, k);
        flagOutliers(report, m_params.outlierShare);
    }
    progress.setProgress(1.0);
    return report;
}

} // namespace loupe
