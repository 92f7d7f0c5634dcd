#include "boxcrop.h"

#include <QImageReader>
#include <QPainter>

#include <algorithm>

namespace loupe {

QImage boxCrop(const QImage &image, const QRectF &box, const QColor &color, QSize size,
               const QRectF &suggested, const QColor &suggestedColor)
{
    if (image.isNull() || box.isEmpty())
        return {};
    const QRect around = box.adjusted(-box.width() / 2, -box.height() / 2, box.width() / 2, box.height() / 2)
                             .toAlignedRect()
                             .intersected(image.rect());
    if (around.isEmpty())
        return {};
    QImage crop = image.copy(around).convertToFormat(QImage::Format_RGB32);
    {
        QPainter painter(&crop);
        const double pen = std::max(1.0, around.width() / 48.0);
        painter.setPen(QPen(color, pen));
        painter.drawRect(box.translated(-around.topLeft()));
        if (!suggested.isEmpty()) {
            painter.setPen(QPen(suggestedColor, pen, Qt::DashLine));
            painter.drawRect(suggested.translated(-around.topLeft()));
        }
    }
    return crop.scaled(size, Qt::KeepAspectRatio,
                       crop.width() < size.width() ? Qt::FastTransformation : Qt::SmoothTransformation);
}

QImage RecentImages::image(const QString &path)
{
    {
        const QMutexLocker lock(&m_mutex);
        const auto found = std::find_if(m_images.begin(), m_images.end(),
                                        [&path](const auto &entry) { return entry.first == path; });
        if (found != m_images.end()) {
            m_images.splice(m_images.begin(), m_images, found);
            return found->second;
        }
    }
    // Decoded outside the lock: two threads may decode the same image at once, which is
    // cheaper than making every other thread wait for one decode.
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage decoded = reader.read();
    const QMutexLocker lock(&m_mutex);
    m_images.emplace_front(path, decoded);
    if (int(m_images.size()) > m_capacity)
        m_images.pop_back();
    return decoded;
}

} // namespace loupe
