#pragma once

#include <QColor>
#include <QImage>
#include <QMutex>
#include <QRectF>
#include <QSize>
#include <QString>

#include <list>
#include <utility>

namespace loupe {

/**
 * The box cut from image with a margin of half its size on each side (clipped to the image),
 * the box outlined in color and, when given, a second box (a suggested place) dashed in
 * suggestedColor; scaled to fit size, crisp when enlarged. What a box looks like in a list:
 * the object and enough around it to judge its box.
 */
QImage boxCrop(const QImage &image, const QRectF &box, const QColor &color, QSize size,
               const QRectF &suggested = {}, const QColor &suggestedColor = {});

/**
 * The last few images decoded, shared by the threads that cut boxes from them: a scene holds
 * several boxes, and the grid shows them side by side, so each image is decoded once, not once
 * per box. Thread-safe; a null image when the file cannot be read.
 */
class RecentImages
{
public:
    explicit RecentImages(int capacity = 12) : m_capacity(capacity) {}

    QImage image(const QString &path);

private:
    QMutex m_mutex;
    std::list<std::pair<QString, QImage>> m_images; // most recent first
    int m_capacity;
};

} // namespace loupe
