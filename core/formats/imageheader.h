#pragma once

#include <QByteArray>

#include <utility>

namespace loupe {

/**
 * Images with more pixels than this are not decoded. A header can claim any size in a
 * few bytes, and OpenCV allocates what it claims before decoding; its own limit (2^30
 * pixels, 8 GiB as 16-bit RGBA) is far too generous for images decoded on every core at
 * once. 2^27 pixels (11585 x 11585) is 1 GiB at worst and beyond any classification dataset.
 */
constexpr qint64 kMaxDecodedPixels = qint64(1) << 27;

/** Width and height from a PNG or JPEG header, without decoding; {0, 0} when not found. */
std::pair<qint64, qint64> imageHeaderSize(const QByteArray &bytes);

inline bool isJpeg(const QByteArray &bytes)
{
    return bytes.startsWith("\xFF\xD8");
}

} // namespace loupe
