#include "mapdrag.h"

#include "mapoverlays.h"

#include <QLineF>

namespace loupe {

namespace {

constexpr qreal kLassoStep = 2; // logical pixels between recorded lasso vertices

} // namespace

MapDrag MapDrag::press(QPointF pos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers, Kind tool)
{
    const bool shift = modifiers & Qt::ShiftModifier, ctrl = modifiers & Qt::ControlModifier,
               alt = modifiers & Qt::AltModifier;
    MapDrag drag;
    drag.m_pressPos = pos;
    drag.m_modifiers = modifiers;
    drag.m_path = QPolygonF{pos};
    drag.m_op = alt ? SelectionOp::Subtract : SelectionOp::Replace;
    if (button == Qt::MiddleButton) {
        drag.m_kind = Kind::Pan;
    } else if (tool == Kind::Pan) {
        drag.m_kind = ctrl ? Kind::Lasso : shift ? Kind::Rectangle : Kind::Pan;
        if (ctrl && shift && !alt)
            drag.m_op = SelectionOp::Add;
    } else {
        drag.m_kind = tool == Kind::Rectangle ? Kind::Rectangle : Kind::Lasso;
        if ((shift || ctrl) && !alt)
            drag.m_op = SelectionOp::Add;
    }
    return drag;
}

bool MapDrag::moveTo(QPointF pos, int startDistance)
{
    if (!m_moved && (pos - m_pressPos).manhattanLength() >= startDistance)
        m_moved = true;
    if (!m_moved)
        return false;
    switch (m_kind) {
    case Kind::Rectangle:
        m_path = QPolygonF{m_pressPos, pos};
        return true;
    case Kind::Lasso:
        if (QLineF(m_path.last(), pos).length() < kLassoStep)
            return false;
        m_path << pos;
        return true;
    case Kind::Pan:
    case Kind::None:
        return false;
    }
    return false;
}

QRectF MapDrag::rectangle(QPointF releasePos) const
{
    return QRectF(m_pressPos, releasePos).normalized();
}

QPolygonF MapDrag::lasso(QPointF releasePos) const
{
    QPolygonF closed = m_path;
    if (closed.isEmpty() || releasePos != closed.last())
        closed << releasePos;
    return closed;
}

bool MapDrag::encloses(QPointF pos, QPointF releasePos) const
{
    if (m_kind == Kind::Rectangle)
        return rectangle(releasePos).contains(pos);
    return m_kind == Kind::Lasso && lasso(releasePos).containsPoint(pos, Qt::OddEvenFill);
}

void MapDrag::paint(QPainter &painter, const QPalette &palette) const
{
    if (!m_moved || !isSelecting() || m_path.isEmpty())
        return;
    mapoverlays::paintDragShape(painter, m_path, m_kind == Kind::Rectangle, palette);
}

} // namespace loupe
