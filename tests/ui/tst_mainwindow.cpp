// The desktop shell offscreen: open a project, relabel with a key press, undo, redo.

#include "appearance.h"
#include "classpickerdialog.h"
#include "dataset/sampletable.h"
#include "edits/labelrepository.h"
#include "edits/reviewrepository.h"
#include "fixturedataset.h"
#include "mainwindow.h"
#include "projectsession.h"
#include "reportpanel.h"
#include "samplegridmodel.h"
#include "samplegridview.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

using namespace loupe;

namespace {

/** The label stored in the project file, read through a separate connection. */
int labelInFile(const QString &path, qint64 sample)
{
    auto project = Project::open(path, Project::Access::ReadOnly);
    return LabelRepository(*project).currentLabel(sample);
}

ReviewStatus reviewInFile(const QString &path, qint64 sample)
{
    auto project = Project::open(path, Project::Access::ReadOnly);
    return ReviewRepository(*project).status(sample);
}

/** Selects the grid's row and makes it current, as a click would. */
void selectRow(MainWindow &window, int row)
{
    window.grid()->selectionModel()->setCurrentIndex(window.gridModel()->index(row),
                                                     QItemSelectionModel::ClearAndSelect);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void opensProjectSortedByLoss();
    void numberKeyRelabelsSelectionWithUndoAndRedo();
    void multiSelectionIsOneUndoStep();
    void badFileShowsErrorAndKeepsState();
    void reviewKeysMarkToggleAndUndo();
    void excludedSamplesLeaveTheReport();
    void classPickerFindsAndRelabels();
    void appearanceSwitchesPaletteAndIsRemembered();
    void damagedProjectIsReportedAndNotWritten();

private:
    QTemporaryDir m_dir;
    QString m_path;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_path = test::importFixture(m_dir.path(), test::smallFixtureClasses(), test::smallFixture());
}

void TestMainWindow::opensProjectSortedByLoss()
{
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::projectOpened);
    window.openProject(m_path);
    QTRY_COMPARE(opened.count(), 1);
    SampleGridModel *model = window.gridModel();
    QCOMPARE(model->rowCount(), 6);
    // p(label): b 0.2 < d 0.3 < a 0.7 < e 0.8 < c 0.9, then the unlabeled f.
    QStringList ids;
    for (int row = 0; row < model->rowCount(); ++row)
        ids << model->index(row).data().toString();
    QCOMPARE(ids, (QStringList{QStringLiteral("b"), QStringLiteral("d"), QStringLiteral("a"),
                               QStringLiteral("e"), QStringLiteral("c"), QStringLiteral("f")}));
    QCOMPARE(model->index(0).data(SampleGridModel::PredictedRole).toString(), QStringLiteral("dog"));
    QVERIFY(model->index(0).data(SampleGridModel::IsErrorRole).toBool());
    auto *report = qobject_cast<QStandardItemModel *>(window.reportPanel()->table()->model());
    QCOMPARE(report->rowCount(), 3 + 2); // classes + macro and weighted averages
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("project.loupe")));
}

void TestMainWindow::numberKeyRelabelsSelectionWithUndoAndRedo()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openProject(m_path);
    QVERIFY(window.waitForOpen());
    SampleGridView *grid = window.grid();
    grid->setFocus();
    grid->setCurrentIndex(window.gridModel()->index(0)); // sample b, labelled cat, predicted dog
    grid->selectionModel()->select(window.gridModel()->index(0), QItemSelectionModel::ClearAndSelect);
    QCOMPARE(grid->selectedSamples(), QList<qint64>{1});

    QTest::keyClick(grid, Qt::Key_2); // class 2 in the menu = dog
    QCOMPARE(labelInFile(m_path, 1), 1);
    QCOMPARE(window.session().table().labels[1], 1);
    QVERIFY(window.gridModel()->index(0).data(SampleGridModel::EditedRole).toBool());
    QVERIFY(!window.gridModel()->index(0).data(SampleGridModel::IsErrorRole).toBool());

    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(labelInFile(m_path, 1), 0);
    QCOMPARE(window.session().table().labels[1], 0);
    QVERIFY(std::abs(window.session().table().loss[1] - -std::log(0.2f)) < 1e-5);

    window.session().undoStack()->redo();
    QCOMPARE(labelInFile(m_path, 1), 1);
    window.session().undoStack()->undo();

    auto project = Project::open(m_path, Project::Access::ReadOnly);
    const QList<LabelEdit> history = LabelRepository(*project).history(1);
    QCOMPARE(history.size(), 4); // edit, undo, redo, undo: the trail keeps all of them
    QCOMPARE(history.at(1).source, QStringLiteral("app-undo"));
}

