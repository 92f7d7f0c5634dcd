#include "clusterstripdelegate.h"

#include "thumbnailcache.h"

#include <QPainter>

namespace loupe {

ClusterStripDelegate::ClusterStripDelegate(ThumbnailCache &thumbnails, QObject *parent)
    : QStyledItemDelegate(parent), m_thumbnails(thumbnails)
{
}

void ClusterStripDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, QModelIndex()); // background and selection only
    const QList<qint64> samples = index.data(kSamplesRole).value<QList<qint64>>();
    const QList<bool> errors = index.data(kErrorsRole).value<QList<bool>>();
    painter->save();
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    const int top = option.rect.top() + (option.rect.height() - kTileSize) / 2;
    int left = option.rect.left() + kGap;
    for (qsizetype i = 0; i < samples.size() && left + kTileSize <= option.rect.right(); ++i) {
        const QRect tile(left, top, kTileSize, kTileSize);
        const QImage image = m_thumbnails.thumbnail(samples[i]);
        if (image.isNull()) {
            m_missing.insert(samples[i]);
            painter->fillRect(tile, option.palette.midlight());
        } else {
            m_missing.remove(samples[i]);
            const QSize fitted = image.size().scaled(tile.size(), Qt::KeepAspectRatio);
            const QRect target(tile.center() - QPoint(fitted.width() / 2, fitted.height() / 2), fitted);
            painter->fillRect(tile, Qt::black);
            painter->drawImage(target, image);
        }
        const bool error = errors.value(i);
        painter->setPen(QPen(error ? QColor(214, 39, 40) : option.palette.mid().color(), error ? 2 : 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(tile.adjusted(0, 0, -1, -1));
        left += kTileSize + kGap;
    }
    painter->restore();
}

QSize ClusterStripDelegate::sizeHint(const QStyleOptionViewItem &, const QModelIndex &index) const
{
    const qsizetype tiles = index.data(kSamplesRole).value<QList<qint64>>().size();
    return {int(tiles) * (kTileSize + kGap) + kGap, kTileSize + 2 * kGap};
}

} // namespace loupe
