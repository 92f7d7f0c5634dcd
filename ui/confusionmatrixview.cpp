#include "confusionmatrixview.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>

#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace loupe {

namespace {

constexpr int kMargin = 10;
constexpr int kSpacing = 6; // between axis title, labels and grid
constexpr int kMaxCell = 128;
constexpr int kMinTextPad = 6;

using Ramp = std::array<QRgb, 5>;

// Sequential ramps from "a little" to "a lot". The warm ramps (ColorBrewer OrRd) mark errors;
// the cool ones (ColorBrewer Blues) mark correct predictions. The dark variants go from dim to
// bright so "more" always means "more prominent" against the background.
constexpr Ramp kWarmLight = {0xfff0df, 0xfdbb84, 0xfc8d59, 0xe34a33, 0xb30000};
constexpr Ramp kCoolLight = {0xe3eef9, 0xc6dbef, 0x9ecae1, 0x5a9fd0, 0x2b6fb3};
constexpr Ramp kWarmDark = {0x3d322c, 0x6e3a22, 0xb04a1f, 0xe56f2c, 0xffae66};
constexpr Ramp kCoolDark = {0x233246, 0x23466e, 0x2a5d91, 0x3574b0, 0x4a8ccb};

QColor rampColor(const Ramp &ramp, double t)
{
    t = std::clamp(t, 0.0, 1.0) * double(ramp.size() - 1);
    const int i = std::min(int(t), int(ramp.size()) - 2);
    const double f = t - i;
    const QColor a(ramp[i]), b(ramp[i + 1]);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * f),
                            float(a.greenF() + (b.greenF() - a.greenF()) * f),
                            float(a.blueF() + (b.blueF() - a.blueF()) * f));
}

/**
 * Errors relative to the largest one, lifted a little (gamma 0.7) so mid-sized confusions read
 * as warm, while a handful of errors stays pale next to the big confusions.
 */
double errorCurve(double relative)
{
    return std::pow(relative, 0.7);
}

QColor blend(const QColor &a, const QColor &b, double f)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * f),
                            float(a.greenF() + (b.greenF() - a.greenF()) * f),
                            float(a.blueF() + (b.blueF() - a.blueF()) * f));
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

double luminance(const QColor &c)
{
    auto linear = [](double v) {
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

/** Black or white text, whichever contrasts more with the fill (WCAG contrast crosses at ~0.18). */
QColor textColorOn(const QColor &fill)
{
    return luminance(fill) > 0.18 ? QColor(0x1c, 0x1c, 0x1c) : QColor(Qt::white);
}

/** The largest of the fonts tried that fits every line of `widest` in a cell; nullopt if none does. */
std::optional<QFont> fittingFont(const QFont &base, const QStringList &widest, int cell)
{
    // Big cells (few classes) get bigger text; small ones try smaller fonts before giving up.
    for (double scale : {1.3, 1.0, 0.88, 0.76}) {
        if (scale > 1.0 && cell < 96)
            continue;
        QFont font = base;
        font.setPointSizeF(std::max(6.5, base.pointSizeF() * scale));
        const QFontMetrics fm(font);
        int width = 0;
        for (const QString &line : widest)
            width = std::max(width, fm.horizontalAdvance(line));
        if (width <= cell - kMinTextPad && fm.height() * widest.size() <= cell - 4)
            return font;
    }
    return std::nullopt;
}

} // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setMatrix(const QStringList &classNames,
                                    const std::vector<std::vector<qint64>> &counts)
{
    const auto n = size_t(classNames.size());
    const bool square = counts.size() == n &&
                        std::all_of(counts.begin(), counts.end(), [n](auto &row) { return row.size() == n; });
    const int oldCount = classCount();
    m_names = square ? classNames : QStringList();
    m_counts.clear();
    m_rowTotals.assign(m_names.size(), 0);
    m_maxDiagonal = m_maxOffDiagonal = 0;
    m_maxOffDiagonalShare = 0.0;
    for (size_t i = 0; i < size_t(m_names.size()); ++i) {
        for (size_t j = 0; j < n; ++j) {
            m_counts.push_back(counts[i][j]);
            m_rowTotals[i] += counts[i][j];
            qint64 &max = i == j ? m_maxDiagonal : m_maxOffDiagonal;
            max = std::max(max, counts[i][j]);
        }
    }
    for (int i = 0; i < classCount(); ++i)
        for (int j = 0; j < classCount(); ++j)
            if (i != j)
                m_maxOffDiagonalShare = std::max(m_maxOffDiagonalShare, rowShare(i, j));

    // Keep the user's place when the same classes are re-shown (e.g. after a relabel).
    if (classCount() != oldCount || m_focus.x() < 0)
        m_focus = classCount() > 0 ? QPoint(0, 0) : QPoint(-1, -1);
    m_hover = m_pressed = QPoint(-1, -1);
    updateGeometry();
    update();
}

