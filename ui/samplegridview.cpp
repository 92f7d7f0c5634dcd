#include "samplegridview.h"

#include "samplegriddelegate.h"
#include "samplegridmodel.h"
#include "thumbnailcache.h"

#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOptionRubberBand>
#include <QWheelEvent>

#include <algorithm>
#include <climits>

namespace loupe {

namespace {
constexpr int kMinTile = 48;
constexpr int kMaxTile = 256;
constexpr int kSpacing = 2; // between tiles and around the grid

qint64 floorDiv(qint64 a, qint64 b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

qint64 ceilDiv(qint64 a, qint64 b)
{
    return floorDiv(a + b - 1, b);
}
} // namespace

SampleGridView::SampleGridView(ThumbnailCache &thumbnails, QWidget *parent)
    : QAbstractItemView(parent), m_thumbnails(thumbnails), m_delegate(new SampleGridDelegate(this))
{
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setItemDelegate(m_delegate);
    setTileSize(112);
}

QList<qint64> SampleGridView::selectedSamples() const
{
    if (!selectionModel() || !model())
        return {};
    // From the ranges, not selectedIndexes(): that builds an index per selected tile first.
    std::vector<int> rows;
    for (const QItemSelectionRange &range : selectionModel()->selection()) {
        if (range.parent() != rootIndex())
            continue;
        for (int row = range.top(); row <= range.bottom(); ++row)
            rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QList<qint64> samples;
    samples.reserve(qsizetype(rows.size()));
    for (const int row : rows)
        samples
            << model()->index(row, modelColumn(), rootIndex()).data(SampleGridModel::SampleRole).toLongLong();
    return samples;
}

void SampleGridView::setTileSize(int imagePixels)
{
    imagePixels = std::clamp(imagePixels, kMinTile, kMaxTile);
    const qint64 anchor = firstVisibleRow();
    m_delegate->setImageSize(imagePixels);
    const qreal ratio = devicePixelRatioF();
    m_thumbnails.setThumbnailSize(QSize(int(imagePixels * ratio), int(imagePixels * ratio)));
    updateGeometries();
    // The tile that was first in view stays first: zooming keeps the user's place.
    if (anchor > 0)
        verticalScrollBar()->setValue(tileRect(anchor).top() - kSpacing);
    viewport()->update();
}

int SampleGridView::tileSize() const
{
    return m_delegate->imageSize();
}

int SampleGridView::itemCount() const
{
    return model() ? model()->rowCount(rootIndex()) : 0;
}

QStyleOptionViewItem SampleGridView::tileOption() const
{
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    return option;
}

void SampleGridView::relayout()
{
    const QSize tile = m_delegate->sizeHint(tileOption(), QModelIndex()).expandedTo(QSize(1, 1));
    const int width = viewport()->width() - kSpacing;
    const int columns = std::max(1, width / (tile.width() + kSpacing));
    m_tile = tile;
    m_columns = columns;
    // The width left over is shared between the columns, so the grid fills the view.
    m_columnPitch = std::max(tile.width() + kSpacing, width / columns);
}

QRect SampleGridView::tileRect(qint64 row) const
{
    const qint64 gridRow = row / m_columns;
    const int column = int(row % m_columns);
    const qint64 top = kSpacing + gridRow * (m_tile.height() + kSpacing);
    return {tileLeft(column), int(std::min<qint64>(top, INT_MAX - m_tile.height())), m_tile.width(),
            m_tile.height()};
}

int SampleGridView::tileLeft(int column) const
{
    return kSpacing + column * m_columnPitch + (m_columnPitch - kSpacing - m_tile.width()) / 2;
}

qint64 SampleGridView::contentHeight() const
{
    const qint64 gridRows = ceilDiv(itemCount(), m_columns);
    return kSpacing + gridRows * (m_tile.height() + kSpacing);
}

qint64 SampleGridView::firstVisibleRow() const
{
    // The first grid row with a pixel in view: its bottom edge is at or below the top.
    const qint64 gridRow = std::max<qint64>(
        0, ceilDiv(verticalOffset() - kSpacing - m_tile.height() + 1, m_tile.height() + kSpacing));
    return std::min<qint64>(gridRow * m_columns, std::max(0, itemCount() - 1));
}

SampleGridView::Span SampleGridView::spanOf(const QRect &contentRect) const
{
    // Along each axis tile i covers [start + i * pitch, start + i * pitch + size - 1].
    const qint64 startX = tileLeft(0);
    const qint64 pitchY = m_tile.height() + kSpacing;
    const qint64 gridRows = ceilDiv(itemCount(), m_columns);
    Span span;
    span.firstColumn =
        int(std::max<qint64>(0, ceilDiv(contentRect.left() - startX - m_tile.width() + 1, m_columnPitch)));
    span.lastColumn =
        int(std::min<qint64>(m_columns - 1, floorDiv(contentRect.right() - startX, m_columnPitch)));
    span.firstRow = std::max<qint64>(0, ceilDiv(contentRect.top() - kSpacing - m_tile.height() + 1, pitchY));
    span.lastRow = std::min<qint64>(gridRows - 1, floorDiv(contentRect.bottom() - kSpacing, pitchY));
    return span;
}

int SampleGridView::verticalOffset() const
{
    return verticalScrollBar()->value();
}

QRect SampleGridView::visualRect(const QModelIndex &index) const
{
    if (!index.isValid() || index.parent() != rootIndex() || index.row() >= itemCount())
        return {};
    return tileRect(index.row()).translated(0, -verticalOffset());
}

QModelIndex SampleGridView::indexAt(const QPoint &point) const
{
    const Span span = spanOf(QRect(point.x(), point.y() + verticalOffset(), 1, 1));
    if (span.isEmpty())
        return {};
    const qint64 row = span.firstRow * m_columns + span.firstColumn;
    if (row >= itemCount())
        return {};
    return model()->index(int(row), modelColumn(), rootIndex());
}

void SampleGridView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
    const QRect tile = visualRect(index);
    if (!tile.isValid())
        return;
    const int height = viewport()->height();
    QScrollBar *bar = verticalScrollBar();
    switch (hint) {
    case EnsureVisible:
        if (tile.top() < 0)
            bar->setValue(bar->value() + tile.top() - kSpacing);
        else if (tile.bottom() >= height)
            bar->setValue(bar->value() + tile.bottom() - height + 1 + kSpacing);
        break;
    case PositionAtTop:
        bar->setValue(bar->value() + tile.top() - kSpacing);
        break;
    case PositionAtBottom:
        bar->setValue(bar->value() + tile.bottom() - height + 1 + kSpacing);
        break;
    case PositionAtCenter:
        bar->setValue(bar->value() + tile.center().y() - height / 2);
        break;
    }
}

QModelIndex SampleGridView::moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers)
{
    const int count = itemCount();
    if (count == 0)
        return {};
    const QModelIndex current = currentIndex();
    if (!current.isValid())
        return model()->index(0, modelColumn(), rootIndex());
    const qint64 pageRows = std::max(1, viewport()->height() / (m_tile.height() + kSpacing));
    qint64 row = current.row();
    switch (cursorAction) {
    case MoveLeft:
    case MovePrevious:
        row -= 1;
        break;
    case MoveRight:
    case MoveNext:
        row += 1;
        break;
    case MoveUp:
        row -= m_columns;
        break;
    case MoveDown:
        // From the last full grid row, down goes to the last tile, as in a file manager.
        row = std::min<qint64>(row + m_columns,
                               ceilDiv(row + 1, m_columns) < ceilDiv(count, m_columns) ? count - 1 : row);
        break;
    case MovePageUp:
        row -= pageRows * m_columns;
        break;
    case MovePageDown:
        row += pageRows * m_columns;
        break;
    case MoveHome:
        row = 0;
        break;
    case MoveEnd:
        row = count - 1;
        break;
    }
    row = std::clamp<qint64>(row, 0, count - 1);
    return model()->index(int(row), modelColumn(), rootIndex());
}

void SampleGridView::setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command)
{
    if (!model() || !selectionModel())
        return;
    const Span span = spanOf(rect.normalized().translated(0, verticalOffset()));
    const qint64 last = itemCount() - 1;
    QItemSelection selection;
    const auto add = [&](qint64 from, qint64 to) {
        to = std::min(to, last);
        if (from <= to)
            selection.append(QItemSelectionRange(model()->index(int(from), modelColumn(), rootIndex()),
                                                 model()->index(int(to), modelColumn(), rootIndex())));
    };
    if (!span.isEmpty() && span.firstColumn == 0 && span.lastColumn == m_columns - 1) {
        add(span.firstRow * m_columns, span.lastRow * m_columns + m_columns - 1); // whole rows: one range
    } else if (!span.isEmpty()) {
        for (qint64 gridRow = span.firstRow; gridRow <= span.lastRow; ++gridRow)
            add(gridRow * m_columns + span.firstColumn, gridRow * m_columns + span.lastColumn);
    }
    selectionModel()->select(selection, command);
}

