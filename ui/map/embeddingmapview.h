#pragma once

#include "colormaps.h"
#include "mapdrag.h"
#include "maplegend.h"
#include "mapselection.h"

#include <QFutureWatcher>
#include <QImage>
#include <QPolygonF>
#include <QWidget>

#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <utility>
#include <vector>

class QThreadPool;

namespace loupe {

class MapDensityPyramid;
class MapPointIndex;
class MapRasterizer;
class MapThumbnailLayer;
class MapThumbnailProvider;

/**
 * The embedding map: every point of a 2-D map (up to millions), rasterised on the CPU into a
 * cached image that is redrawn only when the points, colors, selection, view, size or palette
 * change. Takes plain vectors; a point is known by its index in setPoints() order.
 *
 * Interaction (Pan tool, the default): wheel zooms around the cursor, left drag pans,
 * Shift+drag selects a rectangle, Ctrl+drag draws a lasso, Shift+Ctrl+drag adds a lasso to the
 * selection and Alt with either shape subtracts. With the Rectangle or Lasso tool a plain drag
 * selects, Shift or Ctrl adds, Alt subtracts. The middle button always pans. A click selects the
 * point under the cursor (Ctrl or Shift toggles it); a click on empty space or Escape clears.
 * Home fits the map to the widget, + and - zoom.
 *
 * While a selection or a highlight set (a failure cluster, say) exists, its points are drawn on
 * top and the others dimmed; a small highlight's members are ringed too. When many points share a
 * pixel the map turns into a density view (see MapRasterizer). With a thumbnail provider,
 * zooming in until at most imageModeBudget() points are on screen turns the points into framed
 * images (image mode, see MapThumbnailLayer); hovering, clicking and selecting work on the images
 * as on points.
 */
class EmbeddingMapView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmbeddingMapView)

public:
    enum class Tool { Pan, Rectangle, Lasso };
    Q_ENUM(Tool)

    explicit EmbeddingMapView(QWidget *parent = nullptr);
    ~EmbeddingMapView() override;

    /**
     * n*2 interleaved coordinates; y grows upwards. Clears the selection and fits the view; the
     * colors stay when the count is unchanged (new coordinates for the same samples).
     */
    void setPoints(std::vector<float> xy);
    qint64 pointCount() const;

    /** One color per point (alpha ignored); missing entries get the first categorical color. */
    void setColors(std::vector<QRgb> perPoint);
    /** Colors by category index into palette (colormaps::categorical() when empty); < 0 is gray. */
    void setCategoricalColors(const std::vector<int> &category, const QList<QColor> &palette = {});
    /** Colors by value through a colormap over [low, high] (the finite range when NaN); adds a color bar. */
    void setScalarColors(const std::vector<float> &values, Colormap map = Colormap::Viridis,
                         float low = std::numeric_limits<float>::quiet_NaN(),
                         float high = std::numeric_limits<float>::quiet_NaN());
    void setLegend(const QList<MapLegendEntry> &entries, const QString &title = {});
    /**
     * Points to stand out as the selection does (drawn over the others, which are dimmed), but
     * kept apart from it: named by label in the corner, never announced. Empty removes it;
     * out-of-range indices are dropped.
     */
    void setHighlight(const std::vector<qint64> &points, const QString &label = {});
    const std::vector<qint64> &highlight() const { return m_highlight; }
    /** Whether point is drawn dimmed: a selection or highlight exists and point is in neither. */
    bool isDimmed(qint64 point) const;
    /** Per point relevance (higher first, NaN last): which point a crowded thumbnail cell shows. */
    void setPriorities(std::vector<float> perPoint);
    /** Text for the tooltip of a hovered point; none when unset or empty. */
    void setToolTipProvider(std::function<QString(qint64)> provider);

    /** Point indices, ascending; out-of-range indices are dropped. Emits selectionChanged() on change. */
    void setSelection(const std::vector<qint64> &points);
    const std::vector<qint64> &selection() const { return m_selection; }
    void clearSelection();

    void fitToContents();
    /** Zooms by factor keeping the data point under anchor (widget coordinates) in place. */
    void zoomBy(double factor, QPointF anchor);
    /** Logical pixels per data unit. */
    double zoom() const { return m_scale; }
    QPointF mapToData(QPointF widgetPos) const;
    QPointF mapFromData(QPointF dataPos) const;

    void setTool(Tool tool);
    Tool tool() const { return m_tool; }
    /** Radius of a point's disc in logical pixels (default 1.3: a 2-3 px dot). */
    void setPointRadius(qreal logicalPixels);
    qreal pointRadius() const { return m_pointRadius; }

    /** The point nearest to widgetPos within the pick distance, or -1 (waits for a pending index). */
    qint64 pointAt(QPointF widgetPos);
    qint64 hoveredPoint() const { return m_hovered; }
    /** Whether the last frame was drawn as a density view rather than point sprites. */
    bool isDensityView() const { return m_densityView; }

    /**
     * From this many points on (default 2,000,000), a MapDensityPyramid of the points, colors and
     * selection is built on a worker after each change of them, and zoomed-out density frames are
     * drawn from it; frames drawn before it is ready use the points.
     */
    void setDensityPyramidThreshold(qint64 points);
    /** Whether the pyramid of the current points, colors and selection is ready. */
    bool hasDensityPyramid() const { return m_pyramid != nullptr; }
    /** Whether the last frame was drawn from the pyramid. */
    bool isDrawnFromPyramid() const { return m_drawnFromPyramid; }

    /**
     * Where image mode gets its images; none (the default) keeps image mode off. The view shares
     * ownership and calls the provider on the UI thread only.
     */
    void setThumbnailProvider(std::shared_ptr<MapThumbnailProvider> provider);
    /** The most points on screen that image mode shows as thumbnails (default 300). */
    void setImageModeBudget(qint64 points);
    qint64 imageModeBudget() const;
    /** A thumbnail's cell edge in logical pixels (default 66: a 56 px image in a 3 px frame). */
    void setThumbnailCellSize(qreal logicalPixels);
    /** Whether the last frame was drawn in image mode. */
    bool isImageMode() const;
    /** The points shown as thumbnails in the last frame, and where (widget coordinates). */
    std::vector<std::pair<qint64, QRectF>> thumbnailTiles() const;
    /** Thumbnails the last frame drew with their image rather than a placeholder. */
    int loadedThumbnailCount() const;

    QSize sizeHint() const override;

