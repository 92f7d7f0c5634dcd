#include "demo/slidingwindowdetector.h"

#include "common/progress.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace loupe {

namespace {

constexpr int kSide = 28;
constexpr int kFeatures = kSide * kSide;

/** The square window of side around the box's centre, shifted by jitter (fractions of side), inside the
 * scene. */
Box squareAround(const Box &box, double side, double jx, double jy, const Scene &scene)
{
    side = std::min(side, double(std::min(scene.width, scene.height)));
    const double cx = box.x + box.width / 2 + jx * side, cy = box.y + box.height / 2 + jy * side;
    return {std::clamp(std::round(cx - side / 2), 0.0, scene.width - side),
            std::clamp(std::round(cy - side / 2), 0.0, scene.height - side), side, side};
}

} // namespace

SlidingWindowDetector::SlidingWindowDetector(int categories, DetectorParams params)
    : m_categories(categories), m_params(std::move(params)), m_model(m_params.model)
{
}

void SlidingWindowDetector::addWindow(const Scene &scene, const Box &square,
                                      std::vector<float> &features) const
{
    const cv::Mat image(scene.height, scene.width, CV_8UC1, const_cast<uint8_t *>(scene.pixels.data()));
    const cv::Rect rect(int(square.x), int(square.y), int(square.width), int(square.height));
    cv::Mat scaled;
    cv::resize(image(rect), scaled, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
    for (int y = 0; y < kSide; ++y)
        for (int x = 0; x < kSide; ++x)
            features.push_back(float(scaled.at<uint8_t>(y, x)) / 255.0f);
}

void SlidingWindowDetector::fit(const std::vector<const Scene *> &scenes,
                                const std::vector<std::vector<Annotation>> &annotations, Progress &progress)
{
    // The training windows are the windows detect() looks at, labelled by how well they sit on
    // an object's square: so the scores mean at inference what they meant in training.
    std::mt19937_64 rng(m_params.model.seed ^ 0x5eedull);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<float> features;
    std::vector<int> labels;
    const int background = m_categories;
    for (size_t s = 0; s < scenes.size(); ++s) {
        const Scene &scene = *scenes[s];
        std::vector<Box> squares;
        for (const Annotation &a : annotations[s])
            squares.push_back(squareAround(a.box, std::max(a.box.width, a.box.height), 0.0, 0.0, scene));
        std::vector<Box> negatives;
        qint64 positives = 0;
        for (const Box &window : windowsOf(scene)) {
            double best = 0.0;
            int category = -1;
            for (size_t k = 0; k < squares.size(); ++k) {
                const double overlap = iou(window, squares[k]);
                if (overlap > best) {
                    best = overlap;
                    category = annotations[s][k].category;
                }
            }
            if (best >= m_params.positiveIou) {
                addWindow(scene, window, features);
                labels.push_back(category);
                ++positives;
            } else if (best < m_params.negativeIou) {
                negatives.push_back(window);
            }
        }
        // Background windows, m_params.negativesPerPositive times the positives (at least negativesPerScene).
        std::shuffle(negatives.begin(), negatives.end(), rng);
        const auto keep =
            std::min<qint64>(qint64(negatives.size()),
                             std::max<qint64>(m_params.negativesPerScene,
                                              qint64(m_params.negativesPerPositive * double(positives))));
        for (qint64 k = 0; k < keep; ++k) {
            addWindow(scene, negatives[size_t(k)], features);
            labels.push_back(background);
        }
        progress.throwIfCancelled();
    }
    const MlpClassifier::Matrix matrix =
        Eigen::Map<const MlpClassifier::Matrix>(features.data(), Eigen::Index(labels.size()), kFeatures);
    m_model.fit(matrix, labels, m_categories + 1, nullptr, nullptr, progress);
}

std::vector<Box> SlidingWindowDetector::windowsOf(const Scene &scene) const
{
    std::vector<Box> windows;
    for (const int side : m_params.windowSides) {
        const int stride = std::max(1, int(std::lround(side * m_params.strideFraction)));
        for (int y = 0; y + side <= scene.height; y += stride) {
            for (int x = 0; x + side <= scene.width; x += stride)
                windows.push_back({double(x), double(y), double(side), double(side)});
        }
    }
    return windows;
}

Box SlidingWindowDetector::tightened(const Scene &scene, const Box &window) const
{
    const int x0 = int(window.x), y0 = int(window.y), side = int(window.width);
    std::vector<uint8_t> border;
    for (int i = 0; i < side; ++i) {
        for (const auto &[x, y] :
             {std::pair{x0 + i, y0}, {x0 + i, y0 + side - 1}, {x0, y0 + i}, {x0 + side - 1, y0 + i}})
            border.push_back(scene.pixels[size_t(y) * size_t(scene.width) + size_t(x)]);
    }
    std::nth_element(border.begin(), border.begin() + qsizetype(border.size() / 2), border.end());
    const int threshold = std::max(45, int(border[border.size() / 2]) + 35);
    int left = side, top = side, right = -1, bottom = -1;
    for (int y = 0; y < side; ++y) {
        const uint8_t *row = scene.pixels.data() + size_t(y0 + y) * size_t(scene.width) + size_t(x0);
        for (int x = 0; x < side; ++x) {
            if (row[x] > threshold) {
                left = std::min(left, x), right = std::max(right, x);
                top = std::min(top, y), bottom = std::max(bottom, y);
            }
        }
    }
    const Box tight{double(x0 + left), double(y0 + top), double(right - left + 1), double(bottom - top + 1)};
    return right >= 0 && tight.area() >= 0.2 * window.area() ? tight : window;
}

std::vector<FoundBox> SlidingWindowDetector::detect(const Scene &scene) const
{
    const std::vector<Box> windows = windowsOf(scene);
    std::vector<float> features;
    for (const Box &window : windows)
        addWindow(scene, window, features);
    const MlpClassifier::Matrix matrix =
        Eigen::Map<const MlpClassifier::Matrix>(features.data(), Eigen::Index(windows.size()), kFeatures);
    const MlpClassifier::Matrix probabilities = m_model.predictProbabilities(matrix);
    std::vector<FoundBox> found;
    for (size_t w = 0; w < windows.size(); ++w) {
        const double score = 1.0 - double(probabilities(Eigen::Index(w), m_categories));
        if (score < m_params.minScore)
            continue;
        FoundBox box;
        box.score = score;
        box.probabilities.resize(size_t(m_categories));
        for (int k = 0; k < m_categories; ++k)
            box.probabilities[size_t(k)] = float(double(probabilities(Eigen::Index(w), k)) / score);
        box.category = int(std::max_element(box.probabilities.begin(), box.probabilities.end()) -
                           box.probabilities.begin());
        box.box = tightened(scene, windows[w]);
        box.window = windows[w];
        found.push_back(std::move(box));
    }
    return suppressOverlaps(std::move(found), m_params.nmsIou, m_params.maxPerImage, m_params.nmsPerClass);
}

void SlidingWindowDetector::embed(const Scene &scene, std::vector<FoundBox> &boxes) const
{
    std::vector<Box> windows;
    for (const FoundBox &box : boxes)
        windows.push_back(box.window);
    const MlpClassifier::Matrix hidden = embedWindows(scene, windows);
    for (size_t k = 0; k < boxes.size(); ++k) {
        const auto row = hidden.row(Eigen::Index(k));
        boxes[k].embedding.assign(row.data(), row.data() + row.size());
    }
}

MlpClassifier::Matrix SlidingWindowDetector::embedWindows(const Scene &scene,
                                                          const std::vector<Box> &windows) const
{
    std::vector<float> features;
    for (const Box &window : windows)
        addWindow(scene, window, features);
    return m_model.embed(
        Eigen::Map<const MlpClassifier::Matrix>(features.data(), Eigen::Index(windows.size()), kFeatures));
}

std::vector<float> SlidingWindowDetector::describe(const Scene &scene) const
{
    const int side = *std::max_element(m_params.windowSides.begin(), m_params.windowSides.end());
    std::vector<Box> windows;
    for (const Box &window : windowsOf(scene)) {
        if (int(window.width) == side)
            windows.push_back(window);
    }
    if (windows.empty()) // a scene smaller than the largest window: what fits of it
        windows.push_back(squareAround({0, 0, double(scene.width), double(scene.height)}, side, 0, 0, scene));
    const Eigen::RowVectorXf mean = embedWindows(scene, windows).colwise().mean();
    return {mean.data(), mean.data() + mean.size()};
}

std::vector<FoundBox> suppressOverlaps(std::vector<FoundBox> boxes, double maxIou, int keep, bool perClass)
{
    std::stable_sort(boxes.begin(), boxes.end(),
                     [](const FoundBox &a, const FoundBox &b) { return a.score > b.score; });
    std::vector<FoundBox> kept;
    for (FoundBox &box : boxes) {
        const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const FoundBox &k) {
            // A window on part of an object tightens to that part, inside the whole object's box.
            const bool inside = intersectionArea(k.box, box.box) > 0.8 * box.box.area();
            return (!perClass || k.category == box.category) && (inside || iou(k.box, box.box) > maxIou);
        });
        if (!overlaps)
            kept.push_back(std::move(box));
        if (int(kept.size()) >= keep)
            break;
    }
    return kept;
}

} // namespace loupe
