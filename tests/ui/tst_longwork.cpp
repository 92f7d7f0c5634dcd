// Long work in the window, offscreen: New Project imports a dataset folder in the
// background and opens it, the analysis runs from the app and its results replace the
// old ones without losing the undo history, cancelling leaves no project behind, and
// closing the window during work cancels it before the window goes.

#include "analysis/steps/kmeansstep.h"
#include "analysis/steps/labelissuesstep.h"
#include "analysis/steps/mapstep.h"
#include "backgroundtask.h"
#include "common/progress.h"
#include "controllers/exportcontroller.h"
#include "controllers/workflowcontroller.h"
#include "demo/fashionmnistdemo.h"
#include "mainwindow.h"
#include "newprojectdialog.h"
#include "panels/comparepanel.h"
#include "projectsession.h"
#include "samplegridmodel.h"
#include "storage/project.h"
#include "taskprogresswidget.h"

#include <QCheckBox>
#include <QDirIterator>
#include <QStatusBar>
#include <QDialogButtonBox>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QComboBox>
#include <QTableView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

using namespace loupe;

class TestLongWork : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dialogDetectsTheFolderAndSuggestsAProjectFile();
    void dialogRefusesFoldersWithNothingToImport();
    void newProjectImportsAnalysesAndOpens();
    void analyseFromTheAppKeepsUndoHistory();
    void cancelledImportLeavesNoProject();
    void importErrorIsReportedAndNothingWritten();
    void closingDuringWorkCancelsFirst();
    void exportsClassFoldersInTheBackground();
    void importsARunAndComparesIt();

private:
    /** Waits for the window's long work to end; returns (cancelled, error). */
    static QPair<bool, QString> waitForTask(MainWindow &window, QSignalSpy &finished);

    QTemporaryDir m_dir;
    DemoResult m_demo;
};

void TestLongWork::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    DemoOptions options;
    options.limit = 800;
    options.folds = 2;
    options.model.epochs = 2;
    Progress progress;
    m_demo = buildFashionMnistDemo(m_dir.filePath(QStringLiteral("demo")), options, progress);
}

QPair<bool, QString> TestLongWork::waitForTask(MainWindow &window, QSignalSpy &finished)
{
    if (!finished.wait(120000) && finished.isEmpty())
        return {false, QStringLiteral("timed out")};
    Q_UNUSED(window);
    const QList<QVariant> arguments = finished.takeFirst();
    return {arguments.at(0).toBool(), arguments.at(1).toString()};
}

void TestLongWork::dialogDetectsTheFolderAndSuggestsAProjectFile()
{
    NewProjectDialog dialog;
    QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled());
    dialog.setDatasetFolder(m_demo.datasetFolder);
    QVERIFY2(ok->isEnabled(), qPrintable(dialog.problem()));
    QCOMPARE(dialog.projectPath(),
             QFileInfo(m_demo.datasetFolder).absolutePath() + QStringLiteral("/dataset.loupe"));
    QCOMPARE(dialog.runName(), QStringLiteral("model"));
    QVERIFY(dialog.analyzeAfterImport());
    QVERIFY(!dialog.replaceExisting());

    // A project file that exists is not replaced without the file dialog's question.
    dialog.findChild<QLineEdit *>(QStringLiteral("projectFile"))->setText(m_demo.projectPath);
    QVERIFY(!ok->isEnabled());
    QVERIFY(dialog.problem().contains(QStringLiteral("exists")));
}

void TestLongWork::dialogRefusesFoldersWithNothingToImport()
{
    NewProjectDialog dialog;
    QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    const QString empty = m_dir.filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(empty));
    dialog.setDatasetFolder(empty);
    QVERIFY(!ok->isEnabled());
    QVERIFY(dialog.problem().contains(QStringLiteral("Nothing to import")));
    dialog.setDatasetFolder(m_dir.filePath(QStringLiteral("no-such-folder")));
    QVERIFY(dialog.problem().contains(QStringLiteral("not a folder")));
}

void TestLongWork::newProjectImportsAnalysesAndOpens()
{
    MainWindow window;
    window.show();
    QSignalSpy finished(&window, &MainWindow::taskFinished);
    QSignalSpy progressed(window.task(), &BackgroundTask::progressed);
    QSignalSpy opened(&window, &MainWindow::projectOpened);
    const QString path = m_dir.filePath(QStringLiteral("imported.loupe"));
    QVERIFY(window.workflows().importDataset(m_demo.datasetFolder, path, QStringLiteral("mlp"), true));
    QVERIFY(window.task()->isRunning());
    QVERIFY(window.taskProgress()->isVisible());
    QVERIFY(window.taskProgress()->text().startsWith(QStringLiteral("Importing dataset")));
    // One task at a time: a second start is refused, not queued behind the first.
    QVERIFY(!window.workflows().importDataset(m_demo.datasetFolder, path, QStringLiteral("again"), false));

    const auto [cancelled, error] = waitForTask(window, finished);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!cancelled);
    QVERIFY(progressed.count() > 5);
    QVERIFY(window.waitForOpen());
    QCOMPARE(opened.count(), 1);
    QCOMPARE(window.session().table().size(), m_demo.samples);
    QVERIFY(window.session().analysis().get<LabelIssueResults>().hasScores());
    QVERIFY(window.session().analysis().get<MapResults>().hasMap());
    QVERIFY(!window.taskProgress()->isVisible());
}