Q_SIGNALS:
    void selectionChanged(const std::vector<qint64> &points);
    /** The point under the cursor, or -1 when there is none. */
    void hovered(qint64 point);
    /** A point was double-clicked. */
    void activated(qint64 point);
    /** Zoom or pan changed. */
    void viewChanged();

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    using Index = std::shared_ptr<const MapPointIndex>;

    void invalidate();
    void renderIfNeeded();
    void buildIndex();
    void takeIndex();
    void buildPyramid();
    void takePyramid();
    const MapPointIndex *index(bool wait);
    double fitScale() const;
    void setView(QPointF center, double scale);
    void updateHover(QPointF pos);
    void setHovered(qint64 point);
    void applySelection(std::vector<qint64> points);
    std::span<const quint8> emphasisMask() const;
    void updateUnionMask();
    void layOutThumbnails();
    const QImage &blankFrame(QSize deviceSize, qreal dpr);
    void thumbnailArrived(qint64 point);
    void addThumbnailsInShape(std::vector<qint64> &hits, QPointF releasePos) const;
    void finishSelectionDrag(QPointF releasePos);
    void clickAt(QPointF pos, Qt::KeyboardModifiers modifiers);
    void updateCursor();
    double pickDistance() const;
    void paintThumbnails(QPainter &painter);
    void paintHighlightRings(QPainter &painter) const;
    void paintHover(QPainter &painter) const;
    void paintStatus(QPainter &painter) const;

    std::shared_ptr<const std::vector<float>> m_points; // shared with a pending index build
    std::vector<QRgb> m_colors;
    bool m_meanColors = false; // scalar colors average in the density view
    std::vector<qint64> m_selection;
    std::vector<quint8> m_selectedMask; // empty when nothing is selected
    std::vector<qint64> m_highlight;
    std::vector<quint8> m_highlightMask; // empty when nothing is highlighted
    std::vector<quint8> m_unionMask;     // selected or highlighted, only while both exist
    QString m_highlightLabel;
    std::vector<float> m_priority; // empty, or one per point
    QRectF m_bounds;               // of the finite points
    QPointF m_center;              // data point at the widget's centre
    double m_scale = 1;            // logical pixels per data unit
    bool m_autoFit = true;         // refit on resize until the user moves the view
    qreal m_pointRadius = 1.3;
    Tool m_tool = Tool::Pan;

    std::unique_ptr<MapRasterizer> m_rasterizer;
    QImage m_image; // the cached frame
    bool m_imageDirty = true;
    bool m_densityView = false;
    bool m_drawnFromPyramid = false;
    QImage m_blank; // the image mode's frame: background only, the thumbnails cover every point
    std::unique_ptr<MapThumbnailLayer> m_thumbnails;

    std::unique_ptr<QThreadPool> m_indexPool; // private: the global pool may be busy with analysis
    QFutureWatcher<Index> m_indexWatcher;
    Index m_index;

    using Pyramid = std::shared_ptr<const MapDensityPyramid>;
    std::unique_ptr<QThreadPool> m_pyramidPool; // one thread; a build waiting for it gives up when stale
    QFutureWatcher<Pyramid> m_pyramidWatcher;
    Pyramid m_pyramid;
    std::shared_ptr<std::atomic<quint64>> m_pyramidGeneration; // bumped by every change a build reads
    qint64 m_pyramidThreshold = 2000000;

    qint64 m_hovered = -1;
    MapLegend m_legend;
    std::function<QString(qint64)> m_toolTip;

    MapDrag m_drag;
    QPointF m_pressCenter; // the view's centre when the drag began (a pan moves it)
};

} // namespace loupe