void ConfusionMatrixView::setNormalization(Normalization normalization)
{
    if (normalization == m_normalization)
        return;
    m_normalization = normalization;
    update();
}

qint64 ConfusionMatrixView::count(int actual, int predicted) const
{
    const int n = classCount();
    if (actual < 0 || predicted < 0 || actual >= n || predicted >= n)
        return 0;
    return m_counts[size_t(actual) * size_t(n) + size_t(predicted)];
}

double ConfusionMatrixView::rowShare(int actual, int predicted) const
{
    if (actual < 0 || actual >= classCount() || m_rowTotals[size_t(actual)] == 0)
        return 0.0;
    return double(count(actual, predicted)) / double(m_rowTotals[size_t(actual)]);
}

int ConfusionMatrixView::maxNameWidth() const
{
    // Bold, because the hovered row's and column's names are drawn bold.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics fm(bold);
    int width = 0;
    for (const QString &name : m_names)
        width = std::max(width, fm.horizontalAdvance(name));
    return width + 2; // elidedText() elides text exactly as wide as its limit at fractional scales
}

ConfusionMatrixView::Layout ConfusionMatrixView::layout() const
{
    Layout l;
    const int n = l.n = classCount();
    if (n == 0)
        return l;
    QFont titleFont = font();
    titleFont.setBold(true);
    const int titleH = QFontMetrics(titleFont).height();
    const int lineH = fontMetrics().height();
    const int nameW = maxNameWidth();

    // Row names get at most a quarter of the width; longer ones are elided (the tooltip has them).
    const int rowHeaderW = std::min(nameW, std::max(60, width() / 4));
    const int leftW = titleH + kSpacing + rowHeaderW + kSpacing;
    const int availW = width() - 2 * kMargin - leftW;
    auto cellFor = [&](int headerH) {
        const int availH = height() - 2 * kMargin - titleH - kSpacing - headerH - kSpacing;
        const double cell = std::clamp(double(std::min(availW, availH)) / n, 1.0, double(kMaxCell));
        // Whole pixels when cells hold text, so every cell is the same size.
        return cell >= 12 ? std::floor(cell) : cell;
    };
    int headerH = lineH;
    l.cell = cellFor(headerH);
    l.rotatedColumns = nameW > l.cell - kMinTextPad;
    if (l.rotatedColumns) {
        headerH = std::min(nameW, std::max(48, height() / 4));
        l.cell = cellFor(headerH);
    }
    l.gap = l.cell >= 20 ? 2 : (l.cell >= 8 ? 1 : 0);
    l.labelStep = std::max(1, int(std::ceil(lineH / l.cell)));

    // Centre the block (titles, names and grid) in the widget.
    const int side = l.edge(n);
    const int blockW = leftW + side;
    const int blockH = titleH + kSpacing + headerH + kSpacing + side;
    const int x0 = std::max(kMargin, (width() - blockW) / 2);
    const int y0 = std::max(kMargin, (height() - blockH) / 2);
    l.grid = QRect(x0 + leftW, y0 + titleH + kSpacing + headerH + kSpacing, side, side);
    l.rowHeaders = QRect(l.grid.left() - kSpacing - rowHeaderW, l.grid.top(), rowHeaderW, side);
    l.columnHeaders = QRect(l.grid.left(), l.grid.top() - kSpacing - headerH, side, headerH);
    l.givenTitle = QRect(x0, l.grid.top(), titleH, side);
    l.predictedTitle = QRect(l.grid.left(), y0, side, titleH);
    return l;
}

