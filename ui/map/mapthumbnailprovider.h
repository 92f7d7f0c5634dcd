#pragma once

#include <QImage>
#include <QSize>

#include <functional>

namespace loupe {

/**
 * Where the embedding map gets the images of its points in image mode. The map asks from its
 * paint event, so thumbnail() must return at once: the image when it is in memory, otherwise a
 * null image after starting to load it OFF the UI thread. When a requested image is ready the
 * provider calls notifyReady(point) on the UI thread; the map repaints only when that point is
 * on screen. A point is known by its index in EmbeddingMapView::setPoints() order.
 */
class MapThumbnailProvider
{
public:
    using Ready = std::function<void(qint64 point)>;

    MapThumbnailProvider() = default;
    virtual ~MapThumbnailProvider();
    MapThumbnailProvider(const MapThumbnailProvider &) = delete;
    MapThumbnailProvider &operator=(const MapThumbnailProvider &) = delete;

    /** The image of point, or a null image while it loads (see the class comment). */
    virtual QImage thumbnail(qint64 point) = 0;
    /**
     * The size the map draws images at, in device pixels: a hint, so that images arrive ready
     * to draw (the map scales any other size once, when it arrives).
     */
    virtual void setImageSize(QSize devicePixels);
    /** The map shows other points now: loads that have not started may be dropped. */
    virtual void forgetPending();

    /** Set by the map; called by notifyReady(). */
    void setReadyCallback(Ready ready);

protected:
    /** Tells the map that point's image is ready. UI thread only. */
    void notifyReady(qint64 point) const;

private:
    Ready m_ready;
};

} // namespace loupe
