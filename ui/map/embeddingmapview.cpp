#include "embeddingmapview.h"

#include "mapdensitypyramid.h"
#include "mapoverlays.h"
#include "mappointindex.h"
#include "maprasterizer.h"
#include "mapthumbnaillayer.h"
#include "mapthumbnailprovider.h"

#include <algorithm>
#include <cmath>

#include <QApplication>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPointer>
#include <QThreadPool>
#include <QToolTip>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe {

namespace {
constexpr qint64 kSyncIndexLimit = 100000; // below this the kd-tree builds in a few ms, on the spot
constexpr double kFitMargin = 24;          // logical pixels left around the fitted map
constexpr double kMinZoom = 0.125;         // relative to the fitted scale
constexpr double kMaxZoom = 1e5;
constexpr double kWheelStep = 1.25; // zoom factor per wheel notch and per +/- key
constexpr double kMinPickDistance = 6;
constexpr size_t kMaxHighlightRings = 3000; // QPainter rings cost ~2 us each, on every repaint

QRgb defaultColor()
{
    return colormaps::categorical().front().rgb();
}

QRectF finiteBounds(const std::vector<float> &xy)
{
    float minX = INFINITY, minY = INFINITY, maxX = -INFINITY, maxY = -INFINITY;
    for (size_t i = 0; i + 1 < xy.size(); i += 2) {
        if (!std::isfinite(xy[i]) || !std::isfinite(xy[i + 1]))
            continue;
        minX = std::min(minX, xy[i]);
        maxX = std::max(maxX, xy[i]);
        minY = std::min(minY, xy[i + 1]);
        maxY = std::max(maxY, xy[i + 1]);
    }
    if (minX > maxX)
        return {};
    return QRectF(QPointF(minX, minY), QPointF(maxX, maxY));
}
} // namespace

EmbeddingMapView::EmbeddingMapView(QWidget *parent)
    : QWidget(parent), m_rasterizer(std::make_unique<MapRasterizer>()),
      m_thumbnails(std::make_unique<MapThumbnailLayer>()), m_indexPool(std::make_unique<QThreadPool>()),
      m_pyramidPool(std::make_unique<QThreadPool>()),
      m_pyramidGeneration(std::make_shared<std::atomic<quint64>>(0))
{
    m_indexPool->setMaxThreadCount(1);
    m_pyramidPool->setMaxThreadCount(1);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent); // the cached frame covers every pixel
    setMinimumSize(120, 90);
    connect(&m_indexWatcher, &QFutureWatcherBase::finished, this, &EmbeddingMapView::takeIndex);
    connect(&m_pyramidWatcher, &QFutureWatcherBase::finished, this, &EmbeddingMapView::takePyramid);
    updateCursor();
}

// The pool's destructor waits for a running index build, which owns copies of what it reads.
// A provider may outlive the view: it must not call back into it.
EmbeddingMapView::~EmbeddingMapView()
{
    if (m_thumbnails->provider())
        m_thumbnails->provider()->setReadyCallback({});
}

void EmbeddingMapView::setPoints(std::vector<float> xy)
{
    xy.resize(xy.size() / 2 * 2);
    m_bounds = finiteBounds(xy);
    m_points = std::make_shared<const std::vector<float>>(std::move(xy));
    if (m_colors.size() != size_t(pointCount()))
        m_colors.resize(size_t(pointCount()), defaultColor());
    if (m_priority.size() != size_t(pointCount()))
        m_priority.clear();
    buildIndex();
    const bool hadSelection = !m_selection.empty();
    m_selection.clear();
    m_selectedMask.clear();
    m_highlight.clear();
    m_highlightMask.clear();
    m_unionMask.clear();
    m_thumbnails->clear();
    buildPyramid();
    setHovered(-1);
    fitToContents();
    invalidate();
    if (hadSelection)
        Q_EMIT selectionChanged(m_selection);
}

qint64 EmbeddingMapView::pointCount() const
{
    return m_points ? qint64(m_points->size() / 2) : 0;
}

