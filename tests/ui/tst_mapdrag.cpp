// One mouse drag on the embedding map (MapDrag): its kind and how a selection combines follow
// the tool and the modifiers at the press, row by row; before the drag distance a release is a
// click, after it the shape follows the cursor.

#include "mapdrag.h"

#include <QtTest>

using namespace loupe;

class TestMapDrag : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dragKindAndCombinationFollowToolAndModifiers_data();
    void dragKindAndCombinationFollowToolAndModifiers();
};

void TestMapDrag::dragKindAndCombinationFollowToolAndModifiers_data()
{
    using Kind = MapDrag::Kind;
    QTest::addColumn<int>("button");
    QTest::addColumn<int>("modifiers");
    QTest::addColumn<int>("tool");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("op");
    const int left = Qt::LeftButton, shift = Qt::ShiftModifier, ctrl = Qt::ControlModifier,
              alt = Qt::AltModifier;
    const auto row = [](const char *name, int button, int modifiers, Kind tool, Kind kind, SelectionOp op) {
        QTest::newRow(name) << button << modifiers << int(tool) << int(kind) << int(op);
    };
    row("middle button pans with any tool", Qt::MiddleButton, 0, Kind::Lasso, Kind::Pan,
        SelectionOp::Replace);
    row("pan tool pans", left, 0, Kind::Pan, Kind::Pan, SelectionOp::Replace);
    row("pan tool, Shift: rectangle", left, shift, Kind::Pan, Kind::Rectangle, SelectionOp::Replace);
    row("pan tool, Ctrl: lasso", left, ctrl, Kind::Pan, Kind::Lasso, SelectionOp::Replace);
    row("pan tool, Ctrl+Shift: lasso adds", left, ctrl | shift, Kind::Pan, Kind::Lasso, SelectionOp::Add);
    row("pan tool, Shift+Alt: rectangle subtracts", left, shift | alt, Kind::Pan, Kind::Rectangle,
        SelectionOp::Subtract);
    row("rectangle tool replaces", left, 0, Kind::Rectangle, Kind::Rectangle, SelectionOp::Replace);
    row("rectangle tool, Shift adds", left, shift, Kind::Rectangle, Kind::Rectangle, SelectionOp::Add);
    row("lasso tool, Ctrl adds", left, ctrl, Kind::Lasso, Kind::Lasso, SelectionOp::Add);
    row("lasso tool, Alt subtracts", left, alt, Kind::Lasso, Kind::Lasso, SelectionOp::Subtract);
}

void TestMapDrag::dragKindAndCombinationFollowToolAndModifiers()
{
    QFETCH(int, button);
    QFETCH(int, modifiers);
    QFETCH(int, tool);
    QFETCH(int, kind);
    QFETCH(int, op);
    MapDrag drag = MapDrag::press({10, 10}, Qt::MouseButton(button), Qt::KeyboardModifiers(modifiers),
                                  MapDrag::Kind(tool));
    QCOMPARE(int(drag.kind()), kind);
    QCOMPARE(int(drag.op()), op);
    // A release before the drag distance is a click; past it the shape follows the cursor.
    QVERIFY(!drag.moveTo({11, 10}, 4));
    QVERIFY(!drag.hasMoved());
    drag.moveTo({30, 40}, 4);
    QVERIFY(drag.hasMoved());
    if (drag.kind() == MapDrag::Kind::Rectangle) {
        QCOMPARE(drag.rectangle({30, 40}), QRectF(10, 10, 20, 30));
        QVERIFY(drag.encloses({20, 20}, {30, 40}));
        QVERIFY(!drag.encloses({5, 20}, {30, 40}));
    }
}

QTEST_MAIN(TestMapDrag)
#include "tst_mapdrag.moc"
