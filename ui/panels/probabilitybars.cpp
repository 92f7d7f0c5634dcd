#include "probabilitybars.h"
#include "common/numberformat.h"

#include <algorithm>
#include <numeric>

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace loupe {

namespace {

constexpr int kGap = 8;
constexpr int kMargin = 4;
// Amber reads as "the label in question" on light and dark palettes alike.
const QColor kGivenColor(226, 140, 36);

QColor mix(const QColor &a, const QColor &b, double share)
{
    return QColor::fromRgbF(float(a.redF() * share + b.redF() * (1 - share)),
                            float(a.greenF() * share + b.greenF() * (1 - share)),
                            float(a.blueF() * share + b.blueF() * (1 - share)));
}

} // namespace

ProbabilityBars::ProbabilityBars(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ProbabilityBars::setProbabilities(const std::vector<float> &probabilities, const QStringList &classNames,
                                       int given, int predicted)
{
    m_probabilities = probabilities;
    m_classNames = classNames;
    m_given = given;
    m_predicted = predicted;
    m_message.clear();
    chooseBars();
    updateGeometry();
    update();
}

void ProbabilityBars::clear(const QString &message)
{
    m_probabilities.clear();
    m_bars.clear();
    m_given = m_predicted = -1;
    m_message = message;
    updateGeometry();
    update();
}

void ProbabilityBars::chooseBars()
{
    std::vector<int> order(m_probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable, so equal probabilities keep class order.
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
        return m_probabilities[size_t(a)] > m_probabilities[size_t(b)];
    });
    if (order.size() > size_t(kAllClassesUpTo)) {
        const bool givenShown =
            std::find(order.begin(), order.begin() + kTopCount, m_given) != order.begin() + kTopCount;
        order.resize(size_t(kTopCount));
        if (!givenShown && m_given >= 0 && m_given < int(m_probabilities.size()))
            order.push_back(m_given);
    }
    m_bars.clear();
    for (const int c : order)
        m_bars.push_back({c, m_probabilities[size_t(c)]});
}

int ProbabilityBars::rowHeight() const
{
    return fontMetrics().height() + 6;
}

int ProbabilityBars::nameWidth() const
{
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    int widest = 0;
    for (const Bar &bar : m_bars)
        widest = std::max(widest, metrics.horizontalAdvance(m_classNames.value(bar.classIndex)));
    // Long class names are elided rather than squeezing the bars away.
    return std::min(widest, std::max(60, width() * 2 / 5));
}

int ProbabilityBars::valueWidth() const
{
    return fontMetrics().horizontalAdvance(QStringLiteral("100.0%"));
}

QSize ProbabilityBars::sizeHint() const
{
    const int legend = m_bars.empty() ? 0 : rowHeight();
    const int rows = m_bars.empty() ? 1 : int(m_bars.size());
    return {320, 2 * kMargin + rows * rowHeight() + legend};
}

QSize ProbabilityBars::minimumSizeHint() const
{
    return {160, sizeHint().height()};
}

QColor ProbabilityBars::barColor(int classIndex) const
{
    if (classIndex == m_predicted)
        return palette().color(QPalette::Highlight);
    if (classIndex == m_given)
        return kGivenColor;
    return mix(palette().color(QPalette::Text), palette().color(QPalette::Base), 0.45);
}

void ProbabilityBars::paintBar(QPainter &painter, int row, const Bar &bar) const
{
    const int top = kMargin + row * rowHeight();
    const int names = nameWidth();
    const QRect nameRect(kMargin, top, names, rowHeight());
    const QRect valueRect(width() - kMargin - valueWidth(), top, valueWidth(), rowHeight());
    const QRect track(nameRect.right() + kGap, top + 3, valueRect.left() - kGap - nameRect.right() - kGap,
                      rowHeight() - 6);

    QFont font = this->font();
    font.setBold(bar.classIndex == m_given || bar.classIndex == m_predicted);
    painter.setFont(font);
    painter.setPen(palette().color(QPalette::Text));
    const QString name =
        QFontMetrics(font).elidedText(m_classNames.value(bar.classIndex), Qt::ElideRight, names);
    painter.drawText(nameRect, Qt::AlignRight | Qt::AlignVCenter, name);
    painter.setFont(this->font());
    painter.drawText(valueRect, Qt::AlignRight | Qt::AlignVCenter, format::percent(double(bar.probability)));

    const QColor base = palette().color(QPalette::Base);
    painter.fillRect(track, mix(palette().color(QPalette::Text), base, 0.08));
    const int filled = int(std::lround(double(std::clamp(bar.probability, 0.0f, 1.0f)) * track.width()));
    painter.fillRect(QRect(track.topLeft(), QSize(std::max(filled, 1), track.height())),
                     barColor(bar.classIndex));
    // The model agrees with the label: the predicted bar gets the given label's outline too.
    if (bar.classIndex == m_given && m_given == m_predicted) {
        painter.setPen(QPen(kGivenColor, 2));
        painter.drawRect(track.adjusted(1, 1, -1, -1));
    }
}

void ProbabilityBars::paintLegend(QPainter &painter, int top) const
{
    const int swatch = fontMetrics().height() - 4;
    int x = width() - kMargin;
    const auto entry = [&](const QColor &color, const QString &text) {
        x -= fontMetrics().horizontalAdvance(text);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(QRect(x, top, width(), rowHeight()), Qt::AlignLeft | Qt::AlignVCenter, text);
        x -= swatch + 4;
        painter.fillRect(QRect(x, top + (rowHeight() - swatch) / 2, swatch, swatch), color);
        x -= 2 * kGap;
    };
    entry(kGivenColor, tr("given label"));
    entry(palette().color(QPalette::Highlight), tr("predicted"));
}

void ProbabilityBars::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    if (m_bars.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(kMargin, 0, -kMargin, 0), Qt::AlignLeft | Qt::AlignVCenter,
                         m_message);
        return;
    }
    for (size_t row = 0; row < m_bars.size(); ++row)
        paintBar(painter, int(row), m_bars[row]);
    paintLegend(painter, kMargin + int(m_bars.size()) * rowHeight());
}

bool ProbabilityBars::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const int row = (help->pos().y() - kMargin) / rowHeight();
    if (row < 0 || row >= int(m_bars.size())) {
        QToolTip::hideText();
        return true;
    }
    const Bar &bar = m_bars[size_t(row)];
    QToolTip::showText(help->globalPos(),
                       QStringLiteral("%1: %2%")
                           .arg(m_classNames.value(bar.classIndex))
                           .arg(double(bar.probability) * 100.0, 0, 'f', 3),
                       this);
    return true;
}

} // namespace loupe