void EmbeddingMapView::setColors(std::vector<QRgb> perPoint)
{
    perPoint.resize(size_t(pointCount()), defaultColor());
    m_colors = std::move(perPoint);
    m_meanColors = false;
    m_legend.clearColorBar();
    buildPyramid();
    invalidate();
}

void EmbeddingMapView::setCategoricalColors(const std::vector<int> &category, const QList<QColor> &palette)
{
    const size_t n = std::min(category.size(), size_t(pointCount()));
    setColors(colormaps::byCategory(std::span(category).first(n), palette));
}

void EmbeddingMapView::setScalarColors(const std::vector<float> &values, Colormap map, float low, float high)
{
    const auto [from, to] = colormaps::finiteRange(values, low, high);
    const size_t n = std::min(values.size(), size_t(pointCount()));
    setColors(colormaps::byValue(std::span(values).first(n), map, from, to));
    m_meanColors = true;
    m_legend.setColorBar(map, from, to);
}

void EmbeddingMapView::setLegend(const QList<MapLegendEntry> &entries, const QString &title)
{
    m_legend.setEntries(entries, title);
    update();
}

void EmbeddingMapView::setHighlight(const std::vector<qint64> &points, const QString &label)
{
    std::vector<qint64> clean = mapselection::normalized(points, pointCount());
    if (clean == m_highlight && label == m_highlightLabel)
        return;
    m_highlight = std::move(clean);
    m_highlightMask = mapselection::mask(m_highlight, pointCount());
    updateUnionMask();
    m_highlightLabel = m_highlight.empty() ? QString() : label;
    invalidate();
}

bool EmbeddingMapView::isDimmed(qint64 point) const
{
    const std::span<const quint8> mask = emphasisMask();
    return !mask.empty() && point >= 0 && point < pointCount() && mask[size_t(point)] == 0;
}

/** What stands out: the selected and the highlighted points (empty: nothing is dimmed). */
std::span<const quint8> EmbeddingMapView::emphasisMask() const
{
    if (m_selectedMask.empty())
        return m_highlightMask;
    return m_highlightMask.empty() ? m_selectedMask : m_unionMask;
}

/**
 * Both at once (a cluster highlighted and the grid's current sample selected in it): dimming
 * either would hide the other, so both stand out.
 */
void EmbeddingMapView::updateUnionMask()
{
    m_unionMask.clear();
    if (!m_selectedMask.empty() && !m_highlightMask.empty()) {
        m_unionMask.resize(m_selectedMask.size());
        std::transform(m_selectedMask.begin(), m_selectedMask.end(), m_highlightMask.begin(),
                       m_unionMask.begin(), [](quint8 a, quint8 b) { return quint8(a | b); });
    }
    buildPyramid(); // the emphasis splits the points into the pyramid's layers
}

void EmbeddingMapView::setPriorities(std::vector<float> perPoint)
{
    perPoint.resize(size_t(pointCount()), NAN);
    m_priority = std::move(perPoint);
    invalidate();
}

void EmbeddingMapView::setThumbnailProvider(std::shared_ptr<MapThumbnailProvider> provider)
{
    if (MapThumbnailProvider *old = m_thumbnails->provider())
        old->setReadyCallback({});
    if (provider) {
        provider->setReadyCallback([view = QPointer<EmbeddingMapView>(this)](qint64 point) {
            if (view)
                view->thumbnailArrived(point);
        });
    }
    m_thumbnails->setProvider(std::move(provider));
    invalidate();
}

void EmbeddingMapView::setImageModeBudget(qint64 points)
{
    m_thumbnails->setBudget(points);
    invalidate();
}

qint64 EmbeddingMapView::imageModeBudget() const
{
    return m_thumbnails->budget();
}

void EmbeddingMapView::setThumbnailCellSize(qreal logicalPixels)
{
    m_thumbnails->setCellSize(logicalPixels);
    invalidate();
}

bool EmbeddingMapView::isImageMode() const
{
    return m_thumbnails->isActive();
}

