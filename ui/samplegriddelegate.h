#pragma once

#include <QStyledItemDelegate>

namespace loupe {

/**
 * Paints one grid tile: the thumbnail (or a placeholder while it decodes), the given
 * label, the prediction with its confidence (red when it disagrees with the label)
 * a marker on edited samples and the review mark (reviewed, ambiguous; excluded tiles
 * are dimmed). Everything comes from SampleGridModel roles; the box grid's model gives the
 * same roles, with a caption line of its own (CaptionRole).
 */
class SampleGridDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SampleGridDelegate)

public:
    explicit SampleGridDelegate(QObject *parent = nullptr);

    void setImageSize(int pixels);
    int imageSize() const { return m_imageSize; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    static void paintIssueBadge(QPainter *painter, const QRect &imageRect, const QFont &font, double score);
    static void paintReviewMark(QPainter *painter, const QRect &imageRect, const QFont &font, int status);

    int m_imageSize = 112;
};

} // namespace loupe