void TestMainWindow::multiSelectionIsOneUndoStep()
{
    MainWindow window;
    window.show();
    window.openProject(m_path);
    QVERIFY(window.waitForOpen());
    SampleGridView *grid = window.grid();
    grid->selectionModel()->select(QItemSelection(window.gridModel()->index(0), window.gridModel()->index(2)),
                                   QItemSelectionModel::ClearAndSelect);
    QCOMPARE(grid->selectedSamples().size(), 3);
    QTest::keyClick(grid, Qt::Key_3); // fox
    QCOMPARE(window.session().undoStack()->count(), 1);
    for (qint64 sample : {1, 3, 0})
        QCOMPARE(labelInFile(m_path, sample), 2);
    window.session().undoStack()->undo();
    QCOMPARE(labelInFile(m_path, 1), 0);
    QCOMPARE(labelInFile(m_path, 3), 1);
    QCOMPARE(labelInFile(m_path, 0), 0);
}

void TestMainWindow::badFileShowsErrorAndKeepsState()
{
    MainWindow window;
    QSignalSpy failed(&window, &MainWindow::openFailed);
    const QString bogus = m_dir.filePath(QStringLiteral("bogus.loupe"));
    QFile file(bogus);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("hello");
    file.close();
    // The warning box is modal: close it as soon as it shows.
    QTimer::singleShot(0, this, [] {
        const auto closeBoxes = [] {
            for (QWidget *widget : QApplication::topLevelWidgets()) {
                if (auto *box = qobject_cast<QMessageBox *>(widget))
                    box->accept();
            }
        };
        for (int i = 1; i <= 50; ++i)
            QTimer::singleShot(i * 100, closeBoxes);
    });
    window.openProject(bogus);
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("not a Loupe project")));
    QVERIFY(!window.session().isOpen());
}

void TestMainWindow::reviewKeysMarkToggleAndUndo()
{
    MainWindow window;
    window.show();
    window.openProject(m_path);
    QVERIFY(window.waitForOpen());
    SampleGridView *grid = window.grid();
    grid->setFocus();
    selectRow(window, 0); // sample b
    QTest::keyClick(grid, Qt::Key_R);
    QCOMPARE(reviewInFile(m_path, 1), ReviewStatus::Reviewed);
    QCOMPARE(window.gridModel()->index(0).data(SampleGridModel::ReviewRole).toInt(),
             int(ReviewStatus::Reviewed));
    // A single mark moves on to the next tile (d), ready for the next verdict.
    QCOMPARE(grid->selectedSamples(), QList<qint64>{3});
    QTest::keyClick(grid, Qt::Key_U);
    QCOMPARE(reviewInFile(m_path, 3), ReviewStatus::Ambiguous);

    // R on a reviewed sample clears the mark.
    selectRow(window, 0);
    QTest::keyClick(grid, Qt::Key_R);
    QCOMPARE(reviewInFile(m_path, 1), ReviewStatus::None);
    QCOMPARE(grid->selectedSamples(), QList<qint64>{1}); // clearing does not move on

    // Undo walks back through all three, each written to the file at once.
    window.session().undoStack()->undo();
    QCOMPARE(reviewInFile(m_path, 1), ReviewStatus::Reviewed);
    window.session().undoStack()->undo();
    QCOMPARE(reviewInFile(m_path, 3), ReviewStatus::None);
    window.session().undoStack()->undo();
    QCOMPARE(reviewInFile(m_path, 1), ReviewStatus::None);
    QCOMPARE(window.session().table().review[1], ReviewStatus::None);
    auto project = Project::open(m_path, Project::Access::ReadOnly);
    QCOMPARE(ReviewRepository(*project).history().size(), 6);
}