std::vector<std::pair<qint64, QRectF>> EmbeddingMapView::thumbnailTiles() const
{
    std::vector<std::pair<qint64, QRectF>> tiles;
    for (const MapThumbnailLayer::Tile &tile : m_thumbnails->tiles())
        tiles.emplace_back(tile.point, tile.cell);
    return tiles;
}

int EmbeddingMapView::loadedThumbnailCount() const
{
    return m_thumbnails->loadedCount();
}

/** Repaints a thumbnail that arrived, when it is on screen; others cost nothing. */
void EmbeddingMapView::thumbnailArrived(qint64 point)
{
    const QRectF cell = m_thumbnails->cellOf(point);
    if (!cell.isNull())
        update(cell.toAlignedRect());
}

void EmbeddingMapView::setToolTipProvider(std::function<QString(qint64)> provider)
{
    m_toolTip = std::move(provider);
}

void EmbeddingMapView::setSelection(const std::vector<qint64> &points)
{
    applySelection(mapselection::normalized(points, pointCount()));
}

void EmbeddingMapView::clearSelection()
{
    applySelection({});
}

void EmbeddingMapView::applySelection(std::vector<qint64> points)
{
    if (points == m_selection)
        return;
    m_selection = std::move(points);
    m_selectedMask = mapselection::mask(m_selection, pointCount());
    updateUnionMask();
    invalidate();
    Q_EMIT selectionChanged(m_selection);
}

void EmbeddingMapView::fitToContents()
{
    m_autoFit = true;
    setView(m_bounds.isNull() ? QPointF() : m_bounds.center(), fitScale());
}

void EmbeddingMapView::zoomBy(double factor, QPointF anchor)
{
    const QPointF data = mapToData(anchor);
    const double fit = fitScale();
    const double scale = std::clamp(m_scale * factor, fit * kMinZoom, fit * kMaxZoom);
    // Solve mapFromData(data) == anchor for the centre at the new scale.
    const QPointF center(data.x() - (anchor.x() - width() / 2.0) / scale,
                         data.y() + (anchor.y() - height() / 2.0) / scale);
    m_autoFit = false;
    setView(center, scale);
}

QPointF EmbeddingMapView::mapToData(QPointF widgetPos) const
{
    return {m_center.x() + (widgetPos.x() - width() / 2.0) / m_scale,
            m_center.y() - (widgetPos.y() - height() / 2.0) / m_scale};
}

QPointF EmbeddingMapView::mapFromData(QPointF dataPos) const
{
    return {(dataPos.x() - m_center.x()) * m_scale + width() / 2.0,
            height() / 2.0 - (dataPos.y() - m_center.y()) * m_scale};
}

void EmbeddingMapView::setTool(Tool tool)
{
    m_tool = tool;
    updateCursor();
}

void EmbeddingMapView::setPointRadius(qreal logicalPixels)
{
    m_pointRadius = std::clamp<qreal>(logicalPixels, 0.5, 8.0);
    invalidate();
}

qint64 EmbeddingMapView::pointAt(QPointF widgetPos)
{
    const MapPointIndex *points = index(true);
    renderIfNeeded(); // the thumbnails' layout follows the view
    if (m_thumbnails->isActive())
        return m_thumbnails->pointAt(widgetPos);
    return points ? points->nearest(mapToData(widgetPos), pickDistance() / m_scale) : -1;
}

QSize EmbeddingMapView::sizeHint() const
{
    return {640, 480};
}

double EmbeddingMapView::fitScale() const
{
    const double w = std::max(1.0, width() - 2 * kFitMargin), h = std::max(1.0, height() - 2 * kFitMargin);
    const double bw = m_bounds.width(), bh = m_bounds.height();
    if (bw <= 0 && bh <= 0)
        return std::min(w, h); // one point, or none: one data unit across
    if (bw <= 0)
        return h / bh;
    if (bh <= 0)
        return w / bw;
    return std::min(w / bw, h / bh);
}

void EmbeddingMapView::setView(QPointF center, double scale)
{
    if (center == m_center && scale == m_scale)
        return;
    m_center = center;
    m_scale = scale;
    invalidate();
    Q_EMIT viewChanged();
}

