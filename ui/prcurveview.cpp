#include "prcurveview.h"

#include <QPainter>
#include <QPainterPath>

#include <numeric>

namespace loupe {

PrCurveView::PrCurveView(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void PrCurveView::setCurve(const QString &title, std::vector<double> precision)
{
    m_title = title;
    m_precision = std::move(precision);
    update();
}

void PrCurveView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics = fontMetrics();
    const QColor text = palette().color(QPalette::WindowText);
    const QColor dim = palette().color(QPalette::PlaceholderText);
    const QRectF plot = QRectF(rect()).adjusted(metrics.horizontalAdvance(QStringLiteral("0.0")) + 12,
                                                metrics.height() + 8, -10, -(metrics.height() + 10));
    if (plot.width() < 20 || plot.height() < 20)
        return;
    painter.setPen(QPen(dim, 1));
    painter.drawRect(plot);
    for (const double tick : {0.0, 0.5, 1.0}) {
        const double x = plot.left() + tick * plot.width(), y = plot.bottom() - tick * plot.height();
        painter.drawText(QPointF(x - metrics.horizontalAdvance(QStringLiteral("0.5")) / 2.0,
                                 plot.bottom() + metrics.ascent() + 3),
                         QString::number(tick, 'f', 1));
        painter.drawText(QPointF(plot.left() - metrics.horizontalAdvance(QStringLiteral("0.0")) - 6,
                                 y + metrics.ascent() / 2.0),
                         QString::number(tick, 'f', 1));
    }
    painter.setPen(text);
    if (m_precision.size() < 2) {
        painter.drawText(plot, Qt::AlignCenter,
                         m_title.isEmpty() ? tr("No class selected") : tr("Nothing to find"));
        return;
    }
    const double ap =
        std::accumulate(m_precision.begin(), m_precision.end(), 0.0) / double(m_precision.size());
    painter.drawText(QPointF(plot.left(), metrics.ascent() + 2),
                     tr("%1: precision against recall at IoU 0.5 (AP50 %2)").arg(m_title).arg(ap, 0, 'f', 3));
    QPainterPath curve;
    for (size_t i = 0; i < m_precision.size(); ++i) {
        const QPointF point(plot.left() + plot.width() * double(i) / double(m_precision.size() - 1),
                            plot.bottom() - plot.height() * m_precision[i]);
        if (i == 0)
            curve.moveTo(point);
        else
            curve.lineTo(point);
    }
    QPainterPath area = curve;
    area.lineTo(plot.bottomRight());
    area.lineTo(plot.bottomLeft());
    area.closeSubpath();
    const QColor accent = palette().color(QPalette::Highlight);
    painter.fillPath(area, QColor(accent.red(), accent.green(), accent.blue(), 50));
    painter.setPen(QPen(accent, 2));
    painter.drawPath(curve);
}

} // namespace loupe
