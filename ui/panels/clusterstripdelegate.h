#pragma once

#include <QSet>
#include <QStyledItemDelegate>

namespace loupe {

class ThumbnailCache;

/**
 * Paints a row's strip of example images (the cluster's most typical members, then its
 * worst errors) from the ThumbnailCache, each framed red when the model gets it wrong.
 * The cell's data: kSamplesRole a QList<qint64>, kErrorsRole a QList<bool> of the same length.
 * Thumbnails not decoded yet are requested and drawn as placeholders; the panel repaints
 * when they arrive.
 */
class ClusterStripDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    static constexpr int kSamplesRole = Qt::UserRole + 10;
    static constexpr int kErrorsRole = Qt::UserRole + 11;
    static constexpr int kTileSize = 44;
    static constexpr int kGap = 3;

    explicit ClusterStripDelegate(ThumbnailCache &thumbnails, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /** Whether every thumbnail painted was there the last time it was painted (false: some are decoding). */
    bool lastPaintComplete() const { return m_missing.isEmpty(); }

    /** The rows changed: thumbnails missing from earlier rows no longer count. */
    void forgetMissing() { m_missing.clear(); }

private:
    ThumbnailCache &m_thumbnails;
    mutable QSet<qint64> m_missing;
};

} // namespace loupe