void EmbeddingMapView::invalidate()
{
    m_imageDirty = true;
    update();
}

/**
 * Rasterises a new frame only when something it depends on changed since the cached one. In
 * image mode the thumbnails cover every visible point, so the frame is the background alone.
 */
void EmbeddingMapView::renderIfNeeded()
{
    const qreal dpr = devicePixelRatioF();
    const QSize deviceSize(qRound(width() * dpr), qRound(height() * dpr));
    if (!m_imageDirty && m_image.size() == deviceSize && m_image.devicePixelRatio() == dpr)
        return;
    m_thumbnails->setDevicePixelRatio(dpr);
    layOutThumbnails();
    m_imageDirty = false;
    if (m_thumbnails->isActive()) {
        m_image = blankFrame(deviceSize, dpr);
        m_densityView = false;
        m_drawnFromPyramid = false;
        return;
    }
    MapFrame frame;
    if (m_points)
        frame.xy = *m_points;
    frame.colors = m_colors;
    frame.selected = emphasisMask();
    frame.deviceSize = deviceSize;
    frame.devicePixelRatio = dpr;
    frame.center = m_center;
    frame.scale = m_scale * dpr;
    frame.pointRadius = m_pointRadius * dpr;
    frame.background = palette().color(QPalette::Base).rgb();
    frame.meanColors = m_meanColors;
    frame.pyramid = m_pyramid.get();
    m_image = m_rasterizer->render(frame);
    m_densityView = m_rasterizer->lastStats().look == MapRasterizer::Look::Density;
    m_drawnFromPyramid = m_rasterizer->lastStats().fromPyramid;
}

void EmbeddingMapView::layOutThumbnails()
{
    const MapPointIndex *points = index(false);
    if (!m_thumbnails->provider() || !points || !m_points) {
        m_thumbnails->clear();
        return;
    }
    m_thumbnails->layOut(*points, *m_points, MapThumbnailView{m_center, m_scale, QSizeF(size())},
                         MapThumbnailStyle{m_colors, emphasisMask(), m_selectedMask, m_priority});
}

const QImage &EmbeddingMapView::blankFrame(QSize deviceSize, qreal dpr)
{
    const QRgb background = palette().color(QPalette::Base).rgb();
    if (deviceSize.isEmpty())
        return m_blank = QImage();
    if (m_blank.size() != deviceSize || m_blank.devicePixelRatio() != dpr ||
        m_blank.pixel(0, 0) != background) {
        m_blank = QImage(deviceSize, QImage::Format_RGB32);
        m_blank.setDevicePixelRatio(dpr);
        m_blank.fill(background);
    }
    return m_blank;
}

/** Small maps get their kd-tree at once; large ones on a worker, hovering waits for it. */
void EmbeddingMapView::buildIndex()
{
    m_index.reset();
    m_indexWatcher.setFuture(QFuture<Index>()); // forget a build for the previous points
    if (pointCount() <= kSyncIndexLimit) {
        m_index = std::make_shared<const MapPointIndex>(*m_points);
        return;
    }
    const std::shared_ptr<const std::vector<float>> points = m_points;
    m_indexWatcher.setFuture(QtConcurrent::run(
        m_indexPool.get(), [points] { return Index(std::make_shared<const MapPointIndex>(*points)); }));
}

void EmbeddingMapView::setDensityPyramidThreshold(qint64 points)
{
    m_pyramidThreshold = points;
    buildPyramid();
    invalidate();
}

/**
 * Starts a pyramid of the current points, colors and emphasis on the pyramid's own thread. The
 * build owns copies of what it reads; one that starts after a later change returns nothing.
 */
void EmbeddingMapView::buildPyramid()
{
    const quint64 generation = ++*m_pyramidGeneration;
    m_pyramid.reset();
    m_pyramidWatcher.setFuture(QFuture<Pyramid>()); // forget a build for earlier content
    if (!m_points || pointCount() < m_pyramidThreshold)
        return;
    const std::span<const quint8> mask = emphasisMask();
    m_pyramidWatcher.setFuture(QtConcurrent::run(
        m_pyramidPool.get(),
        [points = m_points, colors = m_colors, selected = std::vector<quint8>(mask.begin(), mask.end()),
         current = m_pyramidGeneration, generation]() -> Pyramid {
            if (current->load() != generation)
                return nullptr;
            return std::make_shared<const MapDensityPyramid>(*points, colors, selected);
        }));
}

