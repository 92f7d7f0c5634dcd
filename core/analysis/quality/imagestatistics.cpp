#include "analysis/quality/imagestatistics.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace loupe {

namespace {

/** The image as 8-bit, without alpha: 1 or 3 channels (BGR). */
cv::Mat eightBitColor(const cv::Mat &image)
{
    cv::Mat converted = image;
    if (image.depth() == CV_16U)
        image.convertTo(converted, CV_8U, 1.0 / 257.0);
    else if (image.depth() == CV_32F || image.depth() == CV_64F)
        image.convertTo(converted, CV_8U, 255.0);
    else if (image.depth() != CV_8U)
        image.convertTo(converted, CV_8U);
    if (converted.channels() == 2) {
        cv::Mat gray;
        cv::extractChannel(converted, gray, 0);
        return gray;
    }
    if (converted.channels() == 4) {
        cv::Mat bgr;
        cv::cvtColor(converted, bgr, cv::COLOR_BGRA2BGR);
        return bgr;
    }
    return converted;
}

float colorfulness(const cv::Mat &bgr)
{
    if (bgr.channels() != 3)
        return 0.0f;
    cv::Mat channels[3];
    cv::Mat asFloat;
    bgr.convertTo(asFloat, CV_32F);
    cv::split(asFloat, channels);
    const cv::Mat rg = channels[2] - channels[1];
    const cv::Mat yb = 0.5f * (channels[2] + channels[1]) - channels[0];
    cv::Scalar rgMean, rgStd, ybMean, ybStd;
    cv::meanStdDev(rg, rgMean, rgStd);
    cv::meanStdDev(yb, ybMean, ybStd);
    const double sigma = std::sqrt(rgStd[0] * rgStd[0] + ybStd[0] * ybStd[0]);
    const double mu = std::sqrt(rgMean[0] * rgMean[0] + ybMean[0] * ybMean[0]);
    return float(sigma + 0.3 * mu);
}

float laplacianVariance(const cv::Mat &luma)
{
    cv::Mat laplacian;
    cv::Laplacian(luma, laplacian, CV_32F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(laplacian, mean, stddev);
    return float(stddev[0] * stddev[0]);
}

float immerkaerNoise(const cv::Mat &luma)
{
    if (luma.rows < 3 || luma.cols < 3)
        return 0.0f;
    // The mask responds to noise but not to locally linear structure (edges, gradients).
    static const float kMask[9] = {1, -2, 1, -2, 4, -2, 1, -2, 1};
    const cv::Mat mask(3, 3, CV_32F, const_cast<float *>(kMask));
    cv::Mat response;
    cv::filter2D(luma, response, CV_32F, mask);
    const cv::Rect interior(1, 1, luma.cols - 2, luma.rows - 2);
    const double sum = cv::norm(response(interior), cv::NORM_L1);
    const double pixels = double(interior.width) * double(interior.height);
    return float(std::sqrt(M_PI / 2.0) * sum / (6.0 * pixels));
}

} // namespace

ImageStatistics measureImageStatistics(const cv::Mat &image)
{
    ImageStatistics stats;
    if (image.empty())
        return stats;
    const cv::Mat color = eightBitColor(image);
    cv::Mat luma;
    if (color.channels() == 3)
        cv::cvtColor(color, luma, cv::COLOR_BGR2GRAY);
    else
        luma = color;
    cv::Scalar mean, stddev;
    cv::meanStdDev(luma, mean, stddev);
    stats.brightness = float(mean[0] / 255.0);
    stats.contrast = float(stddev[0] / 255.0);
    stats.sharpness = laplacianVariance(luma);
    stats.colorfulness = colorfulness(color);
    stats.noise = immerkaerNoise(luma);
    return stats;
}

} // namespace loupe
