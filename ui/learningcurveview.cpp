#include "learningcurveview.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {
const QColor kTrainColor(46, 134, 222);
const QColor kValidationColor(230, 126, 34);
constexpr int kYTicks = 4;

QString formatLoss(double value)
{
    return QString::number(value, 'f', value < 1.0 ? 3 : 2);
}
} // namespace

LearningCurveView::LearningCurveView(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void LearningCurveView::setHistory(std::vector<EpochLoss> history)
{
    m_history = std::move(history);
    update();
}

int LearningCurveView::bestValidationEpoch() const
{
    int best = 0;
    double lowest = INFINITY;
    for (const EpochLoss &epoch : m_history) {
        if (std::isfinite(epoch.validationLoss) && epoch.validationLoss < lowest) {
            lowest = epoch.validationLoss;
            best = epoch.epoch;
        }
    }
    return best;
}

QSize LearningCurveView::sizeHint() const
{
    return {360, 220};
}

QSize LearningCurveView::minimumSizeHint() const
{
    return {200, 120};
}

LearningCurveView::Range LearningCurveView::lossRange() const
{
    Range range{INFINITY, -INFINITY};
    for (const EpochLoss &epoch : m_history) {
        for (double loss : {epoch.trainLoss, epoch.validationLoss}) {
            if (std::isfinite(loss)) {
                range.low = std::min(range.low, loss);
                range.high = std::max(range.high, loss);
            }
        }
    }
    if (!std::isfinite(range.low))
        return {};
    // Some air above and below, and never a zero-height range.
    const double pad = std::max((range.high - range.low) * 0.08, 1e-3);
    return {std::max(0.0, range.low - pad), range.high + pad};
}

QRect LearningCurveView::plotRect() const
{
    const QFontMetrics metrics = fontMetrics();
    const int left = metrics.horizontalAdvance(QStringLiteral("0.000")) + 14;
    const int bottom = 2 * metrics.height() + 8;
    return rect().adjusted(left, metrics.height() + 8, -12, -bottom);
}

QPointF LearningCurveView::toWidget(const QRect &plot, const Range &range, double epoch, double loss) const
{
    const double first = m_history.front().epoch;
    const double last = std::max(double(m_history.back().epoch), first + 1.0);
    const double x = plot.left() + (epoch - first) / (last - first) * plot.width();
    const double y = plot.bottom() - (loss - range.low) / (range.high - range.low) * plot.height();
    return {x, y};
}

void LearningCurveView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    painter.setRenderHint(QPainter::Antialiasing);
    if (m_history.empty()) {
        painter.setPen(palette().placeholderText().color());
        painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("This run has no training history.\nImport a history.csv with the predictions "
                            "(epoch, train_loss, val_loss) to see its learning curve."));
        return;
    }
    const QRect plot = plotRect();
    const Range range = lossRange();
    paintAxes(painter, plot, range);
    paintBestEpoch(painter, plot);
    paintCurve(painter, plot, range, false, kTrainColor);
    paintCurve(painter, plot, range, true, kValidationColor);
    paintLegend(painter, plot);
}

void LearningCurveView::paintAxes(QPainter &painter, const QRect &plot, const Range &range) const
{
    const QColor grid = palette().mid().color();
    const QColor text = palette().text().color();
    const QFontMetrics metrics = fontMetrics();
    for (int i = 0; i <= kYTicks; ++i) {
        const double loss = range.low + (range.high - range.low) * i / kYTicks;
        const int y = int(std::lround(plot.bottom() - double(plot.height()) * i / kYTicks));
        painter.setPen(QPen(grid, 0.5, i == 0 ? Qt::SolidLine : Qt::DotLine));
        painter.drawLine(plot.left(), y, plot.right(), y);
        painter.setPen(text);
        painter.drawText(QRect(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, formatLoss(loss));
    }
    // Epoch ticks: every epoch when they fit, else every k-th.
    const int first = m_history.front().epoch;
    const int last = m_history.back().epoch;
    const int labelWidth = metrics.horizontalAdvance(QString::number(last)) + 12;
    const int step =
        std::max(1, int(std::ceil(double(last - first + 1) * labelWidth / std::max(1, plot.width()))));
    for (int epoch = first; epoch <= last; epoch += step) {
        const QPointF at = toWidget(plot, range, epoch, range.low);
        painter.setPen(QPen(grid, 0.5));
        painter.drawLine(QPointF(at.x(), plot.bottom()), QPointF(at.x(), plot.bottom() + 3));
        painter.setPen(text);
        painter.drawText(QRectF(at.x() - labelWidth / 2.0, plot.bottom() + 4, labelWidth, metrics.height()),
                         Qt::AlignHCenter | Qt::AlignTop, QString::number(epoch));
    }
    painter.drawText(QRect(plot.left(), plot.bottom() + 4 + metrics.height(), plot.width(), metrics.height()),
                     Qt::AlignHCenter, tr("epoch"));
    painter.drawText(QRect(4, 2, plot.right(), metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("loss"));
}

void LearningCurveView::paintCurve(QPainter &painter, const QRect &plot, const Range &range, bool validation,
                                   const QColor &color) const
{
    QPainterPath path;
    bool drawing = false;
    std::vector<QPointF> points;
    for (const EpochLoss &epoch : m_history) {
        const double loss = validation ? epoch.validationLoss : epoch.trainLoss;
        if (!std::isfinite(loss)) {
            drawing = false; // an epoch without validation breaks the line rather than bridging it
            continue;
        }
        const QPointF point = toWidget(plot, range, epoch.epoch, loss);
        drawing ? path.lineTo(point) : path.moveTo(point);
        drawing = true;
        points.push_back(point);
    }
    painter.setPen(QPen(color, 2.0));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(path);
    painter.setBrush(color);
    painter.setPen(Qt::NoPen);
    if (points.size() <= 60) {
        for (const QPointF &point : points)
            painter.drawEllipse(point, 2.5, 2.5);
    }
}

void LearningCurveView::paintBestEpoch(QPainter &painter, const QRect &plot) const
{
    const int best = bestValidationEpoch();
    if (best == 0)
        return;
    const double x = toWidget(plot, {}, best, 0.0).x();
    painter.setPen(QPen(kValidationColor, 1.0, Qt::DashLine));
    painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    painter.setPen(palette().text().color());
    const QString text = tr("lowest validation loss: epoch %1").arg(best);
    const int width = fontMetrics().horizontalAdvance(text) + 8;
    const bool fitsRight = x + width < plot.right();
    painter.drawText(QRectF(fitsRight ? x + 4 : x - width, plot.top(), width - 4, fontMetrics().height()),
                     fitsRight ? Qt::AlignLeft : Qt::AlignRight, text);
}

void LearningCurveView::paintLegend(QPainter &painter, const QRect &plot) const
{
    const QFontMetrics metrics = fontMetrics();
    const QStringList names{tr("training"), tr("validation")};
    int x = plot.right() - 8;
    for (int i = int(names.size()) - 1; i >= 0; --i) {
        const int width = metrics.horizontalAdvance(names[i]);
        x -= width;
        const int y = plot.top() - metrics.height() - 4;
        painter.setPen(palette().text().color());
        painter.drawText(QRect(x, y, width, metrics.height()), Qt::AlignVCenter, names[i]);
        painter.setPen(QPen(i == 0 ? kTrainColor : kValidationColor, 2.5));
        painter.drawLine(x - 20, y + metrics.height() / 2, x - 6, y + metrics.height() / 2);
        x -= 32;
    }
}

} // namespace loupe
