// The thumbnail grid's own layout: tiles placed by arithmetic, hit testing, keyboard moves,
// rectangle selection, scrolling, zoom and relayout, at a few rows and at ten million.

#include "samplegridmodel.h"
#include "samplegridview.h"
#include "thumbnailcache.h"

#include <QAbstractListModel>
#include <QScrollBar>
#include <QtTest>

using namespace loupe;

namespace {

/** A model of count rows whose sample index is ten times the row: no project needed. */
class RowsModel final : public QAbstractListModel
{
public:
    explicit RowsModel(int count) : m_count(count) {}
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : m_count; }
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == SampleGridModel::SampleRole)
            return qint64(index.row()) * 10;
        if (role == Qt::DisplayRole)
            return QString::number(index.row());
        return {};
    }
    void resize(int count)
    {
        beginResetModel();
        m_count = count;
        endResetModel();
    }

private:
    int m_count;
};

} // namespace

class TestSampleGridView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void tilesAreLaidOutInRowsThatFillTheWidth();
    void indexAtInvertsVisualRect();
    void keysMoveTheCurrentTileAcrossTheGrid();
    void rectangleSelectsTheTilesItTouches();
    void scrollToBringsATileIntoView();
    void resizeKeepsTheFirstVisibleTile();
    void zoomChangesTheTileAndKeepsThePlace();
    void modelResetRelaysOut();
    void tenMillionRowsNeedNoPerRowLayout();

private:
    void show(int rows);
    QModelIndex index(int row) const { return m_model->index(row); }

    ThumbnailCache *m_thumbnails = nullptr;
    RowsModel *m_model = nullptr;
    SampleGridView *m_view = nullptr;
};

void TestSampleGridView::init()
{
    m_thumbnails = new ThumbnailCache;
    m_view = new SampleGridView(*m_thumbnails);
    m_view->resize(600, 500);
}

void TestSampleGridView::cleanup()
{
    delete m_view;
    delete m_model;
    delete m_thumbnails;
    m_view = nullptr;
    m_model = nullptr;
}

void TestSampleGridView::show(int rows)
{
    m_model = new RowsModel(rows);
    m_view->setModel(m_model);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
}

void TestSampleGridView::tilesAreLaidOutInRowsThatFillTheWidth()
{
    show(100);
    const int columns = m_view->columnCount();
    QVERIFY(columns >= 2);
    const QRect first = m_view->visualRect(index(0));
    const QRect second = m_view->visualRect(index(1));
    const QRect below = m_view->visualRect(index(columns));
    QCOMPARE(second.top(), first.top());
    QVERIFY(second.left() > first.right());
    QCOMPARE(below.left(), first.left());
    QVERIFY(below.top() > first.bottom());
    QCOMPARE(first.size(), below.size());
    // No room for one more column: the slack is shared, not left at the right.
    const QRect lastInRow = m_view->visualRect(index(columns - 1));
    const int slack = m_view->viewport()->width() - lastInRow.right() - 1;
    QVERIFY2(slack < first.width() / 2 + 8, qPrintable(QString::number(slack)));
    QVERIFY(m_view->viewport()->width() - lastInRow.right() < first.width() + 4);
    QVERIFY(!m_view->visualRect(QModelIndex()).isValid());
}

void TestSampleGridView::indexAtInvertsVisualRect()
{
    show(37); // an incomplete last row
    m_view->verticalScrollBar()->setValue(150);
    for (int row = 0; row < 37; ++row) {
        const QRect tile = m_view->visualRect(index(row));
        for (const QPoint point : {tile.topLeft(), tile.center(), tile.bottomRight()}) {
            if (m_view->viewport()->rect().contains(point))
                QCOMPARE(m_view->indexAt(point).row(), row);
        }
        // The gap to the left of a tile and the empty end of the last row hold no tile.
        QVERIFY(!m_view->indexAt(tile.topLeft() - QPoint(1, 0)).isValid() ||
                m_view->indexAt(tile.topLeft() - QPoint(1, 0)).row() != row);
    }
    const QRect last = m_view->visualRect(index(36));
    if (36 % m_view->columnCount() != m_view->columnCount() - 1)
        QVERIFY(!m_view->indexAt(last.center() + QPoint(last.width() + 4, 0)).isValid());
}

