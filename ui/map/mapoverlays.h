#pragma once

#include <QPointF>
#include <QPolygonF>
#include <QRect>
#include <QRgb>

#include <span>
#include <utility>

class QPainter;
class QPalette;
class QString;

namespace loupe::mapoverlays {

/** A point on screen (widget coordinates) with its color. */
using Mark = std::pair<QPointF, QRgb>;

/** A ring in the palette's highlight color around each mark, then the marks' own dots over them. */
void paintRings(QPainter &painter, std::span<const Mark> marks, qreal pointRadius, const QPalette &palette);

/** The hovered point: its dot enlarged, ringed in the text color. */
void paintHoveredPoint(QPainter &painter, const Mark &mark, qreal pointRadius, const QPalette &palette);

/** The hovered thumbnail: its cell outlined in the text color. */
void paintHoveredCell(QPainter &painter, const QRectF &cell, const QPalette &palette);

/** The rectangle (path's first and last corners) or lasso being dragged. */
void paintDragShape(QPainter &painter, const QPolygonF &path, bool rectangle, const QPalette &palette);

/** A rounded badge with text in the bottom-left corner of area. */
void paintBadge(QPainter &painter, const QRect &area, const QString &text, const QPalette &palette);

} // namespace loupe::mapoverlays
