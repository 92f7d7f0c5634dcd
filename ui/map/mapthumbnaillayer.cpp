#include "mapthumbnaillayer.h"

#include "mappointindex.h"
#include "mapthumbnailprovider.h"

#include <algorithm>
#include <cmath>

#include <QPainter>

namespace loupe {

namespace {

constexpr qreal kGap = 2;              // logical pixels between a cell's edge and its frame
constexpr qreal kFrame = 3;            // frame width in logical pixels
constexpr qreal kSelectionRing = 2;    // ring around a selected tile, inside the gap
constexpr qint64 kCandidateFactor = 4; // the query over screen plus margin stops past budget x this
constexpr qreal kDimmedOpacity = 0.3;
constexpr int kDimming = 165;         // of 255, as the rasterizer dims points: how far toward background
constexpr int kPlaceholderTint = 60;  // of 255: how much of the point's color a placeholder shows
constexpr int kFittedCacheFactor = 4; // fitted images kept: budget x this

QColor mix(QRgb color, QRgb background, int colorShare)
{
    const auto channel = [&](int c, int b) {
        return (c * colorShare + b * (255 - colorShare) + 127) / 255;
    };
    return QColor(channel(qRed(color), qRed(background)), channel(qGreen(color), qGreen(background)),
                  channel(qBlue(color), qBlue(background)));
}

bool flag(std::span<const quint8> flags, qint64 i)
{
    return !flags.empty() && flags[size_t(i)] != 0;
}

} // namespace

MapThumbnailLayer::MapThumbnailLayer()
{
    m_fitted.setMaxCost(int(m_budget * kFittedCacheFactor));
}

MapThumbnailLayer::~MapThumbnailLayer() = default;

void MapThumbnailLayer::setProvider(std::shared_ptr<MapThumbnailProvider> provider)
{
    m_provider = std::move(provider);
    m_fitted.clear();
    clear();
    if (m_provider)
        m_provider->setImageSize(imageDeviceSize());
}

void MapThumbnailLayer::setCellSize(qreal logicalPixels)
{
    m_cellSize = std::max<qreal>(logicalPixels, 4 * (kGap + kFrame));
    m_fitted.clear();
    if (m_provider)
        m_provider->setImageSize(imageDeviceSize());
}

void MapThumbnailLayer::setDevicePixelRatio(qreal ratio)
{
    if (ratio == m_devicePixelRatio)
        return;
    m_devicePixelRatio = ratio;
    m_fitted.clear();
    if (m_provider)
        m_provider->setImageSize(imageDeviceSize());
}

void MapThumbnailLayer::clear()
{
    m_active = false;
    m_tiles.clear();
    m_tileOfPoint.clear();
}

bool MapThumbnailLayer::layOut(const MapPointIndex &index, std::span<const float> xy,
                               const MapThumbnailView &view, const MapThumbnailStyle &style)
{
    const std::vector<Tile> previous = std::move(m_tiles);
    clear();
    if (!m_provider || m_budget <= 0 || view.scale <= 0)
        return false;
    // The screen plus one cell around it: a cell partly on screen may hold a point just outside.
    const double cell = m_cellSize, halfW = view.size.width() / 2, halfH = view.size.height() / 2;
    const QRectF area(
        QPointF(view.center.x() - (halfW + cell) / view.scale, view.center.y() - (halfH + cell) / view.scale),
        QPointF(view.center.x() + (halfW + cell) / view.scale,
                view.center.y() + (halfH + cell) / view.scale));
    m_found.clear();
    if (!index.pointsInRect(area, m_budget * kCandidateFactor, m_found))
        return false;
    m_candidates.clear();
    qint64 onScreen = 0;
    for (const qint64 p : m_found) {
        const double x = (xy[2 * p] - view.center.x()) * view.scale + halfW;
        const double y = halfH - (xy[2 * p + 1] - view.center.y()) * view.scale;
        onScreen += x >= 0 && x < view.size.width() && y >= 0 && y < view.size.height();
        // Cells are anchored at the data origin, in pixels at this scale.
        m_candidates.push_back({qint64(std::floor(xy[2 * p] * view.scale / cell)),
                                qint64(std::floor(-xy[2 * p + 1] * view.scale / cell)), p});
    }
    if (onScreen > m_budget)
        return false;
    std::sort(m_candidates.begin(), m_candidates.end(), [&](const Candidate &a, const Candidate &b) {
        if (a.cellX != b.cellX || a.cellY != b.cellY)
            return a.cellX != b.cellX ? a.cellX < b.cellX : a.cellY < b.cellY;
        return ranksBefore(a, b, style);
    });
    const QRectF screen(QPointF(0, 0), view.size);
    const double originX = halfW - view.center.x() * view.scale,
                 originY = halfH + view.center.y() * view.scale;
    for (size_t i = 0; i < m_candidates.size(); ++i) {
        const Candidate &c = m_candidates[i];
        if (i > 0 && c.cellX == m_candidates[i - 1].cellX && c.cellY == m_candidates[i - 1].cellY)
            continue; // the cell's best point came first
        // Whole logical pixels: crisp frames, and images drawn 1:1.
        const QRectF rect(std::round(originX + double(c.cellX) * cell),
                          std::round(originY + double(c.cellY) * cell), cell, cell);
        if (!rect.intersects(screen))
            continue;
        m_tileOfPoint.insert(c.point, qsizetype(m_tiles.size()));
        m_tiles.push_back({c.point, rect});
    }
    m_active = true;
    // Other points now: loads queued for points no longer shown are not worth finishing.
    const bool samePoints = previous.size() == m_tiles.size() &&
                            std::equal(previous.begin(), previous.end(), m_tiles.begin(),
                                       [](const Tile &a, const Tile &b) { return a.point == b.point; });
    if (!samePoints)
        m_provider->forgetPending();
    return true;
}

bool MapThumbnailLayer::ranksBefore(const Candidate &a, const Candidate &b,
                                    const MapThumbnailStyle &style) const
{
    const bool ea = flag(style.emphasised, a.point), eb = flag(style.emphasised, b.point);
    if (ea != eb)
        return ea;
    if (!style.priority.empty()) {
        const float pa = style.priority[size_t(a.point)], pb = style.priority[size_t(b.point)];
        const bool na = std::isnan(pa), nb = std::isnan(pb);
        if (na != nb)
            return nb;
        if (!na && pa != pb)
            return pa > pb;
    }
    return a.point < b.point;
}

qint64 MapThumbnailLayer::pointAt(QPointF widgetPos) const
{
    for (const Tile &tile : m_tiles) {
        if (tile.cell.contains(widgetPos))
            return tile.point;
    }
    return -1;
}

QRectF MapThumbnailLayer::cellOf(qint64 point) const
{
    const auto it = m_tileOfPoint.constFind(point);
    return it == m_tileOfPoint.constEnd() ? QRectF() : m_tiles[size_t(*it)].cell;
}

QRectF MapThumbnailLayer::frameRect(const QRectF &cell) const
{
    return cell.adjusted(kGap, kGap, -kGap, -kGap);
}

QRectF MapThumbnailLayer::imageRect(const QRectF &cell) const
{
    const qreal inset = kGap + kFrame;
    return cell.adjusted(inset, inset, -inset, -inset);
}

QSize MapThumbnailLayer::imageDeviceSize() const
{
    const int side = int(std::lround((m_cellSize - 2 * (kGap + kFrame)) * m_devicePixelRatio));
    return QSize(side, side);
}

/** source fitted into the tile's image area (once per arrival): whole-factor scaling stays crisp. */
const QImage *MapThumbnailLayer::fitted(qint64 point, const QImage &source)
{
    if (const Fitted *cached = m_fitted.object(point); cached && cached->sourceKey == source.cacheKey())
        return &cached->image;
    const QSize area = imageDeviceSize();
    QImage image = source;
    if (source.size() != area && !source.isNull()) {
        const QSize target = source.size().scaled(area, Qt::KeepAspectRatio);
        const bool wholeFactor =
            target.width() % source.width() == 0 && target.height() % source.height() == 0;
        image = source.scaled(target, Qt::KeepAspectRatio,
                              wholeFactor ? Qt::FastTransformation : Qt::SmoothTransformation);
    }
    image.setDevicePixelRatio(m_devicePixelRatio);
    auto *entry = new Fitted{source.cacheKey(), std::move(image)};
    m_fitted.setMaxCost(int(std::max<qint64>(m_budget, 1) * kFittedCacheFactor));
    m_fitted.insert(point, entry, 1);
    return &entry->image;
}

void MapThumbnailLayer::paint(QPainter &painter, const MapThumbnailStyle &style)
{
    m_loaded = 0;
    if (!m_active || !m_provider)
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(Qt::NoPen);
    for (const Tile &tile : m_tiles)
        paintTile(painter, tile, style);
    painter.restore();
}

/** The frame in the point's color (dimmed toward the background), then the image or a placeholder. */
void MapThumbnailLayer::paintTile(QPainter &painter, const Tile &tile, const MapThumbnailStyle &style)
{
    const QRgb color = style.colors.empty() ? 0xff808080 : style.colors[size_t(tile.point)];
    const bool dimmed = !style.emphasised.empty() && !flag(style.emphasised, tile.point);
    if (flag(style.selected, tile.point)) {
        const qreal out = kSelectionRing;
        painter.fillRect(frameRect(tile.cell).adjusted(-out, -out, out, out), QColor(style.selectionColor));
    }
    painter.fillRect(frameRect(tile.cell),
                     dimmed ? mix(color, style.background, 255 - kDimming) : QColor(color));
    const QRectF area = imageRect(tile.cell);
    painter.fillRect(area, QColor(style.background));
    const QImage source = m_provider->thumbnail(tile.point);
    if (source.isNull()) {
        painter.fillRect(area, mix(color, style.background, kPlaceholderTint));
        return;
    }
    ++m_loaded;
    const QImage *image = fitted(tile.point, source);
    const QSizeF logical = image->deviceIndependentSize();
    const QPointF at(area.center().x() - logical.width() / 2, area.center().y() - logical.height() / 2);
    if (dimmed)
        painter.setOpacity(kDimmedOpacity);
    painter.drawImage(QPointF(std::round(at.x()), std::round(at.y())), *image);
    painter.setOpacity(1);
}

} // namespace loupe