void TestMainWindow::excludedSamplesLeaveTheReport()
{
    MainWindow window;
    window.show();
    window.openProject(m_path);
    QVERIFY(window.waitForOpen());
    QVERIFY(window.reportPanel()->summaryText().contains(QStringLiteral("60.0")));
    selectRow(window, 0); // b, one of the two errors
    QTest::keyClick(window.grid(), Qt::Key_X);
    QCOMPARE(reviewInFile(m_path, 1), ReviewStatus::Excluded);
    QVERIFY2(window.reportPanel()->summaryText().contains(QStringLiteral("75.0")),
             qPrintable(window.reportPanel()->summaryText()));
    window.session().undoStack()->undo();
    QVERIFY(window.reportPanel()->summaryText().contains(QStringLiteral("60.0")));
}

void TestMainWindow::classPickerFindsAndRelabels()
{
    ClassPickerDialog picker(test::smallFixtureClasses(), 1);
    QCOMPARE(picker.chosenClass(), 1); // starts on the current label
    QTest::keyClicks(picker.filterEdit(), QStringLiteral("FO"));
    QCOMPARE(picker.matchCount(), 1);
    QCOMPARE(picker.chosenClass(), 2); // fox, case-insensitively
    picker.filterEdit()->clear();
    QCOMPARE(picker.matchCount(), 3);
    QTest::keyClick(picker.filterEdit(), Qt::Key_Down);
    QTest::keyClick(picker.filterEdit(), Qt::Key_Down);
    QCOMPARE(picker.chosenClass(), 2);
    QTest::keyClick(picker.filterEdit(), Qt::Key_Up);
    QCOMPARE(picker.chosenClass(), 1);
    QTest::keyClicks(picker.filterEdit(), QStringLiteral("zebra"));
    QCOMPARE(picker.chosenClass(), -1);

    // In the window, L opens the picker; typing and Enter relabels the selection.
    MainWindow window;
    window.show();
    window.openProject(m_path);
    QVERIFY(window.waitForOpen());
    selectRow(window, 0); // b, labelled cat
    QTimer::singleShot(0, this, [] {
        auto *dialog = qobject_cast<ClassPickerDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        QTest::keyClicks(dialog->filterEdit(), QStringLiteral("do"));
        QTest::keyClick(dialog->filterEdit(), Qt::Key_Return);
    });
    QTest::keyClick(window.grid(), Qt::Key_L);
    QCOMPARE(labelInFile(m_path, 1), 1);
    window.session().undoStack()->undo();
    QCOMPARE(labelInFile(m_path, 1), 0);
}

void TestMainWindow::appearanceSwitchesPaletteAndIsRemembered()
{
    const QPalette system = QApplication::palette();
    applyAppearance(Appearance::Dark);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
    QVERIFY(QApplication::palette().color(QPalette::Text).lightness() > 200);
    applyAppearance(Appearance::Light);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
    applyAppearance(Appearance::System);
    QCOMPARE(QApplication::palette().color(QPalette::Window), system.color(QPalette::Window));

    saveAppearance(Appearance::Dark);
    QCOMPARE(savedAppearance(), Appearance::Dark);
    saveAppearance(Appearance::System);
    QCOMPARE(savedAppearance(), Appearance::System);
}

void TestMainWindow::damagedProjectIsReportedAndNotWritten()
{
    // Garbage over every page after the schema page: the app opens fast and checks the file
    // in the background, so the damage is found either while loading or by that check.
    const QString path = m_dir.filePath(QStringLiteral("damaged.loupe"));
    {
        auto project = Project::open(m_path, Project::Access::ReadOnly);
        project->database().exec(QStringLiteral("VACUUM INTO '%1'").arg(path));
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 pages = file.size() / 4096;
    QVERIFY(pages > 4);
    for (qint64 page = 1; page < pages; ++page) {
        file.seek(page * 4096);
        file.write(QByteArray(4096, char(0xA5)));
    }
    file.close();
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();

    MainWindow window;
    QSignalSpy failed(&window, &MainWindow::openFailed);
    QTimer closer;
    connect(&closer, &QTimer::timeout, this, [] {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (auto *box = qobject_cast<QMessageBox *>(widget))
                box->accept();
        }
    });
    closer.start(50);
    window.openProject(path);
    window.waitForOpen();
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("damaged")),
             qPrintable(failed.first().first().toString()));
    QVERIFY(!window.session().isOpen());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
