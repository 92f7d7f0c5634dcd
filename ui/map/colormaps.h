#pragma once

#include <QColor>
#include <QList>

#include <array>
#include <span>
#include <utility>
#include <vector>

namespace loupe {

/** Sequential colormaps for scalar values; each is a 256-entry table from low to high. */
enum class Colormap {
    Viridis, ///< perceptually uniform, readable on light and dark backgrounds
    Magma,   ///< perceptually uniform, dark to light
};

namespace colormaps {

/**
 * Twenty categorical colors, the first ten (Tableau 10) the most distinct from each other;
 * mid lightness, so they read on light and dark backgrounds alike.
 */
QList<QColor> categorical();

/** The color categorical() repeats for index i (cycles past the end; negative i is noise). */
QColor categoricalColor(int i);

/** A neutral gray for points with no category or no value (noise, NaN). */
QColor missingColor();

/** The 256-entry table of a sequential map; index 0 is the low end. */
const std::array<QRgb, 256> &table(Colormap map);

/** The color of t in [0, 1] (clamped; NaN gives missingColor()). */
QRgb sample(Colormap map, float t);

/** One color per category index into palette (categorical() when empty); < 0 gives missingColor(). */
std::vector<QRgb> byCategory(std::span<const int> category, const QList<QColor> &palette = {});

/** low and high, each replaced by the finite values' minimum or maximum when NaN ([0, 1] without any). */
std::pair<float, float> finiteRange(std::span<const float> values, float low, float high);

/** One color per value through map over [low, high]; NaN gives missingColor(). */
std::vector<QRgb> byValue(std::span<const float> values, Colormap map, float low, float high);

} // namespace colormaps
} // namespace loupe
