#include "demo/imagedegradation.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace loupe {

namespace {

void motionBlur(cv::Mat &image, int length)
{
    const cv::Mat kernel = cv::Mat::eye(length, length, CV_32F) / float(length);
    cv::filter2D(image, image, -1, kernel, cv::Point(-1, -1), 0.0, cv::BORDER_CONSTANT);
}

void sensorNoise(cv::Mat &image, double sigma, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, sigma);
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

double defaultDegradationStrength(ImageDegradation degradation)
{
    switch (degradation) {
    case ImageDegradation::None:
        return 0.0;
    case ImageDegradation::MotionBlur:
        return 7.0;
    case ImageDegradation::SensorNoise:
        return 45.0;
    }
    return 0.0;
}

void degradeImage(uint8_t *pixels, int rows, int cols, ImageDegradation degradation, double strength,
                  uint64_t seed)
{
    cv::Mat image(rows, cols, CV_8UC1, pixels);
    if (!(strength > 0.0))
        strength = defaultDegradationStrength(degradation);
    switch (degradation) {
    case ImageDegradation::None:
        return;
    case ImageDegradation::MotionBlur:
        motionBlur(image, std::max(2, int(std::lround(strength))));
        return;
    case ImageDegradation::SensorNoise:
        sensorNoise(image, strength, seed);
        return;
    }
}

} // namespace loupe
