#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace loupe {

/**
 * A class-independent degradation the demo plants in a few percent of its images, with
 * an answer key, so that failure patterns across classes and their descriptions can be
 * measured: a condition that hits every class alike, as haze, blur or a sensor fault do.
 */
enum class ImageDegradation {
    None,
    MotionBlur,  ///< a diagonal motion-blur kernel, strength its length in pixels (camera shake)
    SensorNoise, ///< additive Gaussian noise, strength its sigma of 255 (a failing sensor, high gain)
};

/** The strength `loupe-cli demo` plants when none is given (see docs/demo.md for how it was chosen). */
double defaultDegradationStrength(ImageDegradation degradation);

/** "none", "motion_blur", "sensor_noise": the names in truth.csv and `loupe-cli demo --degrade`. */
QString degradationName(ImageDegradation degradation);
std::optional<ImageDegradation> degradationFromName(const QString &name);
QStringList degradationNames();

/**
 * Degrades a rows x cols 8-bit grayscale image in place at strength (see ImageDegradation;
 * 0 or less: the default); seed makes the noise reproducible.
 */
void degradeImage(uint8_t *pixels, int rows, int cols, ImageDegradation degradation, double strength,
                  uint64_t seed);

} // namespace loupe