void TestSampleGridView::keysMoveTheCurrentTileAcrossTheGrid()
{
    show(50);
    const int columns = m_view->columnCount();
    m_view->setFocus();
    m_view->setCurrentIndex(index(0));
    QTest::keyClick(m_view, Qt::Key_Right);
    QCOMPARE(m_view->currentIndex().row(), 1);
    QTest::keyClick(m_view, Qt::Key_Down);
    QCOMPARE(m_view->currentIndex().row(), 1 + columns);
    QTest::keyClick(m_view, Qt::Key_Up);
    QCOMPARE(m_view->currentIndex().row(), 1);
    QTest::keyClick(m_view, Qt::Key_Left);
    QTest::keyClick(m_view, Qt::Key_Left); // stays on the first tile
    QCOMPARE(m_view->currentIndex().row(), 0);
    QTest::keyClick(m_view, Qt::Key_End);
    QCOMPARE(m_view->currentIndex().row(), 49);
    QVERIFY(m_view->viewport()->rect().intersects(m_view->visualRect(index(49))));
    QTest::keyClick(m_view, Qt::Key_Home);
    QCOMPARE(m_view->currentIndex().row(), 0);
    QTest::keyClick(m_view, Qt::Key_PageDown);
    QVERIFY(m_view->currentIndex().row() >= columns);
    QCOMPARE(m_view->currentIndex().row() % columns, 0);
    // Shift extends the selection from the anchor, as in any list.
    QTest::keyClick(m_view, Qt::Key_Home);
    QTest::keyClick(m_view, Qt::Key_Right, Qt::ShiftModifier);
    QTest::keyClick(m_view, Qt::Key_Right, Qt::ShiftModifier);
    QCOMPARE(m_view->selectedSamples(), (QList<qint64>{0, 10, 20}));
}

void TestSampleGridView::rectangleSelectsTheTilesItTouches()
{
    show(60);
    const int columns = m_view->columnCount();
    QVERIFY(columns >= 3);
    // From the middle of tile 1 to the middle of tile columns + 2: a 2 x 2 block.
    const QPoint from = m_view->visualRect(index(1)).center();
    const QPoint to = m_view->visualRect(index(columns + 2)).center();
    QTest::mousePress(m_view->viewport(), Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, to, m_view->viewport()->mapToGlobal(to), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(m_view->viewport(), &move);
    QTest::mouseRelease(m_view->viewport(), Qt::LeftButton, {}, to);
    const QList<qint64> expected{10, 20, qint64(columns + 1) * 10, qint64(columns + 2) * 10};
    QCOMPARE(m_view->selectedSamples(), expected);

    // A rectangle across whole rows is one range per run, not one per tile.
    m_view->selectAll();
    QCOMPARE(m_view->selectedSamples().size(), 60);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, m_view->visualRect(index(5)).center());
    QCOMPARE(m_view->selectedSamples(), QList<qint64>{50});
}

void TestSampleGridView::scrollToBringsATileIntoView()
{
    show(2000);
    QCOMPARE(m_view->verticalScrollBar()->value(), 0);
    m_view->scrollTo(index(1500));
    QVERIFY(m_view->viewport()->rect().contains(m_view->visualRect(index(1500))));
    m_view->scrollTo(index(3), QAbstractItemView::PositionAtTop);
    QCOMPARE(m_view->verticalScrollBar()->value(), 0);
    m_view->scrollTo(index(1000), QAbstractItemView::PositionAtCenter);
    const QRect centred = m_view->visualRect(index(1000));
    QVERIFY(qAbs(centred.center().y() - m_view->viewport()->height() / 2) <= 1);
    // The range ends with the last row in full view.
    QScrollBar *bar = m_view->verticalScrollBar();
    bar->setValue(bar->maximum());
    QVERIFY(m_view->visualRect(index(1999)).bottom() < m_view->viewport()->height());
    QVERIFY(m_view->visualRect(index(1999)).bottom() > m_view->viewport()->height() - 10);
}

