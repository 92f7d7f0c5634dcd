#include "formats/imageheader.h"

namespace loupe {

namespace {

quint32 bigEndian32(const uchar *p)
{
    return (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | p[3];
}

int bigEndian16(const uchar *p)
{
    return (p[0] << 8) | p[1];
}

} // namespace

std::pair<qint64, qint64> imageHeaderSize(const QByteArray &bytes)
{
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    const qsizetype size = bytes.size();
    if (bytes.startsWith("\x89PNG\r\n\x1a\n") && size >= 24 && bytes.mid(12, 4) == "IHDR")
        return {bigEndian32(data + 16), bigEndian32(data + 20)};
    if (!isJpeg(bytes))
        return {0, 0};
    // JPEG: walk the marker segments up to the first start-of-frame, which holds the size.
    qsizetype pos = 2;
    while (pos + 9 <= size && data[pos] == 0xFF) {
        const uchar marker = data[pos + 1];
        const bool startOfFrame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (startOfFrame)
            return {bigEndian16(data + pos + 7), bigEndian16(data + pos + 5)};
        if (marker == 0xDA)
            break;
        pos += 2 + bigEndian16(data + pos + 2);
    }
    return {0, 0};
}

} // namespace loupe
