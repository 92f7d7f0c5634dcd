#pragma once

#include "detection/box.h"

#include <QColor>
#include <QImage>
#include <QWidget>

#include <vector>

namespace loupe {

/** A box to draw over an image, in the image's pixels. */
struct OverlayBox
{
    Box box;
    QString caption; ///< drawn at its top-left corner ("dog 0.87")
    QColor color;
    bool dashed = false;         ///< a prediction; annotations are solid
    QString toolTip;             ///< shown on hover
    bool captionOnHover = false; ///< the caption only while the box is hovered (many boxes overlap)
    bool movable = false;        ///< dragging moves it, its bottom-right corner resizes it
};

/**
 * An image scaled to fit (enlarged by whole pixels when small, so pixels stay sharp), with
 * boxes drawn over it in their own colors and captions; hovering a box shows its tooltip (the
 * smallest box under the cursor wins, so a box inside another can be reached).
 */
class BoxedImageView final : public QWidget
{
    Q_OBJECT

public:
    explicit BoxedImageView(QWidget *parent = nullptr);

    void setImage(const QImage &image);
    /** Text shown instead of an image (a missing file); clears the image. */
    void setMessage(const QString &message);
    void setBoxes(std::vector<OverlayBox> boxes);
    const std::vector<OverlayBox> &boxes() const { return m_boxes; }

    /** Where the image is drawn, in widget coordinates (empty without an image). */
    QRectF imageRect() const;
    /** Widget position of an image point. */
    QPointF toWidget(QPointF imagePoint) const;
    /** The smallest box containing the widget position pos, or -1. */
    int boxAt(QPointF pos) const;
    /** The box under the mouse, or -1. */
    int hoveredBox() const { return m_hovered; }
    /** The box clicked last (drawn with a white halo), or -1; setBoxes() clears it. */
    int selectedBox() const { return m_selected; }
    void setSelectedBox(int box);

Q_SIGNALS:
    /** The user clicked box (-1: nothing). */
    void boxClicked(int box);
    /** The user dragged a movable box to a new place or size (image pixels). */
    void boxMoved(int box, const loupe::Box &to);

public:
    QSize sizeHint() const override { return {320, 240}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    QImage m_image;
    QString m_message;
    std::vector<OverlayBox> m_boxes;
    /** Image pixels per widget pixel along x and y. */
    QPointF imageScale() const;

    int m_hovered = -1;
    int m_selected = -1;
    enum class Drag { None, Move, Resize };
    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    Box m_pressBox;
};

} // namespace loupe
