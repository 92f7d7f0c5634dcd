#pragma once

#include <QAbstractItemView>

namespace loupe {

class SampleGridDelegate;
class ThumbnailCache;

/**
 * The thumbnail grid: tiles of one size, laid out by arithmetic.
 *
 * A tile's place follows from its row and the number of columns, so the view keeps nothing
 * per item. QListView's icon mode kept a layout record per row and laid them all out when a
 * model was set: a fifth of a second and 40 MB at a million samples, seconds and 400 MB at ten
 * million. Only visible tiles are painted, so only they are decoded; scrolling drops queued
 * decodes of tiles that went out of view. Ctrl+wheel zooms, keeping the first visible tile in
 * view; arrows, Page Up/Down, Home and End move the current tile; dragging selects the
 * rectangle of tiles it spans (with Ctrl, adds them).
 */
class SampleGridView final : public QAbstractItemView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SampleGridView)

public:
    SampleGridView(ThumbnailCache &thumbnails, QWidget *parent = nullptr);

    /** Sample indices of the selected tiles, in row order. */
    QList<qint64> selectedSamples() const;
    void setTileSize(int imagePixels);
    int tileSize() const;
    /** Tiles across the viewport's width (at least one). */
    int columnCount() const { return m_columns; }

    QRect visualRect(const QModelIndex &index) const override;
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint &point) const override;

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override { return 0; }
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex &) const override { return false; }
    void setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection &selection) const override;
    void updateGeometries() override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end) override;

    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    /** The grid's rows and columns of tiles that a rectangle of content touches. */
    struct Span
    {
        qint64 firstRow, lastRow;
        int firstColumn, lastColumn;
        bool isEmpty() const { return firstRow > lastRow || firstColumn > lastColumn; }
    };

    int itemCount() const;
    /** The model's column the tiles show (the grid models have one). */
    static int modelColumn() { return 0; }
    /** The tile of item row in content coordinates (y grows with the scroll position). */
    QRect tileRect(qint64 row) const;
    /** The x of the tiles in column (their left edge). */
    int tileLeft(int column) const;
    Span spanOf(const QRect &contentRect) const;
    qint64 contentHeight() const;
    /** The first row whose tile shows at the top of the viewport. */
    qint64 firstVisibleRow() const;
    QStyleOptionViewItem tileOption() const;
    /** Recomputes the tile size and the columns from the delegate and the viewport's width. */
    void relayout();

    ThumbnailCache &m_thumbnails;
    SampleGridDelegate *m_delegate;
    QSize m_tile{1, 1}; // a tile's size, as the delegate asks for it
    int m_columns = 1;
    int m_columnPitch = 1;     // from one column's left edge to the next
    QPoint m_rubberBandOrigin; // in content coordinates
    QRect m_rubberBand;        // in viewport coordinates; empty when not dragging
};

} // namespace loupe
