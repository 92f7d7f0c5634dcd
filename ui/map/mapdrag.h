#pragma once

#include "mapselection.h"

#include <QPointF>
#include <QPolygonF>
#include <QRectF>

class QPainter;
class QPalette;

namespace loupe {

/**
 * One mouse drag on the map, from the press to the release: what it does (pan, or a
 * rectangle or lasso selection), how a selection combines with the current one, and the
 * shape drawn so far, in widget coordinates. The view maps the shape to data coordinates.
 */
class MapDrag
{
public:
    enum class Kind { None, Pan, Rectangle, Lasso };

    /** No drag. */
    MapDrag() = default;

    /**
     * A drag starting at pos. Its kind and combination are fixed here: the middle button
     * pans; the left button does what tool (Pan, Rectangle or Lasso) does, except that with
     * the Pan tool Shift draws a rectangle and Ctrl a lasso. Alt subtracts from the
     * selection; Shift or Ctrl with a selection tool (Ctrl+Shift with Pan) adds to it;
     * otherwise the selection is replaced.
     */
    static MapDrag press(QPointF pos, Qt::MouseButton button, Qt::KeyboardModifiers modifiers, Kind tool);

    Kind kind() const { return m_kind; }
    bool isActive() const { return m_kind != Kind::None; }
    bool isSelecting() const { return m_kind == Kind::Rectangle || m_kind == Kind::Lasso; }
    /** Whether the cursor has gone past the drag distance: until then a release is a click. */
    bool hasMoved() const { return m_moved; }
    QPointF pressPos() const { return m_pressPos; }
    Qt::KeyboardModifiers modifiers() const { return m_modifiers; }
    SelectionOp op() const { return m_op; }

    /**
     * Follows the cursor once it is startDistance (Manhattan) from the press. Returns true
     * when the drawn shape changed (a repaint is due).
     */
    bool moveTo(QPointF pos, int startDistance);

    /** The rectangle from the press to releasePos. */
    QRectF rectangle(QPointF releasePos) const;
    /** The lasso closed at releasePos. */
    QPolygonF lasso(QPointF releasePos) const;
    /** Whether a widget position is inside the rectangle or lasso ended at releasePos. */
    bool encloses(QPointF pos, QPointF releasePos) const;

    /** The rectangle or lasso drawn so far; nothing before the drag has moved. */
    void paint(QPainter &painter, const QPalette &palette) const;

private:
    Kind m_kind = Kind::None;
    SelectionOp m_op = SelectionOp::Replace;
    Qt::KeyboardModifiers m_modifiers;
    QPointF m_pressPos;
    QPolygonF m_path; // the rectangle's corners or the lasso's vertices
    bool m_moved = false;
};

} // namespace loupe
