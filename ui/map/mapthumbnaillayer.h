#pragma once

#include <QCache>
#include <QHash>
#include <QImage>
#include <QRectF>
#include <QSize>

#include <memory>
#include <span>
#include <vector>

class QPainter;

namespace loupe {

class MapPointIndex;
class MapThumbnailProvider;

/** The view the thumbnails are laid out for, in the map's logical pixels. */
struct MapThumbnailView
{
    QPointF center;   ///< data point at the widget's centre
    double scale = 1; ///< logical pixels per data unit; data y grows upwards
    QSizeF size;      ///< widget size
};

/** Per point state the tiles are ranked and drawn by; each span holds n entries or is empty. */
struct MapThumbnailStyle
{
    std::span<const QRgb> colors;       ///< the frame color: the point's own
    std::span<const quint8> emphasised; ///< selected or highlighted; the others are dimmed
    std::span<const quint8> selected;   ///< gets a ring in selectionColor
    std::span<const float> priority;    ///< higher first within a cell; NaN lowest
    QRgb background = 0xffffffff;
    QRgb selectionColor = 0xff3daee9;
};

/**
 * The map's image mode: when at most budget() points are on screen, each visible point becomes
 * a thumbnail framed in its own color.
 *
 * Thumbnails snap to a grid of square cells anchored in data space (panning moves the mosaic
 * as a whole, zooming deals it anew) and every occupied cell shows one point: emphasised first,
 * then the highest priority, then the lowest index. A point lies inside its cell, so every
 * visible point is under a thumbnail and the map draws nothing else in image mode. Finding the
 * visible points is a range query on the kd-tree that stops past the budget: it costs about the
 * points on screen, not all points, so image mode costs the same at 70,000 points as at millions.
 *
 * Images come from a MapThumbnailProvider (asynchronous; a tinted placeholder shows until one
 * arrives) and are fitted to the tile once per arrival, kept in a small cache.
 */
class MapThumbnailLayer final
{
public:
    struct Tile
    {
        qint64 point;
        QRectF cell; ///< widget coordinates; the frame and image sit inside with a small gap
    };

    MapThumbnailLayer();
    ~MapThumbnailLayer();
    MapThumbnailLayer(const MapThumbnailLayer &) = delete;
    MapThumbnailLayer &operator=(const MapThumbnailLayer &) = delete;

    void setProvider(std::shared_ptr<MapThumbnailProvider> provider);
    MapThumbnailProvider *provider() const { return m_provider.get(); }
    /** The cell (and so thumbnail) edge in logical pixels. */
    void setCellSize(qreal logicalPixels);
    qreal cellSize() const { return m_cellSize; }
    void setBudget(qint64 points) { m_budget = points; }
    qint64 budget() const { return m_budget; }
    /** Sets the device pixel ratio images are drawn at (tells the provider the image size). */
    void setDevicePixelRatio(qreal ratio);

    /**
     * Lays out the thumbnails of view and returns whether image mode is on: a provider is set
     * and at most budget() points lie on screen.
     */
    bool layOut(const MapPointIndex &index, std::span<const float> xy, const MapThumbnailView &view,
                const MapThumbnailStyle &style);
    void clear();
    bool isActive() const { return m_active; }
    const std::vector<Tile> &tiles() const { return m_tiles; }
    /** The point whose tile is under widgetPos, or -1. */
    qint64 pointAt(QPointF widgetPos) const;
    /** The cell of point's tile, or a null rectangle when point has none. */
    QRectF cellOf(qint64 point) const;
    /** Draws the tiles, asking the provider for their images. */
    void paint(QPainter &painter, const MapThumbnailStyle &style);
    /** Tiles drawn with their image (not a placeholder) by the last paint(). */
    int loadedCount() const { return m_loaded; }

private:
    struct Candidate
    {
        qint64 cellX, cellY, point;
    };
    struct Fitted
    {
        qint64 sourceKey = 0;
        QImage image;
    };

    bool ranksBefore(const Candidate &a, const Candidate &b, const MapThumbnailStyle &style) const;
    QRectF frameRect(const QRectF &cell) const;
    QRectF imageRect(const QRectF &cell) const;
    QSize imageDeviceSize() const;
    const QImage *fitted(qint64 point, const QImage &source);
    void paintTile(QPainter &painter, const Tile &tile, const MapThumbnailStyle &style);

    std::shared_ptr<MapThumbnailProvider> m_provider;
    qreal m_cellSize = 66;
    qint64 m_budget = 300;
    qreal m_devicePixelRatio = 1;
    bool m_active = false;
    std::vector<Tile> m_tiles;
    QHash<qint64, qsizetype> m_tileOfPoint;
    std::vector<qint64> m_found; // scratch for the range query, keeps its capacity
    std::vector<Candidate> m_candidates;
    QCache<qint64, Fitted> m_fitted; // images scaled to the tile, by point
    int m_loaded = 0;
};

} // namespace loupe