QRect ConfusionMatrixView::cellRect(int actual, int predicted) const
{
    const int n = classCount();
    if (actual < 0 || predicted < 0 || actual >= n || predicted >= n)
        return {};
    return layout().cellRect(actual, predicted);
}

QRect ConfusionMatrixView::Layout::cellRect(int actual, int predicted) const
{
    return QRect(QPoint(grid.left() + edge(predicted), grid.top() + edge(actual)),
                 QPoint(grid.left() + edge(predicted + 1) - 1, grid.top() + edge(actual + 1) - 1));
}

QPoint ConfusionMatrixView::cellAt(QPoint pos) const
{
    const Layout l = layout();
    if (classCount() == 0 || !l.grid.contains(pos))
        return {-1, -1};
    return {l.indexAt(pos.y() - l.grid.top()), l.indexAt(pos.x() - l.grid.left())};
}

int ConfusionMatrixView::Layout::edge(int k) const
{
    return int(std::lround(k * cell));
}

int ConfusionMatrixView::Layout::indexAt(int offset) const
{
    int k = std::clamp(int(offset / cell), 0, n - 1);
    while (k > 0 && edge(k) > offset)
        --k;
    while (k < n - 1 && edge(k + 1) <= offset)
        ++k;
    return k;
}

void ConfusionMatrixView::setFocusCell(int actual, int predicted)
{
    const int n = classCount();
    if (n == 0)
        return;
    const QPoint cell(std::clamp(actual, 0, n - 1), std::clamp(predicted, 0, n - 1));
    if (cell == m_focus)
        return;
    m_focus = cell;
    update();
}

QString ConfusionMatrixView::shareText(double share) const
{
    const double percent = share * 100.0;
    if (percent == 0.0)
        return QStringLiteral("0%");
    if (percent < 0.1)
        return QStringLiteral("<0.1%");
    if (percent >= 99.95)
        return QStringLiteral("100%");
    return locale().toString(percent, 'f', 1) + QLatin1Char('%');
}

QString ConfusionMatrixView::cellText(int actual, int predicted) const
{
    if (actual < 0 || predicted < 0 || actual >= classCount() || predicted >= classCount())
        return {};
    const QString countText = locale().toString(count(actual, predicted));
    if (m_normalization == Normalization::Counts)
        return countText;
    // The share leads in the recall view; the count stays for scale.
    return shareText(rowShare(actual, predicted)) + QLatin1Char('\n') + countText;
}

QString ConfusionMatrixView::cellToolTip(int actual, int predicted) const
{
    if (actual < 0 || predicted < 0 || actual >= classCount() || predicted >= classCount())
        return {};
    const qint64 n = count(actual, predicted);
    const QString samples = n == 1 ? tr("%1 sample") : tr("%1 samples");
    return tr("given %1 predicted %2: %3 (%4 of %1)")
        .arg(m_names[actual], m_names[predicted], samples.arg(locale().toString(n)),
             shareText(rowShare(actual, predicted)));
}

double ConfusionMatrixView::heat(int actual, int predicted) const
{
    const bool diagonal = actual == predicted;
    if (m_normalization == Normalization::RowShare) {
        const double share = rowShare(actual, predicted);
        // Recall reads on an absolute scale; errors relative to the worst one so they stay visible.
        return diagonal ? share
                        : (m_maxOffDiagonalShare > 0 ? errorCurve(share / m_maxOffDiagonalShare) : 0.0);
    }
    const double c = double(count(actual, predicted));
    if (diagonal)
        return m_maxDiagonal > 0 ? c / double(m_maxDiagonal) : 0.0;
    return m_maxOffDiagonal > 0 ? errorCurve(c / double(m_maxOffDiagonal)) : 0.0;
}