QRegion SampleGridView::visualRegionForSelection(const QItemSelection &selection) const
{
    // Only the part in view: a selection of a million tiles makes a region of a few rectangles.
    const Span visible = spanOf(viewport()->rect().translated(0, verticalOffset()));
    if (visible.isEmpty())
        return {};
    const qint64 firstShown = visible.firstRow * m_columns;
    const qint64 lastShown = std::min<qint64>(visible.lastRow * m_columns + m_columns - 1, itemCount() - 1);
    QRegion region;
    for (const QItemSelectionRange &range : selection) {
        if (range.parent() != rootIndex())
            continue;
        const qint64 top = std::max<qint64>(range.top(), firstShown);
        const qint64 bottom = std::min<qint64>(range.bottom(), lastShown);
        for (qint64 gridRow = top / m_columns; top <= bottom && gridRow <= bottom / m_columns; ++gridRow) {
            const qint64 from = std::max(top, gridRow * m_columns);
            const qint64 to = std::min(bottom, gridRow * m_columns + m_columns - 1);
            region +=
                QRect(tileRect(from).topLeft(), tileRect(to).bottomRight()).translated(0, -verticalOffset());
        }
    }
    return region;
}

void SampleGridView::updateGeometries()
{
    relayout();
    const qint64 range = std::max<qint64>(0, contentHeight() - viewport()->height());
    QScrollBar *bar = verticalScrollBar();
    bar->setRange(0, int(std::min<qint64>(range, INT_MAX)));
    bar->setPageStep(viewport()->height());
    bar->setSingleStep(std::max(1, tileSize() / 3));
    horizontalScrollBar()->setRange(0, 0);
    QAbstractItemView::updateGeometries();
}