void TestSampleGridView::resizeKeepsTheFirstVisibleTile()
{
    show(2000);
    m_view->scrollTo(index(900), QAbstractItemView::PositionAtTop);
    const QModelIndex top = m_view->indexAt(QPoint(m_view->visualRect(index(900)).center().x(), 10));
    QCOMPARE(top.row(), 900);
    const int columns = m_view->columnCount();
    m_view->resize(m_view->width() + 2 * m_view->visualRect(index(0)).width(), m_view->height());
    QTRY_VERIFY(m_view->columnCount() > columns);
    const QRect tile = m_view->visualRect(index(900));
    QVERIFY2(tile.top() >= 0 && tile.top() < tile.height(), qPrintable(QString::number(tile.top())));
}

void TestSampleGridView::zoomChangesTheTileAndKeepsThePlace()
{
    show(2000);
    m_view->scrollTo(index(1200), QAbstractItemView::PositionAtTop);
    const int firstRow = m_view->indexAt(QPoint(m_view->visualRect(index(0)).center().x(), 10)).row();
    const QSize before = m_view->visualRect(index(0)).size();
    QWheelEvent zoomIn(QPointF(50, 50), m_view->mapToGlobal(QPointF(50, 50)), {}, QPoint(0, 120),
                       Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &zoomIn);
    QCOMPARE(m_view->tileSize(), 112 + 16);
    QVERIFY(m_view->visualRect(index(0)).width() > before.width());
    // The row that was first in view is still at the top (columns may have changed).
    const QRect tile = m_view->visualRect(index(firstRow));
    QVERIFY2(tile.top() >= 0 && tile.top() < tile.height(), qPrintable(QString::number(tile.top())));
    m_view->setTileSize(10000);
    QCOMPARE(m_view->tileSize(), 256);
    m_view->setTileSize(1);
    QCOMPARE(m_view->tileSize(), 48);
}

void TestSampleGridView::modelResetRelaysOut()
{
    show(2000);
    const int longRange = m_view->verticalScrollBar()->maximum();
    m_model->resize(10);
    QTRY_VERIFY(m_view->verticalScrollBar()->maximum() < longRange);
    QCOMPARE(m_view->verticalScrollBar()->maximum(), 0); // ten tiles fit
    QVERIFY(!m_view->indexAt(m_view->visualRect(index(9)).center() + QPoint(0, 400)).isValid());
    m_model->resize(0);
    QTRY_COMPARE(m_view->verticalScrollBar()->maximum(), 0);
    QVERIFY(!m_view->indexAt(QPoint(20, 20)).isValid());
    m_view->viewport()->repaint(); // nothing to paint, nothing to crash on
}

void TestSampleGridView::tenMillionRowsNeedNoPerRowLayout()
{
    // QListView's icon mode laid out every row when the model was set (seconds and 400 MB
    // here); this layout is arithmetic: the scroll range and the last tile's place still hold.
    show(10'000'000);
    m_view->setCurrentIndex(index(0));
    QTest::keyClick(m_view, Qt::Key_End);
    QCOMPARE(m_view->currentIndex().row(), 9'999'999);
    QVERIFY(m_view->viewport()->rect().intersects(m_view->visualRect(index(9'999'999))));
    m_view->viewport()->repaint();
    const QRect last = m_view->visualRect(index(9'999'999));
    QCOMPARE(m_view->indexAt(last.center()).row(), 9'999'999);
}

QTEST_MAIN(TestSampleGridView)
#include "tst_samplegridview.moc"