QColor ConfusionMatrixView::cellColor(int actual, int predicted) const
{
    const bool dark = isDark(palette());
    if (count(actual, predicted) == 0) {
        // Empty: a neutral step off the background, so the grid stays visible.
        return blend(palette().color(QPalette::Base), palette().color(QPalette::Text), dark ? 0.07 : 0.045);
    }
    const Ramp &ramp =
        actual == predicted ? (dark ? kCoolDark : kCoolLight) : (dark ? kWarmDark : kWarmLight);
    return rampColor(ramp, heat(actual, predicted));
}

QSize ConfusionMatrixView::sizeHint() const
{
    const int n = std::max(2, classCount());
    const int cell = std::clamp(520 / n, 12, 72);
    const int lineH = fontMetrics().height();
    const int nameW = std::min(maxNameWidth(), 160);
    const int headerH = nameW > cell - kMinTextPad ? nameW : lineH;
    return {2 * kMargin + lineH + nameW + 2 * kSpacing + n * cell,
            2 * kMargin + lineH + headerH + 2 * kSpacing + n * cell};
}

QSize ConfusionMatrixView::minimumSizeHint() const
{
    const int n = std::max(2, classCount());
    const int lineH = fontMetrics().height();
    return {2 * kMargin + lineH + 60 + 2 * kSpacing + n * 4, 2 * kMargin + lineH + 48 + 2 * kSpacing + n * 4};
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    const Layout l = layout();
    if (classCount() == 0) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No confusion matrix"));
        return;
    }
    paintCells(painter, l);
    paintHighlights(painter, l);
    paintCellText(painter, l);
    paintHeaders(painter, l);
}

void ConfusionMatrixView::paintCells(QPainter &painter, const Layout &l) const
{
    const int n = classCount();
    // Rounded corners only where they are visible; small cells stay crisp without antialiasing.
    const bool rounded = l.cell >= 28;
    painter.setRenderHint(QPainter::Antialiasing, rounded);
    painter.setPen(Qt::NoPen);
    const int lead = l.gap / 2, trail = l.gap - lead;
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            const QRect r = l.cellRect(i, j).adjusted(lead, lead, -trail, -trail);
            painter.setBrush(cellColor(i, j));
            if (rounded)
                painter.drawRoundedRect(r, 3, 3);
            else
                painter.drawRect(r);
        }
    }
}

void ConfusionMatrixView::paintCellText(QPainter &painter, const Layout &l) const
{
    const int n = classCount();
    // One font for every cell, sized for the widest text, so the matrix reads as a table.
    qint64 maxCount = std::max(m_maxDiagonal, m_maxOffDiagonal);
    QStringList widest{locale().toString(maxCount)};
    if (m_normalization == Normalization::RowShare) {
        const QString high = locale().toString(99.9, 'f', 1) + QLatin1Char('%');
        const QString low = QStringLiteral("<0.1%");
        const QFontMetrics fm(font());
        widest.prepend(fm.horizontalAdvance(high) >= fm.horizontalAdvance(low) ? high : low);
    }
    std::optional<QFont> cellFont = fittingFont(font(), widest, int(l.cell));
    bool shareOnly = false;
    if (!cellFont && widest.size() == 2) {
        cellFont = fittingFont(font(), widest.mid(0, 1), int(l.cell));
        shareOnly = true;
    }
    if (!cellFont)
        return; // too small for text; the tooltip still tells
    painter.setFont(*cellFont);
    const QFontMetrics fm(*cellFont);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            const QRect r = l.cellRect(i, j);
            QColor color = textColorOn(cellColor(i, j));
            QStringList lines = cellText(i, j).split(QLatin1Char('\n'));
            if (shareOnly)
                lines = lines.mid(0, 1);
            if (count(i, j) == 0)
                color.setAlphaF(0.35f); // zeros are context, not information
            const int top = r.center().y() - fm.height() * int(lines.size()) / 2 + 1;
            for (int k = 0; k < lines.size(); ++k) {
                QColor lineColor = color;
                if (k > 0)
                    lineColor.setAlphaF(lineColor.alphaF() * 0.72f); // the count is secondary here
                painter.setPen(lineColor);
                painter.drawText(QRect(r.left(), top + k * fm.height(), r.width(), fm.height()),
                                 Qt::AlignCenter, lines[k]);
            }
        }
    }
}