void SampleGridView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QAbstractItemView::rowsInserted(parent, start, end);
    scheduleDelayedItemsLayout();
}

void SampleGridView::rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end)
{
    QAbstractItemView::rowsAboutToBeRemoved(parent, start, end);
    scheduleDelayedItemsLayout();
}

void SampleGridView::paintEvent(QPaintEvent *event)
{
    QPainter painter(viewport());
    if (!model())
        return;
    const Span span = spanOf(event->rect().translated(0, verticalOffset()));
    QStyleOptionViewItem option = tileOption();
    const QModelIndex current = currentIndex();
    const qint64 count = itemCount();
    for (qint64 gridRow = span.firstRow; !span.isEmpty() && gridRow <= span.lastRow; ++gridRow) {
        for (int column = span.firstColumn; column <= span.lastColumn; ++column) {
            const qint64 row = gridRow * m_columns + column;
            if (row >= count)
                break;
            const QModelIndex index = model()->index(int(row), modelColumn(), rootIndex());
            QStyleOptionViewItem tile = option;
            tile.rect = visualRect(index);
            tile.state &= ~(QStyle::State_Selected | QStyle::State_HasFocus);
            if (selectionModel() && selectionModel()->isSelected(index))
                tile.state |= QStyle::State_Selected;
            if (index == current && hasFocus())
                tile.state |= QStyle::State_HasFocus;
            itemDelegateForIndex(index)->paint(&painter, tile, index);
        }
    }
    if (!m_rubberBand.isEmpty()) {
        QStyleOptionRubberBand band;
        band.initFrom(this);
        band.shape = QRubberBand::Rectangle;
        band.opaque = false;
        band.rect = m_rubberBand;
        painter.save();
        style()->drawControl(QStyle::CE_RubberBand, &band, &painter);
        painter.restore();
    }
}

void SampleGridView::resizeEvent(QResizeEvent *event)
{
    const qint64 anchor = firstVisibleRow();
    const int columns = m_columns;
    QAbstractItemView::resizeEvent(event); // updates the geometries
    if (columns != m_columns && anchor > 0)
        verticalScrollBar()->setValue(tileRect(anchor).top() - kSpacing);
}

void SampleGridView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int steps = event->angleDelta().y() / 120;
        if (steps != 0)
            setTileSize(tileSize() + steps * 16);
        event->accept();
        return;
    }
    QAbstractItemView::wheelEvent(event);
}

void SampleGridView::scrollContentsBy(int dx, int dy)
{
    m_thumbnails.forgetPending();
    QAbstractItemView::scrollContentsBy(dx, dy);
}

void SampleGridView::mousePressEvent(QMouseEvent *event)
{
    m_rubberBandOrigin = event->position().toPoint() + QPoint(0, verticalOffset());
    QAbstractItemView::mousePressEvent(event);
}

void SampleGridView::mouseMoveEvent(QMouseEvent *event)
{
    QAbstractItemView::mouseMoveEvent(event);
    if (state() != DragSelectingState || !(event->buttons() & Qt::LeftButton) ||
        selectionMode() == SingleSelection)
        return;
    const QRect previous = m_rubberBand;
    m_rubberBand =
        QRect(m_rubberBandOrigin - QPoint(0, verticalOffset()), event->position().toPoint()).normalized();
    viewport()->update(previous.united(m_rubberBand).adjusted(-2, -2, 2, 2));
}

void SampleGridView::mouseReleaseEvent(QMouseEvent *event)
{
    QAbstractItemView::mouseReleaseEvent(event);
    if (!m_rubberBand.isEmpty()) {
        viewport()->update(m_rubberBand.adjusted(-2, -2, 2, 2));
        m_rubberBand = QRect();
    }
}

void SampleGridView::changeEvent(QEvent *event)
{
    QAbstractItemView::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        updateGeometries(); // the captions' height is part of a tile's
}

} // namespace loupe