void EmbeddingMapView::takePyramid()
{
    const QFuture<Pyramid> future = m_pyramidWatcher.future();
    if (m_pyramid || future.isCanceled() || future.resultCount() == 0 || !future.result())
        return;
    m_pyramid = future.result();
    invalidate(); // the next frame can come from it
}

void EmbeddingMapView::takeIndex()
{
    const QFuture<Index> future = m_indexWatcher.future();
    if (m_index || future.isCanceled() || future.resultCount() == 0)
        return;
    m_index = future.result();
    if (m_thumbnails->provider())
        invalidate(); // image mode needs the index
    // A hover that came in while the index was being built.
    if (underMouse())
        updateHover(mapFromGlobal(QCursor::pos()));
}

const MapPointIndex *EmbeddingMapView::index(bool wait)
{
    if (!m_index && wait) {
        QFuture<Index> future = m_indexWatcher.future();
        future.waitForFinished();
        if (!future.isCanceled() && future.resultCount() > 0) {
            m_index = future.result();
            if (m_thumbnails->provider())
                invalidate(); // image mode needs the index
        }
    }
    return m_index.get();
}

double EmbeddingMapView::pickDistance() const
{
    return std::max(kMinPickDistance, m_pointRadius + 3);
}

void EmbeddingMapView::updateHover(QPointF pos)
{
    if (m_thumbnails->provider())
        renderIfNeeded(); // after a zoom, the thumbnails under the cursor are the new view's
    const bool inside = rect().contains(pos.toPoint());
    if (m_thumbnails->isActive()) {
        setHovered(inside ? m_thumbnails->pointAt(pos) : -1);
        return;
    }
    const MapPointIndex *points = index(false);
    setHovered(points && inside ? points->nearest(mapToData(pos), pickDistance() / m_scale) : -1);
}

void EmbeddingMapView::setHovered(qint64 point)
{
    if (point == m_hovered)
        return;
    m_hovered = point;
    update();
    Q_EMIT hovered(point);
}

bool EmbeddingMapView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    updateHover(help->pos());
    const QString text = m_toolTip && m_hovered >= 0 ? m_toolTip(m_hovered) : QString();
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
    } else {
        QToolTip::showText(help->globalPos(), text, this);
    }
    return true;
}

void EmbeddingMapView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_autoFit)
        fitToContents();
    invalidate();
}

void EmbeddingMapView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        invalidate(); // the background follows the palette
    QWidget::changeEvent(event);
}

void EmbeddingMapView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton && event->button() != Qt::MiddleButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const MapDrag::Kind tool = m_tool == Tool::Rectangle ? MapDrag::Kind::Rectangle
                               : m_tool == Tool::Lasso   ? MapDrag::Kind::Lasso
                                                         : MapDrag::Kind::Pan;
    m_drag = MapDrag::press(event->position(), event->button(), event->modifiers(), tool);
    m_pressCenter = m_center;
    updateCursor();
    event->accept();
}

void EmbeddingMapView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (!m_drag.isActive()) {
        updateHover(pos);
        return;
    }
    const bool wasMoving = m_drag.hasMoved();
    const bool reshaped = m_drag.moveTo(pos, QApplication::startDragDistance());
    if (!wasMoving && m_drag.hasMoved())
        setHovered(-1);
    if (m_drag.kind() == MapDrag::Kind::Pan && m_drag.hasMoved()) {
        const QPointF moved = pos - m_drag.pressPos();
        m_autoFit = false;
        setView(m_pressCenter + QPointF(-moved.x() / m_scale, moved.y() / m_scale), m_scale);
    } else if (reshaped) {
        update();
    }
}