void ConfusionMatrixView::paintHighlights(QPainter &painter, const Layout &l) const
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setBrush(Qt::NoBrush);
    const QColor highlight = palette().color(QPalette::Highlight);
    if (m_hover.x() >= 0) {
        // Outline the hovered row and column so both margins of the cell are easy to follow.
        QColor band = highlight;
        band.setAlphaF(0.7f);
        painter.setPen(QPen(band, 1.0));
        const QRect cell = l.cellRect(m_hover.x(), m_hover.y());
        const QRect row(l.grid.left(), cell.top(), l.grid.width(), cell.height());
        const QRect column(cell.left(), l.grid.top(), cell.width(), l.grid.height());
        painter.drawRect(QRectF(row).adjusted(0.5, 0.5, -0.5, -0.5));
        painter.drawRect(QRectF(column).adjusted(0.5, 0.5, -0.5, -0.5));
        painter.setPen(QPen(palette().color(QPalette::Text), 1.5));
        painter.drawRect(QRectF(l.cellRect(m_hover.x(), m_hover.y())).adjusted(0.75, 0.75, -0.75, -0.75));
    }
    if (hasFocus() && m_focus.x() >= 0) {
        painter.setPen(QPen(highlight, 2.0));
        painter.drawRect(QRectF(l.cellRect(m_focus.x(), m_focus.y())).adjusted(1, 1, -1, -1));
    }
}