void TestLongWork::analyseFromTheAppKeepsUndoHistory()
{
    const QString path = m_dir.filePath(QStringLiteral("unanalysed.loupe"));
    {
        MainWindow importer;
        QSignalSpy finished(&importer, &MainWindow::taskFinished);
        QVERIFY(importer.workflows().importDataset(m_demo.datasetFolder, path, QStringLiteral("mlp"), false));
        QVERIFY(waitForTask(importer, finished).second.isEmpty());
    }
    MainWindow window;
    window.show();
    window.openProject(path);
    QVERIFY(window.waitForOpen());
    QVERIFY(!window.session().analysis().get<LabelIssueResults>().hasScores());
    QVERIFY(window.session().relabel({0}, (window.session().table().labels[0] + 1) % 10));

    QSignalSpy reloaded(&window.session(), &ProjectSession::analysisReloaded);
    QSignalSpy finished(&window, &MainWindow::taskFinished);
    QVERIFY(window.workflows().analyseProject());
    // Edits wait while the analysis writes: one made now would be overwritten by results
    // computed from the labels the analysis read when it started.
    QSignalSpy refused(&window.session(), &ProjectSession::editFailed);
    QVERIFY(!window.session().relabel({1}, (window.session().table().labels[1] + 1) % 10));
    QCOMPARE(refused.count(), 1);
    QVERIFY2(refused.first().first().toString().contains(QStringLiteral("analysis")),
             qPrintable(refused.first().first().toString()));
    const auto [cancelled, error] = waitForTask(window, finished);
    QVERIFY2(error.isEmpty() && !cancelled, qPrintable(error));
    QCOMPARE(reloaded.count(), 1);
    QVERIFY(!window.session().areEditsHeld());
    const AnalysisResults &analysis = window.session().analysis();
    QVERIFY(analysis.get<LabelIssueResults>().hasScores());
    QVERIFY(!analysis.get<EmbeddingClusters>().clusters.empty());
    // The grid now leads with the likeliest label error.
    const qint64 first = window.gridModel()->sampleAt(0);
    const float top = *std::max_element(analysis.get<LabelIssueResults>().issueScore.begin(),
                                        analysis.get<LabelIssueResults>().issueScore.end(),
                                        [](float a, float b) { return !(a >= b) && !std::isnan(b); });
    QCOMPARE(analysis.get<LabelIssueResults>().issueScore[size_t(first)], top);
    // The edit made before the analysis can still be undone.
    QCOMPARE(window.session().undoStack()->count(), 1);
    window.session().undoStack()->undo();
    QVERIFY(!window.session().table().isEdited(0));
}

void TestLongWork::cancelledImportLeavesNoProject()
{
    MainWindow window;
    QSignalSpy finished(&window, &MainWindow::taskFinished);
    QSignalSpy opened(&window, &MainWindow::projectOpened);
    const QString path = m_dir.filePath(QStringLiteral("cancelled.loupe"));
    QVERIFY(window.workflows().importDataset(m_demo.datasetFolder, path, QStringLiteral("mlp"), true));
    window.taskProgress()->cancelButton()->click();
    QVERIFY(window.taskProgress()->text().startsWith(QStringLiteral("Cancelling")));
    const auto [cancelled, error] = waitForTask(window, finished);
    QVERIFY(cancelled);
    QVERIFY(error.isEmpty());
    QCoreApplication::processEvents();
    QCOMPARE(opened.count(), 0);
    QVERIFY(!QFile::exists(path));
    const QStringList leftovers = QDir(m_dir.path()).entryList({QStringLiteral("cancelled*")});
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
}

void TestLongWork::importErrorIsReportedAndNothingWritten()
{
    // A dataset with an unknown class in samples.csv: the import fails with the file and row.
    const QString folder = m_dir.filePath(QStringLiteral("broken"));
    QVERIFY(QDir().mkpath(folder));
    auto write = [&folder](const QString &name, const QByteArray &text) {
        QFile file(QDir(folder).filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
    };
    write(QStringLiteral("classes.txt"), "cat\ndog\n");
    write(QStringLiteral("samples.csv"), "id,image,label\na,a.png,cat\nb,b.png,cow\n");
    write(QStringLiteral("a.png"), "");
    write(QStringLiteral("b.png"), "");

    MainWindow window;
    QSignalSpy finished(&window, &MainWindow::taskFinished);
    // The failure shows a modal warning: close it as soon as it shows.
    QTimer timer;
    connect(&timer, &QTimer::timeout, this, [] {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (auto *box = qobject_cast<QMessageBox *>(widget))
                box->accept();
        }
    });
    timer.start(50);
    const QString path = m_dir.filePath(QStringLiteral("broken.loupe"));
    QVERIFY(window.workflows().importDataset(folder, path, QStringLiteral("mlp"), true));
    const auto [cancelled, error] = waitForTask(window, finished);
    QVERIFY(!cancelled);
    QVERIFY2(error.contains(QStringLiteral("samples.csv")) && error.contains(QStringLiteral("cow")),
             qPrintable(error));
    QVERIFY(!QFile::exists(path));
    QVERIFY(!window.session().isOpen());
}

