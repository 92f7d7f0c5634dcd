#pragma once

#include <cmath>

namespace cv {
class Mat;
}

namespace loupe {

/**
 * Per-image statistics that describe how an image was taken rather than what it shows, so
 * that slices, the SQL filter, the map coloring and cluster descriptions can name a
 * condition (dark, washed out, blurred, noisy, gray) without any user metadata. Computed
 * on the luma of the decoded pixels, scaled to 8 bits whatever the file's depth.
 */
struct ImageStatistics
{
    /** Mean luma in [0, 1]. */
    float brightness = NAN;
    /** RMS contrast: the standard deviation of luma, in [0, 0.5]. */
    float contrast = NAN;
    /**
     * Variance of the Laplacian of luma (8-bit scale; Pech-Pacheco et al. 2000): low for
     * blurred or defocused images, high for sharp edges and for noise.
     */
    float sharpness = NAN;
    /**
     * Hasler & Süsstrunk's colorfulness (2003): sigma_rgyb + 0.3 mu_rgyb on the opponent
     * channels rg = R - G and yb = (R + G) / 2 - B, 8-bit scale; 0 for a gray image.
     */
    float colorfulness = NAN;
    /**
     * The standard deviation of the image's noise, 8-bit scale, by Immerkær's estimator
     * (1996): the mean absolute response to a mask that cancels locally linear structure
     * (the difference of two Laplacians), times sqrt(pi / 2) / 6.
     */
    float noise = NAN;
};

/** Statistics of a decoded image (any depth; 1, 2 (gray + alpha), 3 (BGR) or 4 (BGRA) channels). */
ImageStatistics measureImageStatistics(const cv::Mat &image);

} // namespace loupe
