#include "mapoverlays.h"

#include <QPainter>
#include <QPalette>

namespace loupe::mapoverlays {

void paintRings(QPainter &painter, std::span<const Mark> marks, qreal pointRadius, const QPalette &palette)
{
    const qreal radius = pointRadius + 2.5;
    QColor ring = palette.color(QPalette::Highlight);
    ring.setAlpha(140);
    painter.setPen(QPen(ring, 1.2));
    painter.setBrush(Qt::NoBrush);
    for (const auto &[at, color] : marks)
        painter.drawEllipse(at, radius, radius);
    // The dots again over the rings, so that their colors (errors) show inside a crowded ring.
    painter.setPen(Qt::NoPen);
    for (const auto &[at, color] : marks) {
        painter.setBrush(QColor(color));
        painter.drawEllipse(at, pointRadius + 0.3, pointRadius + 0.3);
    }
}

void paintHoveredPoint(QPainter &painter, const Mark &mark, qreal pointRadius, const QPalette &palette)
{
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(mark.second));
    painter.drawEllipse(mark.first, pointRadius + 1.5, pointRadius + 1.5);
    painter.setPen(QPen(palette.color(QPalette::Text), 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(mark.first, pointRadius + 4, pointRadius + 4);
}

void paintHoveredCell(QPainter &painter, const QRectF &cell, const QPalette &palette)
{
    painter.setPen(QPen(palette.color(QPalette::Text), 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(cell.adjusted(0.75, 0.75, -0.75, -0.75));
}

void paintDragShape(QPainter &painter, const QPolygonF &path, bool rectangle, const QPalette &palette)
{
    const QColor stroke = palette.color(QPalette::Highlight);
    QColor fill = stroke;
    fill.setAlpha(40);
    painter.setPen(QPen(stroke, 1.5));
    painter.setBrush(fill);
    if (rectangle)
        painter.drawRect(QRectF(path.first(), path.last()).normalized());
    else
        painter.drawPolygon(path);
}

void paintBadge(QPainter &painter, const QRect &area, const QString &text, const QPalette &palette)
{
    const QFontMetrics fm = painter.fontMetrics();
    const QRect box(area.left() + 12, area.bottom() + 1 - 12 - fm.height() - 8,
                    fm.horizontalAdvance(text) + 20, fm.height() + 8);
    QColor fill = palette.color(QPalette::Window);
    fill.setAlpha(225);
    QColor border = palette.color(QPalette::Mid);
    border.setAlpha(150);
    painter.setPen(QPen(border, 1));
    painter.setBrush(fill);
    painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    painter.setPen(palette.color(QPalette::WindowText));
    painter.drawText(box, Qt::AlignCenter, text);
}

} // namespace loupe::mapoverlays
