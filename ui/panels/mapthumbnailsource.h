#pragma once

#include "mapthumbnailprovider.h"

#include <QObject>

namespace loupe {

class ProjectSession;
class ThumbnailCache;

/**
 * The map's images from the app's thumbnail machinery: a ThumbnailCache of its own (decoding on
 * its pool, off the UI thread, through the project's disk cache) at the size the map draws.
 * Not the grid's cache: that one has the grid's size, and the grid drops its queue on every
 * scroll. Both share the project's disk cache file, where sizes are kept apart.
 */
class MapThumbnailSource final : public QObject, public MapThumbnailProvider
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MapThumbnailSource)

public:
    explicit MapThumbnailSource(ProjectSession &session, QObject *parent = nullptr);
    ~MapThumbnailSource() override;

    QImage thumbnail(qint64 point) override;
    void setImageSize(QSize devicePixels) override;
    void forgetPending() override;

    ThumbnailCache &cache() const { return *m_cache; }

private:
    void reset();

    ProjectSession &m_session;
    ThumbnailCache *m_cache;
};

} // namespace loupe
