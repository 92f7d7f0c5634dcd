#pragma once

// What the map rasteriser's files share: its constants, the data-to-device transform and the
// pixel arithmetic. Private to ui/map.

#include "maprasterizer.h"

#include <QRgb>

namespace loupe::rasterhelpers {

inline constexpr int kTileSize = 64;              // device pixels: a tile's pixels and cells stay in cache
inline constexpr int kSubPixels = 4;              // sprite positions per pixel and axis
inline constexpr qint64 kSpriteBudget = 500000;   // more visible points than this are drawn as density
inline constexpr int kSuperSamples = 8;           // coverage samples per pixel and axis, for the sprite table
inline constexpr qint64 kPointsPerThread = 50000; // below this a thread costs more than it saves
inline constexpr quint32 kMaxCount = 4096;        // counts above this share the densest opacity
inline constexpr double kReferenceQuantile = 0.99; // this quantile of occupied cells gets full opacity
inline constexpr double kFaintestDensity = 0.35;   // opacity of a cell holding one point
inline constexpr uint kDimming = 165; // of 255: how far unselected points fade into the background

/** Data to device coordinates; float, after subtracting the centre, keeps sub-pixel precision. */
struct Transform
{
    explicit Transform(const MapFrame &frame)
        : cx(float(frame.center.x())), cy(float(frame.center.y())), scale(float(frame.scale)),
          halfWidth(float(frame.deviceSize.width()) * 0.5f),
          halfHeight(float(frame.deviceSize.height()) * 0.5f)
    {
    }
    float x(float dataX) const { return (dataX - cx) * scale + halfWidth; }
    float y(float dataY) const { return halfHeight - (dataY - cy) * scale; }

    float cx, cy, scale, halfWidth, halfHeight;
};

/** src over dst with coverage a (0..255), two channels per multiply (the classic 0x00ff00ff trick). */
inline QRgb blend(QRgb src, uint a, QRgb dst)
{
    const uint b = 255 - a;
    uint rb = (src & 0xff00ff) * a + (dst & 0xff00ff) * b;
    rb = (rb + ((rb >> 8) & 0xff00ff) + 0x800080) >> 8;
    uint ag = ((src >> 8) & 0xff00ff) * a + ((dst >> 8) & 0xff00ff) * b;
    ag = ag + ((ag >> 8) & 0xff00ff) + 0x800080;
    return (ag & 0xff00ff00) | (rb & 0x00ff00ff);
}

inline QRgb dimmed(QRgb color, QRgb background)
{
    return blend(background, kDimming, color);
}

/** floor() as an int without a libm call (baseline x86-64 has no rounding instruction). */
inline int floorToInt(float v)
{
    const int i = int(v);
    return i - int(float(i) > v);
}

/**
 * Whether a sprite centred at (x, y) can touch the image; false for NaN. One branch on the
 * combined test: four short-circuit branches mispredict on every other point of a zoomed view.
 */
inline bool touchesImage(float x, float y, float reach, float width, float height)
{
    return bool(int(x >= -reach - 1.f) & int(x < width + reach) & int(y >= -reach - 1.f) &
                int(y < height + reach));
}

} // namespace loupe::rasterhelpers
