// The confusion-matrix heatmap offscreen: clicks and keys activate the right cell, errors are
// painted hotter than empty cells, and the recall view shows row percentages.

#include "confusionmatrixview.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

using namespace loupe;

namespace {

const QStringList kClasses{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("fox")};

/** Given fox is often predicted cat (40 of 100); nothing given cat is predicted fox. */
std::vector<std::vector<qint64>> threeClassCounts()
{
    return {{90, 10, 0}, {5, 80, 15}, {40, 2, 58}};
}

QRgb pixelAt(const QImage &frame, QPoint widgetPos)
{
    const qreal dpr = frame.devicePixelRatio();
    return frame.pixel(int(widgetPos.x() * dpr), int(widgetPos.y() * dpr));
}

/** A point inside the cell's fill but clear of its centred text. */
QPoint fillPoint(const QRect &cell)
{
    return {cell.center().x(), cell.top() + 4};
}

/** Warmth: how much red outweighs blue; positive for orange/red, about 0 for grays. */
int warmth(QRgb c)
{
    return qRed(c) - qBlue(c);
}

} // namespace

class TestConfusionMatrixView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void clickEmitsGivenAndPredicted();
    void arrowKeysMoveFocusAndEnterActivates();
    void errorCellIsHotterThanEmptyCell();
    void rowShareShowsPercentOfRow();
    void manyClassesHideCellTextButKeepToolTips();
    void nonSquareMatrixClearsView();

private:
    ConfusionMatrixView *m_view = nullptr;
};

void TestConfusionMatrixView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestConfusionMatrixView::init()
{
    m_view = new ConfusionMatrixView;
    m_view->setMatrix(kClasses, threeClassCounts());
    m_view->resize(420, 360);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
}

void TestConfusionMatrixView::cleanup()
{
    delete m_view;
    m_view = nullptr;
}

void TestConfusionMatrixView::clickEmitsGivenAndPredicted()
{
    QSignalSpy activated(m_view, &ConfusionMatrixView::cellActivated);
    const QRect cell = m_view->cellRect(2, 0);
    QVERIFY(cell.width() >= 40); // 3 classes in 420x360 get roomy cells
    QCOMPARE(m_view->cellAt(cell.center()), QPoint(2, 0));

    QTest::mouseClick(m_view, Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toInt(), 2);
    QCOMPARE(activated.at(0).at(1).toInt(), 0);
    QCOMPARE(m_view->focusCell(), QPoint(2, 0));

    // Outside the grid (the margin) nothing is activated.
    QTest::mouseClick(m_view, Qt::LeftButton, {}, QPoint(2, 2));
    QCOMPARE(activated.size(), 1);
}

void TestConfusionMatrixView::arrowKeysMoveFocusAndEnterActivates()
{
    QSignalSpy activated(m_view, &ConfusionMatrixView::cellActivated);
    m_view->setFocus();
    QCOMPARE(m_view->focusCell(), QPoint(0, 0));

    QTest::keyClick(m_view, Qt::Key_Down);
    QTest::keyClick(m_view, Qt::Key_Down);
    QTest::keyClick(m_view, Qt::Key_Down); // clamped at the last row
    QTest::keyClick(m_view, Qt::Key_Right);
    QCOMPARE(m_view->focusCell(), QPoint(2, 1));
    QTest::keyClick(m_view, Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toInt(), 2);
    QCOMPARE(activated.at(0).at(1).toInt(), 1);

    QTest::keyClick(m_view, Qt::Key_Up);
    QTest::keyClick(m_view, Qt::Key_End);
    QTest::keyClick(m_view, Qt::Key_Enter);
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toInt(), 1);
    QCOMPARE(activated.at(1).at(1).toInt(), 2);
}

void TestConfusionMatrixView::errorCellIsHotterThanEmptyCell()
{
    const QImage frame = m_view->grab().toImage();
    const QRgb error = pixelAt(frame, fillPoint(m_view->cellRect(2, 0)));   // 40 errors
    const QRgb empty = pixelAt(frame, fillPoint(m_view->cellRect(0, 2)));   // 0
    const QRgb correct = pixelAt(frame, fillPoint(m_view->cellRect(0, 0))); // diagonal

    QVERIFY2(warmth(error) > warmth(empty) + 80,
             qPrintable(QColor(error).name() + QStringLiteral(" vs ") + QColor(empty).name()));
    QVERIFY2(qAbs(warmth(empty)) < 16, qPrintable(QColor(empty).name()));              // empty is neutral
    QVERIFY2(qBlue(correct) > qRed(correct) + 40, qPrintable(QColor(correct).name())); // diagonal is cool
}

void TestConfusionMatrixView::rowShareShowsPercentOfRow()
{
    QCOMPARE(m_view->cellText(2, 0), QStringLiteral("40"));
    m_view->setNormalization(ConfusionMatrixView::Normalization::RowShare);
    QCOMPARE(m_view->normalization(), ConfusionMatrixView::Normalization::RowShare);
    // Row "fox" holds 100 samples, 40 predicted cat.
    const QString percent = QLocale().toString(40.0, 'f', 1) + u'%';
    QCOMPARE(m_view->cellText(2, 0), percent + QStringLiteral("\n40"));
    QCOMPARE(m_view->cellText(0, 2), QStringLiteral("0%\n0"));
    QCOMPARE(m_view->cellToolTip(2, 0),
             QStringLiteral("given fox predicted cat: 40 samples (") + percent + QStringLiteral(" of fox)"));
    QCOMPARE(m_view->cellToolTip(1, 1), QStringLiteral("given dog predicted dog: 80 samples (80.0% of dog)"));
}

void TestConfusionMatrixView::manyClassesHideCellTextButKeepToolTips()
{
    constexpr int n = 100;
    QStringList names;
    std::vector<std::vector<qint64>> counts(n, std::vector<qint64>(n, 3));
    for (int i = 0; i < n; ++i) {
        names << QStringLiteral("class %1").arg(i);
        counts[size_t(i)][size_t(i)] = 9000;
    }
    m_view->setMatrix(names, counts);
    m_view->resize(700, 700);
    QTRY_VERIFY(m_view->cellRect(0, 0).width() < 10);

    // A small cell is one flat color: no text was squeezed into it.
    const QImage frame = m_view->grab().toImage();
    const QRect cell = m_view->cellRect(10, 10);
    const QRgb fill = pixelAt(frame, cell.topLeft());
    for (int y = cell.top(); y < cell.bottom(); ++y)
        for (int x = cell.left(); x < cell.right(); ++x)
            QCOMPARE(pixelAt(frame, {x, y}), fill);
    QCOMPARE(m_view->cellToolTip(10, 11),
             QStringLiteral("given class 10 predicted class 11: 3 samples (<0.1% of class 10)"));
    QCOMPARE(m_view->cellAt(m_view->cellRect(99, 98).center()), QPoint(99, 98));
}

void TestConfusionMatrixView::nonSquareMatrixClearsView()
{
    m_view->setMatrix(kClasses, {{1, 2}, {3, 4}});
    QCOMPARE(m_view->classCount(), 0);
    QVERIFY(m_view->cellRect(0, 0).isEmpty());
    QCOMPARE(m_view->focusCell(), QPoint(-1, -1));
}

QTEST_MAIN(TestConfusionMatrixView)
#include "tst_confusionmatrixview.moc"