void EmbeddingMapView::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_drag.isActive()) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    if (!m_drag.hasMoved() && event->button() == Qt::LeftButton)
        clickAt(event->position(), m_drag.modifiers());
    else if (m_drag.hasMoved() && m_drag.isSelecting())
        finishSelectionDrag(event->position());
    m_drag = {};
    updateCursor();
    update();
    updateHover(event->position());
    event->accept();
}

void EmbeddingMapView::finishSelectionDrag(QPointF releasePos)
{
    if (!m_points)
        return;
    std::vector<qint64> hits;
    if (m_drag.kind() == MapDrag::Kind::Rectangle) {
        const QRectF area = m_drag.rectangle(releasePos);
        hits = mapselection::pointsInRect(
            *m_points, QRectF(mapToData(area.topLeft()), mapToData(area.bottomRight())).normalized());
    } else {
        QPolygonF lasso;
        for (const QPointF &p : m_drag.lasso(releasePos))
            lasso << mapToData(p);
        hits = mapselection::pointsInPolygon(*m_points, lasso);
    }
    addThumbnailsInShape(hits, releasePos);
    applySelection(mapselection::combine(m_selection, hits, m_drag.op()));
}

/**
 * In image mode a thumbnail sits in its point's cell, not on the point: a shape drawn around the
 * thumbnail (its centre inside) catches its point too. hits stays ascending and unique.
 */
void EmbeddingMapView::addThumbnailsInShape(std::vector<qint64> &hits, QPointF releasePos) const
{
    if (!m_thumbnails->isActive())
        return;
    std::vector<qint64> caught;
    for (const MapThumbnailLayer::Tile &tile : m_thumbnails->tiles()) {
        if (m_drag.encloses(tile.cell.center(), releasePos))
            caught.push_back(tile.point);
    }
    std::sort(caught.begin(), caught.end());
    hits = mapselection::combine(hits, caught, SelectionOp::Add);
}

/** A click without a drag: select the point under the cursor; modifiers toggle or remove it. */
void EmbeddingMapView::clickAt(QPointF pos, Qt::KeyboardModifiers modifiers)
{
    const qint64 point = pointAt(pos);
    if (modifiers & Qt::AltModifier) {
        if (point >= 0)
            applySelection(mapselection::combine(m_selection, {point}, SelectionOp::Subtract));
    } else if (modifiers & (Qt::ShiftModifier | Qt::ControlModifier)) {
        if (point >= 0) {
            const bool selected = std::binary_search(m_selection.begin(), m_selection.end(), point);
            applySelection(mapselection::combine(m_selection, {point},
                                                 selected ? SelectionOp::Subtract : SelectionOp::Add));
        }
    } else {
        applySelection(point >= 0 ? std::vector<qint64>{point} : std::vector<qint64>{});
    }
}

void EmbeddingMapView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const qint64 point = event->button() == Qt::LeftButton ? pointAt(event->position()) : -1;
    if (point >= 0)
        Q_EMIT activated(point);
    else
        QWidget::mouseDoubleClickEvent(event);
}

void EmbeddingMapView::wheelEvent(QWheelEvent *event)
{
    const double notches = event->angleDelta().y() / 120.0;
    if (notches == 0) {
        event->ignore();
        return;
    }
    zoomBy(std::pow(kWheelStep, notches), event->position());
    updateHover(event->position());
    event->accept();
}

