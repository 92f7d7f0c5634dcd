#include "demo/imagedegradation.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <random>

namespace loupe {

namespace {

constexpr int kBlurLength = 7;
constexpr double kNoiseSigma = 45.0;

void motionBlur(cv::Mat &image)
{
    const cv::Mat kernel = cv::Mat::eye(kBlurLength, kBlurLength, CV_32F) / float(kBlurLength);
    cv::filter2D(image, image, -1, kernel, cv::Point(-1, -1), 0.0, cv::BORDER_CONSTANT);
}

void sensorNoise(cv::Mat &image, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, kNoiseSigma);
    for (int r = 0; r < image.rows; ++r) {
        auto *row = image.ptr<uint8_t>(r);
        for (int c = 0; c < image.cols; ++c)
            row[c] = cv::saturate_cast<uint8_t>(double(row[c]) + noise(rng));
    }
}

} // namespace

QString degradationName(ImageDegradation degradation)
{
    switch (degradation) {
    case ImageDegradation::None:
        return QStringLiteral("none");
    case ImageDegradation::MotionBlur:
        return QStringLiteral("motion_blur");
    case ImageDegradation::SensorNoise:
        return QStringLiteral("sensor_noise");
    }
    return {};
}

QStringList degradationNames()
{
    return {degradationName(ImageDegradation::None), degradationName(ImageDegradation::MotionBlur),
            degradationName(ImageDegradation::SensorNoise)};
}

std::optional<ImageDegradation> degradationFromName(const QString &name)
{
    for (const ImageDegradation d :
         {ImageDegradation::None, ImageDegradation::MotionBlur, ImageDegradation::SensorNoise}) {
        if (degradationName(d) == name)
            return d;
    }
    return std::nullopt;
}

void degradeImage(uint8_t *pixels, int rows, int cols, ImageDegradation degradation, uint64_t seed)
{
    cv::Mat image(rows, cols, CV_8UC1, pixels);
    switch (degradation) {
    case ImageDegradation::None:
        return;
    case ImageDegradation::MotionBlur:
        motionBlur(image);
        return;
    case ImageDegradation::SensorNoise:
        sensorNoise(image, seed);
        return;
    }
}

} // namespace loupe
