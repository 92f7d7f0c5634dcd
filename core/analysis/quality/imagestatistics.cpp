#include "analysis/quality/imagestatistics.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace loupe {

namespace {

// Every statistic is accumulated in exact integer arithmetic over 8-bit values and only the
// final quotient and square root are floating point, so the stored values (and the patterns
// and descriptions computed from them) are the same on every CPU: OpenCV's own filters and
// reductions pick SIMD code paths at run time whose float sums differ in the last bits.

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
    if (converted.channels() == 2 || converted.channels() == 4) {
        const int keep = converted.channels() == 2 ? 1 : 3;
        cv::Mat withoutAlpha(converted.rows, converted.cols, CV_8UC(keep));
        const int from[] = {0, 0, 1, 1, 2, 2};
        cv::mixChannels(&converted, 1, &withoutAlpha, 1, from, size_t(keep));
        return withoutAlpha;
    }
    return converted.isContinuous() ? converted : converted.clone();
}

/** Luma with OpenCV's fixed-point BT.601 weights (what COLOR_BGR2GRAY computes for 8-bit). */
std::vector<int> lumaOf(const cv::Mat &color)
{
    const size_t pixels = size_t(color.rows) * size_t(color.cols);
    std::vector<int> luma(pixels);
    const uint8_t *p = color.ptr<uint8_t>();
    if (color.channels() == 1) {
        for (size_t i = 0; i < pixels; ++i)
            luma[i] = p[i];
        return luma;
    }
    for (size_t i = 0; i < pixels; ++i, p += 3)
        luma[i] = (p[0] * 1868 + p[1] * 9617 + p[2] * 4899 + (1 << 13)) >> 14;
    return luma;
}

/** Variance of integer values from their exact sums (plain double arithmetic: the same on every x86-64). */
double variance(int64_t sum, int64_t squares, int64_t n)
{
    if (n <= 0)
        return 0.0;
    const double mean = double(sum) / double(n);
    return std::max(0.0, (double(squares) - double(sum) * mean) / double(n));
}

float colorfulness(const cv::Mat &bgr)
{
    if (bgr.channels() != 3)
        return 0.0f;
    // rg = R - G and 2 yb = R + G - 2B, integers.
    int64_t rgSum = 0, rgSquares = 0, ybSum = 0, ybSquares = 0;
    const int64_t n = int64_t(bgr.rows) * bgr.cols;
    const uint8_t *p = bgr.ptr<uint8_t>();
    for (int64_t i = 0; i < n; ++i, p += 3) {
        const int64_t rg = int64_t(p[2]) - p[1];
        const int64_t yb2 = int64_t(p[2]) + p[1] - 2 * int64_t(p[0]);
        rgSum += rg;
        rgSquares += rg * rg;
        ybSum += yb2;
        ybSquares += yb2 * yb2;
    }
    const double sigma = std::sqrt(variance(rgSum, rgSquares, n) + variance(ybSum, ybSquares, n) / 4.0);
    const double rgMean = double(rgSum) / double(n), ybMean = double(ybSum) / (2.0 * double(n));
    return float(sigma + 0.3 * std::sqrt(rgMean * rgMean + ybMean * ybMean));
}

/** Variance of the 4-neighbour Laplacian over every pixel (borders reflected, as OpenCV's default). */
float laplacianVariance(const std::vector<int> &luma, int rows, int cols)
{
    const auto at = [&](int r, int c) {
        r = r < 0 ? -r : (r >= rows ? 2 * rows - 2 - r : r); // BORDER_REFLECT_101
        c = c < 0 ? -c : (c >= cols ? 2 * cols - 2 - c : c);
        return luma[size_t(r) * size_t(cols) + size_t(c)];
    };
    if (rows < 2 || cols < 2)
        return 0.0f;
    int64_t sum = 0, squares = 0;
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const int64_t v = at(r - 1, c) + at(r + 1, c) + at(r, c - 1) + at(r, c + 1) - 4 * at(r, c);
            sum += v;
            squares += v * v;
        }
    }
    return float(variance(sum, squares, int64_t(rows) * cols));
}

float immerkaerNoise(const std::vector<int> &luma, int rows, int cols)
{
    if (rows < 3 || cols < 3)
        return 0.0f;
    // The mask [1 -2 1; -2 4 -2; 1 -2 1] responds to noise but not to locally linear
    // structure (edges, gradients); interior pixels only.
    int64_t sum = 0;
    for (int r = 1; r + 1 < rows; ++r) {
        const int *above = luma.data() + size_t(r - 1) * size_t(cols);
        const int *row = above + cols;
        const int *below = row + cols;
        for (int c = 1; c + 1 < cols; ++c) {
            const int64_t v = above[c - 1] - 2 * above[c] + above[c + 1] - 2 * row[c - 1] + 4 * row[c] -
                              2 * row[c + 1] + below[c - 1] - 2 * below[c] + below[c + 1];
            sum += v < 0 ? -v : v;
        }
    }
    const double pixels = double(rows - 2) * double(cols - 2);
    return float(std::sqrt(M_PI / 2.0) * double(sum) / (6.0 * pixels));
}

} // namespace

ImageStatistics measureImageStatistics(const cv::Mat &image)
{
    ImageStatistics stats;
    if (image.empty())
        return stats;
    const cv::Mat color = eightBitColor(image);
    const std::vector<int> luma = lumaOf(color);
    int64_t sum = 0, squares = 0;
    for (const int v : luma) {
        sum += v;
        squares += int64_t(v) * v;
    }
    const int64_t n = int64_t(luma.size());
    stats.brightness = float(double(sum) / double(n) / 255.0);
    stats.contrast = float(std::sqrt(variance(sum, squares, n)) / 255.0);
    stats.sharpness = laplacianVariance(luma, color.rows, color.cols);
    stats.colorfulness = colorfulness(color);
    stats.noise = immerkaerNoise(luma, color.rows, color.cols);
    return stats;
}

} // namespace loupe
