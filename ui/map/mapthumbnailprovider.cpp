#include "mapthumbnailprovider.h"

namespace loupe {

MapThumbnailProvider::~MapThumbnailProvider() = default;

void MapThumbnailProvider::setImageSize(QSize) {}

void MapThumbnailProvider::forgetPending() {}

void MapThumbnailProvider::setReadyCallback(Ready ready)
{
    m_ready = std::move(ready);
}

void MapThumbnailProvider::notifyReady(qint64 point) const
{
    if (m_ready)
        m_ready(point);
}

} // namespace loupe
