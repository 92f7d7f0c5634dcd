#include "boxedimageview.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <utility>
#include <cmath>

namespace loupe {

BoxedImageView::BoxedImageView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    setMinimumSize(120, 120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void BoxedImageView::setImage(const QImage &image)
{
    m_image = image;
    m_message.clear();
    update();
}

void BoxedImageView::setMessage(const QString &message)
{
    m_image = {};
    m_message = message;
    update();
}

void BoxedImageView::setBoxes(std::vector<OverlayBox> boxes)
{
    m_boxes = std::move(boxes);
    m_hovered = -1;
    m_selected = -1;
    update();
}

void BoxedImageView::setSelectedBox(int box)
{
    m_selected = box >= 0 && size_t(box) < m_boxes.size() ? box : -1;
    update();
}

QPointF BoxedImageView::imageScale() const
{
    const QRectF target = imageRect();
    return target.isEmpty() ? QPointF(1, 1)
                            : QPointF(m_image.width() / target.width(), m_image.height() / target.height());
}

void BoxedImageView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        setSelectedBox(boxAt(event->position()));
        setFocus(Qt::MouseFocusReason);
        m_drag = Drag::None;
        if (m_selected >= 0 && m_boxes[size_t(m_selected)].movable) {
            const Box &b = m_boxes[size_t(m_selected)].box;
            const QPointF corner = toWidget({b.right(), b.bottom()});
            m_drag = QLineF(corner, event->position()).length() <= 8.0 ? Drag::Resize : Drag::Move;
            m_pressPos = event->position();
            m_pressBox = b;
        }
        Q_EMIT boxClicked(m_selected);
    }
    QWidget::mousePressEvent(event);
}

void BoxedImageView::mouseReleaseEvent(QMouseEvent *event)
{
    const Drag drag = std::exchange(m_drag, Drag::None);
    if (drag != Drag::None && m_selected >= 0 && (event->position() - m_pressPos).manhattanLength() >= 3) {
        const Box to = m_boxes[size_t(m_selected)].box;
        Q_EMIT boxMoved(m_selected, to);
    }
    QWidget::mouseReleaseEvent(event);
}

void BoxedImageView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_drag != Drag::None && m_selected >= 0) { // the box follows the mouse, inside the image
        const QPointF scale = imageScale();
        const QPointF moved = event->position() - m_pressPos;
        Box b = m_pressBox;
        if (m_drag == Drag::Move) {
            b.x = std::clamp(b.x + moved.x() * scale.x(), 0.0, std::max(0.0, m_image.width() - b.width));
            b.y = std::clamp(b.y + moved.y() * scale.y(), 0.0, std::max(0.0, m_image.height() - b.height));
        } else {
            b.width = std::clamp(b.width + moved.x() * scale.x(), 1.0, m_image.width() - b.x);
            b.height = std::clamp(b.height + moved.y() * scale.y(), 1.0, m_image.height() - b.y);
        }
        m_boxes[size_t(m_selected)].box = {std::round(b.x), std::round(b.y), std::round(b.width),
                                           std::round(b.height)};
        update();
        return;
    }
    const int box = boxAt(event->position());
    if (box != m_hovered) {
        m_hovered = box;
        update();
    }
    QWidget::mouseMoveEvent(event);
}

void BoxedImageView::leaveEvent(QEvent *event)
{
    if (m_hovered >= 0) {
        m_hovered = -1;
        update();
    }
    QWidget::leaveEvent(event);
}

QRectF BoxedImageView::imageRect() const
{
    if (m_image.isNull())
        return {};
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    double scale = std::min(area.width() / m_image.width(), area.height() / m_image.height());
    if (scale >= 2.0)
        scale = std::floor(scale); // whole pixels: a small image stays sharp
    const QSizeF size(m_image.width() * scale, m_image.height() * scale);
    return QRectF(area.center() - QPointF(size.width() / 2, size.height() / 2), size);
}

QPointF BoxedImageView::toWidget(QPointF imagePoint) const
{
    const QRectF target = imageRect();
    if (target.isEmpty())
        return {};
    return target.topLeft() + QPointF(imagePoint.x() * target.width() / m_image.width(),
                                      imagePoint.y() * target.height() / m_image.height());
}

int BoxedImageView::boxAt(QPointF pos) const
{
    int best = -1;
    double bestArea = 0.0;
    for (size_t i = 0; i < m_boxes.size(); ++i) {
        const Box &b = m_boxes[i].box;
        const QRectF onScreen(toWidget({b.x, b.y}), toWidget({b.right(), b.bottom()}));
        if (onScreen.adjusted(-2, -2, 2, 2).contains(pos) && (best < 0 || b.area() < bestArea)) {
            best = int(i);
            bestArea = b.area();
        }
    }
    return best;
}

void BoxedImageView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    if (m_image.isNull()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const QRectF target = imageRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < m_image.width());
    painter.drawImage(target, m_image);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter.setFont(font);
    const QFontMetricsF metrics(font);
    // Annotations first, predictions over them: the dashed lines stay visible on a shared edge.
    for (const bool dashed : {false, true}) {
        for (size_t i = 0; i < m_boxes.size(); ++i) {
            const OverlayBox &o = m_boxes[i];
            if (o.dashed != dashed)
                continue;
            const bool hovered = int(i) == m_hovered || int(i) == m_selected;
            const QRectF box(toWidget({o.box.x, o.box.y}), toWidget({o.box.right(), o.box.bottom()}));
            if (int(i) == m_selected) { // a white halo: the box the keys act on
                painter.setPen(QPen(Qt::white, 6.0));
                painter.drawRect(box);
            }
            painter.setPen(QPen(o.color, (dashed ? 1.5 : 2.0) + (hovered ? 1.5 : 0.0),
                                dashed ? Qt::DashLine : Qt::SolidLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(box);
            if (o.caption.isEmpty() || (o.captionOnHover && !hovered))
                continue;
            const QRectF label(box.topLeft() - QPointF(0, metrics.height() + 2),
                               QSizeF(metrics.horizontalAdvance(o.caption) + 6, metrics.height() + 2));
            const QRectF placed =
                label.top() < target.top() ? label.translated(0, metrics.height() + 2) : label;
            painter.fillRect(placed, QColor(o.color.red(), o.color.green(), o.color.blue(), 210));
            painter.setPen(o.color.lightnessF() > 0.6 ? Qt::black : Qt::white);
            painter.drawText(placed.adjusted(3, 1, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, o.caption);
        }
    }
}

bool BoxedImageView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int box = boxAt(help->pos());
        if (box < 0)
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), m_boxes[size_t(box)].toolTip, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace loupe
