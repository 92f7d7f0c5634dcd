#include "analysis/quality/objectcropfeatures.h"

#include "common/parallelfor.h"

#include <QFile>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <random>

namespace loupe {

namespace {

constexpr int kSide = 8;

/** One object's row from its decoded grayscale image. */
void describe(const cv::Mat &gray, const Box &box, float *row)
{
    const cv::Rect wanted(int(std::floor(box.x)), int(std::floor(box.y)),
                          std::max(1, int(std::ceil(box.width))), std::max(1, int(std::ceil(box.height))));
    const cv::Rect inside = wanted & cv::Rect(0, 0, gray.cols, gray.rows);
    if (inside.area() <= 0)
        return;
    cv::Mat small;
    cv::resize(gray(inside), small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
    small.convertTo(small, CV_32F, 1.0 / 255.0);
    cv::Scalar mean, deviation;
    cv::meanStdDev(gray(inside), mean, deviation);
    const cv::Scalar smallMean = cv::mean(small);
    double spread = 0.0;
    for (int k = 0; k < kSide * kSide; ++k)
        spread += std::pow(small.at<float>(k) - smallMean[0], 2);
    spread = std::sqrt(spread / (kSide * kSide));
    for (int k = 0; k < kSide * kSide; ++k)
        row[k] = spread > 1e-6 ? float((small.at<float>(k) - smallMean[0]) / spread / kSide) : 0.0f;
    row[64] = float(mean[0] / 255.0);
    row[65] = float(std::min(1.0, deviation[0] / 128.0));
    row[66] = float(std::log2(std::max(1.0, std::sqrt(box.area()))) / 8.0);
    row[67] = float(std::log2(std::max(1e-3, box.width / std::max(1e-3, box.height))) / 4.0 + 0.5);
}

} // namespace

std::vector<qint64> sampleObjects(const DetectionSet &set, qint64 maxObjects, quint64 seed, qint64 &total)
{
    std::vector<qint64> objects;
    for (size_t g = 0; g < set.annotations.size(); ++g)
        if (!set.annotations[g].crowd)
            objects.push_back(qint64(g));
    total = qint64(objects.size());
    if (maxObjects > 0 && total > maxObjects) {
        std::mt19937_64 rng(seed);
        std::shuffle(objects.begin(), objects.end(), rng);
        objects.resize(size_t(maxObjects));
        std::sort(objects.begin(), objects.end());
    }
    return objects;
}

std::vector<float> objectCropFeatures(const DetectionSet &set, const std::vector<qint64> &objects,
                                      const std::function<QString(qint64 image)> &imagePath,
                                      Progress &progress, qint64 *unreadable)
{
    std::vector<float> features(objects.size() * kObjectFeatureCols, 0.0f);
    // Rows grouped by image: each image is decoded once.
    std::map<qint64, std::vector<size_t>> rowsOf;
    for (size_t r = 0; r < objects.size(); ++r)
        rowsOf[set.annotations[size_t(objects[r])].image].push_back(r);
    std::vector<std::pair<QString, const std::vector<size_t> *>> images;
    images.reserve(rowsOf.size());
    for (const auto &[image, rows] : rowsOf)
        images.emplace_back(imagePath(image), &rows);
    std::atomic<qint64> failed{0};
    parallelFor(qint64(images.size()), 16, progress, [&](qint64 begin, qint64 end) {
        for (qint64 i = begin; i < end; ++i) {
            const cv::Mat gray =
                cv::imread(QFile::encodeName(images[size_t(i)].first).toStdString(), cv::IMREAD_GRAYSCALE);
            const std::vector<size_t> &rows = *images[size_t(i)].second;
            if (gray.empty()) {
                failed += qint64(rows.size());
                continue;
            }
            for (const size_t r : rows)
                describe(gray, set.annotations[size_t(objects[r])].box, &features[r * kObjectFeatureCols]);
        }
    });
    if (unreadable)
        *unreadable = failed;
    return features;
}

} // namespace loupe