void EmbeddingMapView::keyPressEvent(QKeyEvent *event)
{
    const QPointF middle(width() / 2.0, height() / 2.0);
    switch (event->key()) {
    case Qt::Key_Escape:
        if (m_drag.isActive()) {
            m_drag = {}; // cancel the drag in progress
            updateCursor();
            update();
        } else if (!m_selection.empty()) {
            clearSelection();
        } else {
            QWidget::keyPressEvent(event);
        }
        return;
    case Qt::Key_Home:
        fitToContents();
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(kWheelStep, middle);
        return;
    case Qt::Key_Minus:
        zoomBy(1.0 / kWheelStep, middle);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void EmbeddingMapView::leaveEvent(QEvent *event)
{
    setHovered(-1);
    QWidget::leaveEvent(event);
}

void EmbeddingMapView::updateCursor()
{
    if (m_drag.kind() == MapDrag::Kind::Pan)
        setCursor(Qt::ClosedHandCursor);
    else if (m_drag.isActive() || m_tool != Tool::Pan)
        setCursor(Qt::CrossCursor);
    else
        unsetCursor();
}

void EmbeddingMapView::paintEvent(QPaintEvent *)
{
    renderIfNeeded();
    QPainter painter(this);
    painter.drawImage(QPointF(0, 0), m_image);
    if (pointCount() == 0) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No map to show"));
    }
    paintThumbnails(painter);
    painter.setRenderHint(QPainter::Antialiasing);
    paintHighlightRings(painter);
    paintHover(painter);
    m_drag.paint(painter, palette());
    m_legend.paint(painter, rect(), palette());
    paintStatus(painter);
}

void EmbeddingMapView::paintThumbnails(QPainter &painter)
{
    MapThumbnailStyle style{m_colors, emphasisMask(), m_selectedMask, m_priority};
    style.background = palette().color(QPalette::Base).rgb();
    style.selectionColor = palette().color(QPalette::Highlight).rgb();
    m_thumbnails->paint(painter, style);
}

/**
 * A small highlight (a failure cluster) gets a ring around each member on screen: a few hundred
 * points in the receding "correct" color hardly stand out from the dimmed rest by color alone.
 * Larger ones show as the dense region they make.
 */
/**
 * A small highlight (a failure cluster) gets a ring around each member on screen: a few hundred
 * points in the receding "correct" color hardly stand out from the dimmed rest by color alone.
 * Larger ones show as the dense region they make.
 */
void EmbeddingMapView::paintHighlightRings(QPainter &painter) const
{
    if (m_highlight.empty() || m_highlight.size() > kMaxHighlightRings || m_thumbnails->isActive())
        return;
    const qreal reach = m_pointRadius + 4;
    const QRectF area = QRectF(rect()).adjusted(-reach, -reach, reach, reach);
    std::vector<mapoverlays::Mark> onScreen;
    for (const qint64 p : m_highlight) {
        const QPointF at = mapFromData(QPointF((*m_points)[size_t(2 * p)], (*m_points)[size_t(2 * p + 1)]));
        if (area.contains(at))
            onScreen.emplace_back(at, m_colors[size_t(p)]);
    }
    mapoverlays::paintRings(painter, onScreen, m_pointRadius, palette());
}

void EmbeddingMapView::paintHover(QPainter &painter) const
{
    if (m_hovered < 0 || m_hovered >= pointCount())
        return;
    if (m_thumbnails->isActive()) {
        if (const QRectF cell = m_thumbnails->cellOf(m_hovered); !cell.isNull())
            mapoverlays::paintHoveredCell(painter, cell, palette());
        return;
    }
    const QPointF at = mapFromData(QPointF((*m_points)[2 * m_hovered], (*m_points)[2 * m_hovered + 1]));
    mapoverlays::paintHoveredPoint(painter, {at, m_colors[size_t(m_hovered)]}, m_pointRadius, palette());
}

/** The highlight's name and size, and the selection's, in a corner badge. */
void EmbeddingMapView::paintStatus(QPainter &painter) const
{
    if (m_selection.empty() && m_highlight.empty())
        return;
    const QLocale locale;
    QString text;
    const QString total = locale.toString(pointCount());
    if (!m_highlight.empty()) {
        const QString count = locale.toString(qint64(m_highlight.size()));
        text = m_highlightLabel.isEmpty() ? tr("%1 of %2 highlighted").arg(count, total)
                                          : tr("%1: %2 of %3").arg(m_highlightLabel, count, total);
    }
    if (!m_selection.empty()) {
        const QString count = locale.toString(qint64(m_selection.size()));
        text = text.isEmpty() ? tr("%1 of %2 selected").arg(count, total)
                              : tr("%1 · %2 selected").arg(text, count);
    }
    mapoverlays::paintBadge(painter, rect(), text, palette());
}

} // namespace loupe
