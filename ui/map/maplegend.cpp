#include "maplegend.h"

#include <algorithm>

#include <QFontMetrics>
#include <QLinearGradient>
#include <QPainter>
#include <QPalette>

namespace loupe {

namespace {
constexpr int kMargin = 12;   // from the widget's edges
constexpr int kPadding = 10;  // inside the panel
constexpr int kSwatchGap = 8; // between swatch and name
constexpr int kMaxNameWidth = 220;
constexpr int kColorBarWidth = 160;
constexpr int kColorBarHeight = 10;
constexpr int kGradientStops = 16;
} // namespace

void MapLegend::setEntries(const QList<MapLegendEntry> &entries, const QString &title)
{
    m_entries = entries;
    m_title = title;
}

void MapLegend::setColorBar(Colormap map, float low, float high)
{
    m_hasColorBar = true;
    m_colormap = map;
    m_low = low;
    m_high = high;
}

void MapLegend::clearColorBar()
{
    m_hasColorBar = false;
}

bool MapLegend::isEmpty() const
{
    return m_entries.isEmpty() && m_title.isEmpty() && !m_hasColorBar;
}

void MapLegend::paint(QPainter &painter, const QRect &area, const QPalette &palette) const
{
    if (isEmpty())
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    QFont titleFont = painter.font();
    titleFont.setBold(true);
    const QFontMetrics fm(painter.font()), titleFm(titleFont);
    const int rowHeight = fm.height() + 4;
    const int swatch = std::max(8, fm.height() * 6 / 10);
    const int titleHeight = m_title.isEmpty() ? 0 : titleFm.height() + 6;
    const int barHeight = m_hasColorBar ? kColorBarHeight + fm.height() + 8 : 0;

    // How many rows fit; the rest become one "+N more" row.
    const int room = area.height() - 2 * kMargin - 2 * kPadding - titleHeight - barHeight;
    const int fitting = std::max(1, room / rowHeight);
    const qsizetype total = m_entries.size();
    const qsizetype shown = total <= fitting ? total : fitting - 1;
    const QString more = total > shown ? tr("+%1 more").arg(total - shown) : QString();

    int contentWidth = titleFm.horizontalAdvance(m_title);
    for (qsizetype i = 0; i < shown; ++i)
        contentWidth =
            std::max(contentWidth,
                     swatch + kSwatchGap + std::min(kMaxNameWidth, fm.horizontalAdvance(m_entries[i].name)));
    if (!more.isEmpty())
        contentWidth = std::max(contentWidth, swatch + kSwatchGap + fm.horizontalAdvance(more));
    if (m_hasColorBar)
        contentWidth = std::max(contentWidth, kColorBarWidth);
    const int rows = int(shown) + (more.isEmpty() ? 0 : 1);
    const int height = titleHeight + rows * rowHeight + barHeight - (rows && !m_hasColorBar ? 4 : 0);
    const QRect panel(area.right() - kMargin - contentWidth - 2 * kPadding, area.top() + kMargin,
                      contentWidth + 2 * kPadding, height + 2 * kPadding);

    QColor fill = palette.color(QPalette::Window);
    fill.setAlpha(225);
    QColor border = palette.color(QPalette::Mid);
    border.setAlpha(150);
    painter.setPen(QPen(border, 1));
    painter.setBrush(fill);
    painter.drawRoundedRect(QRectF(panel).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);

    const QColor text = palette.color(QPalette::WindowText);
    int y = panel.top() + kPadding;
    const int x = panel.left() + kPadding;
    if (!m_title.isEmpty()) {
        const QFont font = painter.font();
        painter.setFont(titleFont);
        painter.setPen(text);
        painter.drawText(QRect(x, y, contentWidth, titleFm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         m_title);
        painter.setFont(font);
        y += titleHeight;
    }
    for (qsizetype i = 0; i < shown; ++i) {
        const MapLegendEntry &entry = m_entries[i];
        const QRectF dot(x, y + (rowHeight - 4 - swatch) / 2.0, swatch, swatch);
        painter.setPen(QPen(entry.color.darker(130), 1));
        painter.setBrush(entry.color);
        painter.drawEllipse(dot.adjusted(0.5, 0.5, -0.5, -0.5));
        painter.setPen(text);
        const QString name = fm.elidedText(entry.name, Qt::ElideRight, kMaxNameWidth);
        painter.drawText(QRect(x + swatch + kSwatchGap, y, contentWidth - swatch - kSwatchGap, rowHeight - 4),
                         Qt::AlignLeft | Qt::AlignVCenter, name);
        y += rowHeight;
    }
    if (!more.isEmpty()) {
        painter.setPen(palette.color(QPalette::PlaceholderText));
        painter.drawText(QRect(x + swatch + kSwatchGap, y, contentWidth, rowHeight - 4),
                         Qt::AlignLeft | Qt::AlignVCenter, more);
        y += rowHeight;
    }
    if (m_hasColorBar) {
        y += 4;
        const QRect bar(x, y, contentWidth, kColorBarHeight);
        QLinearGradient gradient(bar.topLeft(), bar.topRight());
        const auto &table = colormaps::table(m_colormap);
        for (int s = 0; s < kGradientStops; ++s)
            gradient.setColorAt(s / double(kGradientStops - 1),
                                QColor(table[s * 255 / (kGradientStops - 1)]));
        painter.setPen(Qt::NoPen);
        painter.setBrush(gradient);
        painter.drawRoundedRect(bar, 2, 2);
        painter.setPen(text);
        const QRect labels(x, bar.bottom() + 3, contentWidth, fm.height());
        painter.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, QString::number(m_low, 'g', 3));
        painter.drawText(labels, Qt::AlignRight | Qt::AlignVCenter, QString::number(m_high, 'g', 3));
    }
    painter.restore();
}

} // namespace loupe
