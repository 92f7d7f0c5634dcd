#include "colormaps.h"

#include <algorithm>
#include <cmath>

namespace loupe::colormaps {

namespace {

/** Polynomial coefficients c0..c6 per channel, a close fit of a matplotlib colormap. */
using Fit = std::array<std::array<double, 3>, 7>;

// Degree-6 minimax fits of matplotlib's viridis and magma tables (mattz, shadertoy.com/view/WlfXRN,
// CC0): seven coefficients per channel instead of 256 rows of data.
constexpr Fit kViridis = {{{0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
                           {0.1050930431085774, 1.404613529898575, 1.384590162594685},
                           {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
                           {-4.634230498983486, -5.799100973351585, -19.33244095627987},
                           {6.228269936347081, 14.17993336680509, 56.69055260068105},
                           {4.776384997670288, -13.74514537774601, -65.35303263337234},
                           {-5.435455855934631, 4.645852612178535, 26.3124352495832}}};
constexpr Fit kMagma = {{{-0.002136485053939582, -0.000749655052795221, -0.005386127855323933},
                         {0.2516605407371642, 0.6775232436837668, 2.494026599312351},
                         {8.353717279216625, -3.577719514958484, 0.3144679030132573},
                         {-27.66873308576866, 14.26473078096533, -13.64921318813922},
                         {52.17613981234068, -27.94360607168351, 12.94416944238394},
                         {-50.76852536473588, 29.04658282127291, 4.23415299384598},
                         {18.65570506591883, -11.48977351997711, -5.601961508734096}}};

std::array<QRgb, 256> tabulate(const Fit &fit)
{
    std::array<QRgb, 256> table{};
    for (int i = 0; i < 256; ++i) {
        const double t = i / 255.0;
        int rgb[3];
        for (int c = 0; c < 3; ++c) {
            double v = fit[6][c];
            for (int k = 5; k >= 0; --k)
                v = v * t + fit[k][c];
            rgb[c] = std::clamp(int(std::lround(v * 255.0)), 0, 255);
        }
        table[i] = qRgb(rgb[0], rgb[1], rgb[2]);
    }
    return table;
}

} // namespace

QList<QColor> categorical()
{
    // Tableau 10, then ten hues from Tableau 20b/20c that stay apart from them.
    static const QList<QColor> palette = {
        QColor(0x1f77b4), QColor(0xff7f0e), QColor(0x2ca02c), QColor(0xd62728), QColor(0x9467bd),
        QColor(0x8c564b), QColor(0xe377c2), QColor(0x7f7f7f), QColor(0xbcbd22), QColor(0x17becf),
        QColor(0x5254a3), QColor(0xe7ba52), QColor(0x637939), QColor(0xad494a), QColor(0xa55194),
        QColor(0x6b6ecf), QColor(0x8ca252), QColor(0xd6616b), QColor(0x3182bd), QColor(0xce6dbd),
    };
    return palette;
}

QColor categoricalColor(int i)
{
    if (i < 0)
        return missingColor();
    const QList<QColor> palette = categorical();
    return palette[i % palette.size()];
}

QColor missingColor()
{
    return QColor(0x9e9e9e);
}

const std::array<QRgb, 256> &table(Colormap map)
{
    static const std::array<QRgb, 256> viridis = tabulate(kViridis);
    static const std::array<QRgb, 256> magma = tabulate(kMagma);
    return map == Colormap::Magma ? magma : viridis;
}

QRgb sample(Colormap map, float t)
{
    if (std::isnan(t))
        return missingColor().rgb();
    const int i = std::clamp(int(std::lround(double(t) * 255.0)), 0, 255);
    return table(map)[i];
}

std::vector<QRgb> byCategory(std::span<const int> category, const QList<QColor> &palette)
{
    std::vector<QRgb> table;
    for (const QColor &color : palette.isEmpty() ? categorical() : palette)
        table.push_back(color.rgb());
    const QRgb missing = missingColor().rgb();
    std::vector<QRgb> colors(category.size());
    for (size_t i = 0; i < colors.size(); ++i)
        colors[i] = category[i] < 0 ? missing : table[size_t(category[i]) % table.size()];
    return colors;
}

std::pair<float, float> finiteRange(std::span<const float> values, float low, float high)
{
    if (!std::isnan(low) && !std::isnan(high))
        return {low, high};
    float minValue = INFINITY, maxValue = -INFINITY;
    for (const float v : values) {
        if (std::isfinite(v)) {
            minValue = std::min(minValue, v);
            maxValue = std::max(maxValue, v);
        }
    }
    if (std::isnan(low))
        low = minValue > maxValue ? 0.f : minValue;
    if (std::isnan(high))
        high = minValue > maxValue ? 1.f : maxValue;
    return {low, high};
}

std::vector<QRgb> byValue(std::span<const float> values, Colormap map, float low, float high)
{
    const float range = high > low ? high - low : 1.f;
    std::vector<QRgb> colors(values.size());
    for (size_t i = 0; i < colors.size(); ++i)
        colors[i] = sample(map, (values[i] - low) / range);
    return colors;
}

} // namespace loupe::colormaps
