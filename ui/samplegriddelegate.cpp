#include "samplegriddelegate.h"

#include "edits/reviewrepository.h"
#include "samplegridmodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {
constexpr int kPadding = 6;
const QColor kErrorColor(214, 69, 65);
const QColor kEditedColor(46, 134, 222);
const QColor kReviewedColor(39, 174, 96);
const QColor kAmbiguousColor(230, 145, 56);
const QColor kExcludedColor(127, 140, 141);
} // namespace

SampleGridDelegate::SampleGridDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void SampleGridDelegate::setImageSize(int pixels)
{
    m_imageSize = pixels;
}

QSize SampleGridDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const int lineHeight = option.fontMetrics.height();
    return {m_imageSize + 2 * kPadding, m_imageSize + 2 * kPadding + 2 * lineHeight + 2};
}

void SampleGridDelegate::paintIssueBadge(QPainter *painter, const QRect &imageRect, const QFont &font,
                                         double score)
{
    // A red pill with the issue score: likely label errors stand out while scrolling.
    QFont small = font;
    small.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.8));
    small.setBold(true);
    const QString text = QStringLiteral("!%1").arg(std::lround(score * 100.0));
    const QFontMetrics metrics(small);
    const QRect badge(imageRect.left() + 3, imageRect.top() + 3, metrics.horizontalAdvance(text) + 8,
                      metrics.height() + 2);
    painter->setPen(Qt::NoPen);
    painter->setBrush(kErrorColor);
    painter->drawRoundedRect(badge, badge.height() / 2.0, badge.height() / 2.0);
    painter->setFont(small);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, text);
}

void SampleGridDelegate::paintReviewMark(QPainter *painter, const QRect &imageRect, const QFont &font,
                                         int status)
{
    QColor color;
    QString glyph;
    switch (ReviewStatus(status)) {
    case ReviewStatus::Reviewed:
        color = kReviewedColor;
        glyph = QStringLiteral("✓");
        break;
    case ReviewStatus::Ambiguous:
        color = kAmbiguousColor;
        glyph = QStringLiteral("?");
        break;
    case ReviewStatus::Excluded:
        color = kExcludedColor;
        glyph = QStringLiteral("✕");
        break;
    case ReviewStatus::None:
        return;
    }
    QFont bold = font;
    bold.setBold(true);
    const int size = QFontMetrics(bold).height() + 2;
    const QRect mark(imageRect.right() - size - 2, imageRect.bottom() - size - 2, size, size);
    painter->setPen(QPen(Qt::white, 1.5));
    painter->setBrush(color);
    painter->drawEllipse(mark);
    painter->setFont(bold);
    painter->drawText(mark, Qt::AlignCenter, glyph);
}

void SampleGridDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    painter->save();
    const QPalette &palette = option.palette;
    const QRect tile = option.rect.adjusted(2, 2, -2, -2);
    const bool selected = option.state & QStyle::State_Selected;
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(selected ? QPen(palette.highlight().color(), 2) : QPen(palette.mid().color(), 1));
    painter->setBrush(selected ? palette.highlight().color().lighter(selected ? 170 : 100)
                               : palette.base().color());
    if (selected && palette.base().color().lightness() < 128)
        painter->setBrush(palette.highlight().color().darker(150));
    painter->drawRoundedRect(tile, 4, 4);

    const QRect imageRect(tile.left() + kPadding - 2, tile.top() + kPadding - 2, m_imageSize, m_imageSize);
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    if (image.isNull()) {
        painter->fillRect(imageRect, palette.alternateBase());
    } else {
        const QSize size = image.size().scaled(imageRect.size(), Qt::KeepAspectRatio);
        const QRect target(imageRect.center() - QPoint(size.width() / 2, size.height() / 2), size);
        painter->drawImage(target, image);
    }

    const int review = index.data(SampleGridModel::ReviewRole).toInt();
    if (ReviewStatus(review) == ReviewStatus::Excluded) {
        // Washed out: still findable, clearly out of the data.
        QColor veil = palette.base().color();
        veil.setAlpha(170);
        painter->fillRect(imageRect, veil);
    }
    paintReviewMark(painter, imageRect, option.font, review);

    const bool edited = index.data(SampleGridModel::EditedRole).toBool();
    if (edited) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(kEditedColor);
        painter->drawEllipse(QRect(imageRect.right() - 12, imageRect.top() + 2, 10, 10));
    }

    if (index.data(SampleGridModel::IsIssueRole).toBool())
        paintIssueBadge(painter, imageRect, option.font,
                        index.data(SampleGridModel::IssueScoreRole).toDouble());

    const QFontMetrics metrics = option.fontMetrics;
    const int textWidth = tile.width() - 2 * kPadding + 4;
    QRect line(tile.left() + kPadding - 2, imageRect.bottom() + 3, textWidth, metrics.height());
    const QString label = index.data(SampleGridModel::LabelRole).toString();
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(edited ? kEditedColor : palette.text().color());
    painter->drawText(
        line, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetrics(bold).elidedText(label.isEmpty() ? tr("unlabeled") : label, Qt::ElideRight, textWidth));

    const QString caption = index.data(SampleGridModel::CaptionRole).toString();
    if (!caption.isEmpty()) {
        painter->setFont(option.font);
        painter->setPen(index.data(SampleGridModel::IsErrorRole).toBool()
                            ? kErrorColor
                            : palette.placeholderText().color());
        line.translate(0, metrics.height());
        painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                          metrics.elidedText(caption, Qt::ElideRight, textWidth));
    }
    const QString predicted = index.data(SampleGridModel::PredictedRole).toString();
    if (caption.isEmpty() && !predicted.isEmpty()) {
        const double confidence = index.data(SampleGridModel::ConfidenceRole).toDouble();
        const bool wrong = index.data(SampleGridModel::IsErrorRole).toBool();
        painter->setFont(option.font);
        painter->setPen(wrong ? kErrorColor : palette.placeholderText().color());
        line.translate(0, metrics.height());
        const QString text = QStringLiteral("%1 %2%").arg(predicted).arg(std::lround(confidence * 100.0));
        painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                          metrics.elidedText(QStringLiteral("→ ") + text, Qt::ElideMiddle, textWidth));
    }
    painter->restore();
}

} // namespace loupe
