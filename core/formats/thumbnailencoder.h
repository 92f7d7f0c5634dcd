#pragma once

#include <QString>

namespace loupe {

/**
 * Turns an image file into a small inline thumbnail (a `data:` URI) for self-contained
 * documents such as the HTML report.
 *
 * Images larger than the thumbnail are shrunk (INTER_AREA) to fit a size x size box and
 * stored as JPEG; images that already fit (28 px digits, 32 px CIFAR) keep their pixels
 * and are stored as PNG, so the page can scale them up sharply instead of the file
 * carrying upscaled copies. Grey images stay grey: a third of the bytes.
 *
 * Never throws: a missing, empty, corrupt or oversized file gives an empty string and the
 * caller shows a placeholder.
 */
class ThumbnailEncoder
{
public:
    explicit ThumbnailEncoder(int size = 64);

    int size() const { return m_size; }

    /** The thumbnail of the image at path as `data:image/...;base64,...`, or empty when unreadable. */
    QString dataUri(const QString &path) const;

private:
    int m_size;
};

} // namespace loupe