void ConfusionMatrixView::paintHeaders(QPainter &painter, const Layout &l) const
{
    const int n = classCount();
    const QFontMetrics fm(font());
    const QColor text = palette().color(QPalette::WindowText);
    QColor band = palette().color(QPalette::Highlight);
    band.setAlphaF(0.18f);
    QFont bold = font();
    bold.setBold(true);

    // Thin labels out when rows are thinner than a line of text; the hovered one always shows,
    // and its thinned-out neighbours make room for it.
    auto hidden = [&](int i, int hovered) {
        if (i == hovered)
            return false;
        return i % l.labelStep != 0 || (hovered >= 0 && std::abs(i - hovered) < l.labelStep);
    };
    auto labelPen = [&](int i, int hovered) {
        painter.setFont(i == hovered ? bold : font());
        painter.setPen(text);
    };
    painter.setRenderHint(QPainter::Antialiasing, true);

    for (int i = 0; i < n; ++i) {
        if (hidden(i, m_hover.x()))
            continue;
        const QRect cell = l.cellRect(i, 0);
        const QRect r(l.rowHeaders.left(), cell.top(), l.rowHeaders.width(), cell.height());
        if (i == m_hover.x())
            painter.fillRect(r.adjusted(-4, 0, kSpacing, 0), band);
        labelPen(i, m_hover.x());
        const QRect textRect(r.left(), r.center().y() - fm.height() / 2, r.width(), fm.height());
        painter.drawText(textRect, Qt::AlignRight | Qt::AlignVCenter,
                         painter.fontMetrics().elidedText(m_names[i], Qt::ElideRight, r.width()));
    }

    for (int j = 0; j < n; ++j) {
        if (hidden(j, m_hover.y()))
            continue;
        const QRect cell = l.cellRect(0, j);
        const int x = cell.left();
        if (j == m_hover.y())
            painter.fillRect(
                QRect(x, l.columnHeaders.top() - 4, cell.width(), l.columnHeaders.height() + 4 + kSpacing),
                band);
        labelPen(j, m_hover.y());
        const int length = l.rotatedColumns ? l.columnHeaders.height() : cell.width() - 2;
        const QString name = painter.fontMetrics().elidedText(m_names[j], Qt::ElideRight, length);
        if (!l.rotatedColumns) {
            painter.drawText(QRect(x, l.columnHeaders.top(), cell.width(), l.columnHeaders.height()),
                             Qt::AlignHCenter | Qt::AlignBottom, name);
            continue;
        }
        // Read bottom to top, starting next to the grid.
        painter.save();
        painter.translate(x + cell.width() / 2.0, l.columnHeaders.bottom() + 1);
        painter.rotate(-90);
        painter.drawText(QRectF(0, -fm.height() / 2.0, length, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         name);
        painter.restore();
    }

    QFont titleFont = bold;
    painter.setFont(titleFont);
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(l.predictedTitle, Qt::AlignCenter, tr("predicted"));
    painter.save();
    painter.translate(l.givenTitle.left(), l.givenTitle.bottom() + 1);
    painter.rotate(-90);
    painter.drawText(QRect(0, 0, l.givenTitle.height(), l.givenTitle.width()), Qt::AlignCenter, tr("given"));
    painter.restore();
}

void ConfusionMatrixView::setHover(QPoint cell)
{
    if (cell == m_hover)
        return;
    m_hover = cell;
    update();
}

void ConfusionMatrixView::moveFocus(int dRow, int dColumn)
{
    if (classCount() == 0)
        return;
    setFocusCell(m_focus.x() + dRow, m_focus.y() + dColumn);
}

bool ConfusionMatrixView::event(QEvent *event)
{
    switch (event->type()) {
    case QEvent::ToolTip: {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPoint cell = cellAt(help->pos());
        if (cell.x() >= 0) {
            QToolTip::showText(help->globalPos(), cellToolTip(cell.x(), cell.y()), this,
                               cellRect(cell.x(), cell.y()));
        } else {
            // Over a (possibly elided) class name: show it in full.
            const Layout l = layout();
            QString name;
            if (l.rowHeaders.contains(help->pos()))
                name = m_names.value(l.indexAt(help->pos().y() - l.grid.top()));
            else if (l.columnHeaders.contains(help->pos()))
                name = m_names.value(l.indexAt(help->pos().x() - l.grid.left()));
            if (name.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(help->globalPos(), name, this);
        }
        return true;
    }
    case QEvent::FocusIn:
    case QEvent::FocusOut:
        update(); // the focus cell is drawn only while focused
        break;
    default:
        break;
    }
    return QWidget::event(event);
}

void ConfusionMatrixView::mouseMoveEvent(QMouseEvent *event)
{
    setHover(cellAt(event->position().toPoint()));
    QWidget::mouseMoveEvent(event);
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressed = cellAt(event->position().toPoint());
    if (m_pressed.x() >= 0)
        setFocusCell(m_pressed.x(), m_pressed.y());
}

void ConfusionMatrixView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    // A click is press and release on the same cell; dragging off cancels it.
    const QPoint cell = cellAt(event->position().toPoint());
    const QPoint pressed = std::exchange(m_pressed, QPoint(-1, -1));
    if (cell.x() >= 0 && cell == pressed)
        Q_EMIT cellActivated(cell.x(), cell.y());
}

void ConfusionMatrixView::leaveEvent(QEvent *event)
{
    setHover({-1, -1});
    QWidget::leaveEvent(event);
}

void ConfusionMatrixView::keyPressEvent(QKeyEvent *event)
{
    const int n = classCount();
    switch (event->key()) {
    case Qt::Key_Left:
        moveFocus(0, -1);
        break;
    case Qt::Key_Right:
        moveFocus(0, 1);
        break;
    case Qt::Key_Up:
        moveFocus(-1, 0);
        break;
    case Qt::Key_Down:
        moveFocus(1, 0);
        break;
    case Qt::Key_Home:
        setFocusCell(m_focus.x(), 0);
        break;
    case Qt::Key_End:
        setFocusCell(m_focus.x(), n - 1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_focus.x() >= 0)
            Q_EMIT cellActivated(m_focus.x(), m_focus.y());
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void ConfusionMatrixView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        updateGeometry();
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange ||
        event->type() == QEvent::StyleChange || event->type() == QEvent::LocaleChange)
        update();
    QWidget::changeEvent(event);
}

} // namespace loupe