void TestLongWork::closingDuringWorkCancelsFirst()
{
    auto *window = new MainWindow;
    window->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<MainWindow> guard(window);
    window->show();
    QSignalSpy finished(window, &MainWindow::taskFinished);
    const QString path = m_dir.filePath(QStringLiteral("closed.loupe"));
    QVERIFY(window->workflows().importDataset(m_demo.datasetFolder, path, QStringLiteral("mlp"), true));
    QVERIFY(!window->close()); // refused for now: the work is cancelled first
    QVERIFY(window->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 60000); // then the window closes by itself
    QCOMPARE(finished.count(), 1);
    QVERIFY(finished.first().at(0).toBool()); // cancelled
    QVERIFY(!QFile::exists(path));
}

void TestLongWork::exportsClassFoldersInTheBackground()
{
    MainWindow window;
    window.show();
    window.openProject(m_demo.projectPath);
    QVERIFY(window.waitForOpen());
    QSignalSpy finished(&window, &MainWindow::taskFinished);
    const QString tree = m_dir.filePath(QStringLiteral("tree"));
    QVERIFY(window.exports().exportClassFolderTree(tree, true));
    const auto [cancelled, error] = waitForTask(window, finished);
    QVERIFY2(error.isEmpty() && !cancelled, qPrintable(error));
    qint64 files = 0;
    QDirIterator it(tree, QDir::Files | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QVERIFY(QFileInfo(it.next()).isSymLink());
        ++files;
    }
    QCOMPARE(files, m_demo.samples);
    // Class folders under split folders, named as the project's classes.
    const QStringList splits = QDir(tree).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(splits, window.session().table().splitNames);
    QCOMPARE(QDir(tree).entryList({}, QDir::Dirs | QDir::NoDotAndDotDot).size(), splits.size());
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("Wrote")));
}

void TestLongWork::importsARunAndComparesIt()
{
    const QString path = m_dir.filePath(QStringLiteral("loop.loupe"));
    QVERIFY(QFile::copy(m_demo.projectPath, path));
    // The demo model trained again with another seed: a second run of the same samples.
    DemoOptions options;
    options.folds = 2;
    options.model.epochs = 2;
    options.model.seed = 99;
    Progress progress;
    const QString runFolder = m_dir.filePath(QStringLiteral("run2"));
    retrainFashionMnistDemo(path, runFolder, options, progress);

    MainWindow window;
    window.show();
    window.openProject(path);
    QVERIFY(window.waitForOpen());
    ComparePanel *compare = window.comparePanel();
    QVERIFY(!compare->fixedButton()->isEnabled());
    QCOMPARE(compare->beforeBox()->count(), 1);

    QSignalSpy finished(&window, &MainWindow::taskFinished);
    QSignalSpy opened(&window, &MainWindow::projectOpened);
    QVERIFY(window.workflows().importRun(runFolder, QStringLiteral("seed-99")));
    const auto [cancelled, error] = waitForTask(window, finished);
    QVERIFY2(error.isEmpty() && !cancelled, qPrintable(error));
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(window.waitForOpen());
    QCOMPARE(window.session().project()->runs().size(), 2);
    QCOMPARE(window.session().table().runId, window.session().project()->latestRunId());
    QVERIFY(window.session().analysis().get<LabelIssueResults>().hasScores()); // the new run was analysed

    // The newest run against the one before, preselected.
    QCOMPARE(compare->beforeBox()->count(), 2);
    QCOMPARE(compare->afterBox()->currentIndex(), 1);
    compare->compare();
    compare->waitForComparison();
    QVERIFY(compare->hasComparison());
    QCOMPARE(compare->comparison().after.name, QStringLiteral("seed-99"));
    QCOMPARE(compare->classTable()->model()->rowCount(), 10);
    QVERIFY(compare->summaryText().contains(QStringLiteral("accuracy")));
    QVERIFY(compare->fixedButton()->isEnabled());
    compare->fixedButton()->click();
    QVERIFY(window.session().filterDescription().contains(QStringLiteral("fixed in seed-99")));
    QCOMPARE(window.session().filteredCount(), qint64(compare->comparison().fixed.size()));
    QCOMPARE(window.gridModel()->rowCount(), int(compare->comparison().fixed.size()));
}

QTEST_MAIN(TestLongWork)
#include "tst_longwork.moc"
