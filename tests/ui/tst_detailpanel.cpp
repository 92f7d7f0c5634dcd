// The sample detail view on a small analysed Fashion-MNIST project, offscreen: it shows the
// selected sample's header, its stored probabilities and kNN neighbours, follows relabel and
// undo in the history, selects a clicked neighbour, drops stale loads, and names a missing or
// unreadable image file, and refreshes its analysis rows after the analysis ran again. A
// screenshot goes to /tmp for the README.

#include "analysis/pipeline/analysispipeline.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/steps/labelissuesstep.h"
#include "common/progress.h"
#include "demo/fashionmnistdemo.h"
#include "fixturedataset.h"
#include "panels/detailpanel.h"
#include "panels/probabilitybars.h"
#include "projectsession.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace loupe;

class TestDetailPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void placeholderWithoutSelection();
    void selectionShowsHeaderAndImage();
    void barsHoldStoredProbabilities();
    void barsShowTopTenAndGivenLabelForManyClasses();
    void relabelAndUndoShowInHistoryAndHeader();
    void neighboursEqualStoredKnnRow();
    void clickingNeighbourSelectsIt();
    void metadataShowsSampleValues();
    void staleLoadIsDropped();
    void missingImageAndNoKnnGraphAreExplained();
    void closeShowsPlaceholder();
    void reanalysisRefreshesTheAnalysisRows();
    void screenshot();

private:
    void select(qint64 sample);
    QString headerText() const;
    std::vector<float> storedRow(RunArray array, qint64 sample) const;
    /** A sample the model disagrees with, so the header and bars have two classes to mark. */
    qint64 disputedSample() const;

    QTemporaryDir m_dir;
    DemoResult m_demo;
    std::unique_ptr<ProjectSession> m_session;
    std::unique_ptr<DetailPanel> m_panel;
};

void TestDetailPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    DemoOptions options;
    options.limit = 600;
    options.folds = 2;
    options.model.epochs = 3;
    Progress progress;
    m_demo = buildFashionMnistDemo(m_dir.filePath(QStringLiteral("demo")), options, progress);
    auto project = Project::open(m_demo.projectPath);
    AnalysisPipeline(*project).run(AnalysisOptions(), progress);
}

void TestDetailPanel::init()
{
    m_session = std::make_unique<ProjectSession>();
    m_session->open(m_demo.projectPath);
    m_panel = std::make_unique<DetailPanel>(*m_session);
    m_panel->resize(460, 980);
    m_panel->show();
}

void TestDetailPanel::cleanup()
{
    m_panel.reset();
    m_session.reset();
}

void TestDetailPanel::select(qint64 sample)
{
    m_session->setSelection({sample});
    QTRY_VERIFY(!m_panel->isLoading());
    QCOMPARE(m_panel->currentSample(), sample);
}

QString TestDetailPanel::headerText() const
{
    QTextDocument document;
    document.setHtml(m_panel->header()->text());
    return document.toPlainText();
}

std::vector<float> TestDetailPanel::storedRow(RunArray array, qint64 sample) const
{
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    return RunArrays(project->database(), m_session->table().runId).readRow(array, sample);
}

qint64 TestDetailPanel::disputedSample() const
{
    const SampleTable &table = m_session->table();
    for (qint64 i = 0; i < table.size(); ++i) {
        if (table.labels[size_t(i)] >= 0 && table.predicted[size_t(i)] != table.labels[size_t(i)])
            return i;
    }
    return -1;
}

void TestDetailPanel::placeholderWithoutSelection()
{
    QCOMPARE(m_panel->currentSample(), -1);
    QVERIFY(!m_panel->isLoading());
    QVERIFY(!m_panel->header()->isVisible());
}

void TestDetailPanel::selectionShowsHeaderAndImage()
{
    const qint64 sample = disputedSample();
    QVERIFY(sample >= 0);
    QSignalSpy shown(m_panel.get(), &DetailPanel::detailsShown);
    QElapsedTimer timer;
    timer.start();
    m_session->setSelection({sample});
    QVERIFY(shown.wait(5000));
    qInfo("selection to details on screen: %lld ms", qint64(timer.elapsed()));
    QVERIFY(!m_panel->isLoading());
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toLongLong(), sample);

    const SampleTable &table = m_session->table();
    const auto i = size_t(sample);
    const QString header = headerText();
    QVERIFY2(header.contains(table.ids.at(sample)), qPrintable(header));
    QVERIFY(header.contains(table.classNames[table.labels[i]]));
    const QString confidence =
        QString::number(double(table.confidence[i]) * 100.0, 'f', 1) + QLatin1Char('%');
    QVERIFY2(header.contains(table.classNames[table.predicted[i]]), qPrintable(header));
    QVERIFY2(header.contains(confidence), qPrintable(header));
    QVERIFY(header.contains(QStringLiteral("Loss")));
    QVERIFY(header.contains(QStringLiteral("Issue score")));
    QVERIFY(!header.contains(QStringLiteral("edited")));
    QVERIFY(m_panel->header()->isVisible());
    // The decoded image is the file itself (28 x 28 Fashion-MNIST), shown enlarged.
    QCOMPARE(m_panel->image().size(), QSize(28, 28));
    QVERIFY(m_panel->imageMessage().isEmpty());
}

void TestDetailPanel::barsHoldStoredProbabilities()
{
    const qint64 sample = disputedSample();
    select(sample);
    const std::vector<float> stored = storedRow(RunArray::Probabilities, sample);
    const ProbabilityBars *bars = m_panel->probabilityBars();
    QCOMPARE(bars->probabilities(), stored);
    // Ten classes: all shown, most probable first, the top one the predicted class.
    QCOMPARE(bars->bars().size(), size_t(10));
    const SampleTable &table = m_session->table();
    QCOMPARE(bars->bars().front().classIndex, table.predicted[size_t(sample)]);
    QCOMPARE(bars->predictedClass(), table.predicted[size_t(sample)]);
    QCOMPARE(bars->givenClass(), table.labels[size_t(sample)]);
    for (size_t row = 0; row < bars->bars().size(); ++row) {
        const ProbabilityBars::Bar &bar = bars->bars()[row];
        QCOMPARE(bar.probability, stored[size_t(bar.classIndex)]);
        if (row > 0)
            QVERIFY(bar.probability <= bars->bars()[row - 1].probability);
    }
}

void TestDetailPanel::barsShowTopTenAndGivenLabelForManyClasses()
{
    ProbabilityBars bars;
    QStringList names;
    std::vector<float> probabilities;
    for (int c = 0; c < 30; ++c) {
        names << QStringLiteral("class %1").arg(c);
        probabilities.push_back(float(c + 1) / 465.0f); // class 29 most probable
    }
    bars.setProbabilities(probabilities, names, 3, 29);
    QCOMPARE(bars.bars().size(), size_t(11));
    QCOMPARE(bars.bars().front().classIndex, 29);
    QCOMPARE(bars.bars()[9].classIndex, 20);
    QCOMPARE(bars.bars().back().classIndex, 3); // the given label, though far down the ranking
    bars.setProbabilities(probabilities, names, 25, 29);
    QCOMPARE(bars.bars().size(), size_t(10));
}

void TestDetailPanel::relabelAndUndoShowInHistoryAndHeader()
{
    const qint64 sample = disputedSample();
    select(sample);
    const SampleTable &table = m_session->table();
    const int oldLabel = table.labels[size_t(sample)];
    const int newLabel = table.predicted[size_t(sample)];
    QStandardItemModel *history = m_panel->historyModel();
    const int before = history->rowCount();
    const QString change = table.classNames[oldLabel] + QStringLiteral(" → ") + table.classNames[newLabel];

    QVERIFY(m_session->relabel({sample}, newLabel));
    QTRY_COMPARE(history->rowCount(), before + 1);
    QTRY_VERIFY(!m_panel->isLoading());
    QCOMPARE(history->index(0, 1).data().toString(), change);
    QCOMPARE(history->index(0, 2).data().toString(), QStringLiteral("app"));
    QVERIFY2(headerText().contains(QStringLiteral("edited")), qPrintable(headerText()));
    QVERIFY(headerText().contains(QStringLiteral("imported as ") + table.classNames[oldLabel]));
    QCOMPARE(m_panel->probabilityBars()->givenClass(), newLabel);

    m_session->undoStack()->undo();
    QTRY_COMPARE(history->rowCount(), before + 2);
    QTRY_VERIFY(!m_panel->isLoading());
    QCOMPARE(history->index(0, 1).data().toString(),
             table.classNames[newLabel] + QStringLiteral(" → ") + table.classNames[oldLabel]);
    QCOMPARE(history->index(0, 2).data().toString(), QStringLiteral("app-undo"));
    QCOMPARE(history->index(0, 3).data().toString(), QStringLiteral("undo"));
    QCOMPARE(history->index(1, 1).data().toString(), change); // newest first
    QVERIFY(!headerText().contains(QStringLiteral("edited")));
}

void TestDetailPanel::neighboursEqualStoredKnnRow()
{
    const qint64 sample = 7;
    select(sample);
    std::vector<qint64> expected;
    for (const float index : storedRow(RunArray::KnnIndices, sample)) {
        if (index >= 0)
            expected.push_back(qint64(index));
    }
    QVERIFY(!expected.empty());
    QCOMPARE(m_panel->neighbours(), expected);
    QCOMPARE(m_panel->neighbourCount(), int(expected.size()));
    const QAbstractItemModel *model = m_panel->neighbourView()->model();
    QCOMPARE(model->rowCount(), int(expected.size()));
    const SampleTable &table = m_session->table();
    const QModelIndex first = model->index(0, 0);
    QCOMPARE(first.data(Qt::UserRole).toLongLong(), expected.front());
    QVERIFY(first.data(Qt::ToolTipRole).toString().contains(table.ids.at(expected.front())));
    QVERIFY(first.data().toString().startsWith(table.classNames[table.labels[size_t(expected.front())]]));
    QVERIFY(!first.data(Qt::DecorationRole).value<QIcon>().isNull());
}

void TestDetailPanel::clickingNeighbourSelectsIt()
{
    select(7);
    QVERIFY(m_panel->neighbourCount() > 2);
    const qint64 neighbour = m_panel->neighbours()[2];
    QListView *view = m_panel->neighbourView();
    QVERIFY(view->isVisible());
    const QRect cell = view->visualRect(view->model()->index(2, 0));
    QVERIFY(!cell.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(m_session->selection(), QList<qint64>{neighbour});
    QTRY_VERIFY(!m_panel->isLoading());
    QCOMPARE(m_panel->currentSample(), neighbour);
    QVERIFY(headerText().contains(m_session->table().ids.at(neighbour)));
}

void TestDetailPanel::metadataShowsSampleValues()
{
    const qint64 sample = 11;
    select(sample);
    auto project = Project::open(m_demo.projectPath, Project::Access::ReadOnly);
    const QList<MetadataColumn> columns = project->metadataColumns();
    QVERIFY(!columns.isEmpty());
    QStandardItemModel *model = m_panel->metadataModel();
    QCOMPARE(model->rowCount(), int(columns.size()));
    auto row = project->database().prepare(
        QStringLiteral("SELECT brightness FROM sample_metadata WHERE sample_index = ?1"));
    row.bind(1, sample);
    QVERIFY(row.step());
    bool found = false;
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data().toString().compare(QStringLiteral("brightness"), Qt::CaseInsensitive) !=
            0)
            continue;
        found = true;
        QCOMPARE(model->index(r, 1).data().toString().toDouble(), row.columnDouble(0));
    }
    QVERIFY(found);
}

void TestDetailPanel::staleLoadIsDropped()
{
    QSignalSpy shown(m_panel.get(), &DetailPanel::detailsShown);
    m_session->setSelection({3});
    m_session->setSelection({4});
    m_session->setSelection({5});
    QTRY_VERIFY(!m_panel->isLoading());
    QCOMPARE(m_panel->currentSample(), 5);
    // Only the current sample's details reached the screen.
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toLongLong(), 5);
    QVERIFY(headerText().contains(m_session->table().ids.at(5)));
}

void TestDetailPanel::missingImageAndNoKnnGraphAreExplained()
{
    // The small fixture has no embeddings (so no kNN graph) and placeholder image files.
    QTemporaryDir dir;
    const QString path = test::importFixture(dir.path(), test::smallFixtureClasses(), test::smallFixture());
    m_session->open(path);
    const QString missing =
        QDir(dir.filePath(QStringLiteral("data"))).filePath(QStringLiteral("images/b.png"));
    QVERIFY(QFile::remove(missing));

    select(1);
    QVERIFY(m_panel->image().isNull());
    QVERIFY2(m_panel->imageMessage().contains(QDir::toNativeSeparators(missing)),
             qPrintable(m_panel->imageMessage()));
    QVERIFY(m_panel->imageMessage().contains(QStringLiteral("missing")));
    QCOMPARE(m_panel->neighbourCount(), 0);
    bool explained = false;
    for (const QLabel *label : m_panel->findChildren<QLabel *>())
        explained =
            explained || (label->isVisible() && label->text().contains(QStringLiteral("no kNN graph")));
    QVERIFY(explained);
    // "b" is a cat the model calls a dog: dog on top, cat marked as the given label.
    QCOMPARE(m_panel->probabilityBars()->bars().front().classIndex, 1);
    QCOMPARE(m_panel->probabilityBars()->givenClass(), 0);

    select(0); // a file that exists but is no image
    QVERIFY(m_panel->imageMessage().contains(QStringLiteral("a.png")));
    QVERIFY(m_panel->imageMessage().contains(QStringLiteral("Cannot read")));
}

void TestDetailPanel::closeShowsPlaceholder()
{
    select(2);
    QVERIFY(m_panel->header()->isVisible());
    m_session->close();
    QCOMPARE(m_panel->currentSample(), -1);
    QVERIFY(!m_panel->header()->isVisible());
}

void TestDetailPanel::reanalysisRefreshesTheAnalysisRows()
{
    const qint64 sample = disputedSample();
    select(sample);
    const auto analyse = [this](double neighbourWeight) {
        auto project = Project::open(m_demo.projectPath);
        AnalysisOptions options;
        options.steps = {QStringLiteral("label_issues")};
        options.labelIssues.neighbourWeight = neighbourWeight;
        Progress progress;
        AnalysisPipeline(*project).run(options, progress);
        return AnalysisResults::load(*project, m_session->table().runId, m_session->table().size());
    };
    const float before = m_session->analysis().get<LabelIssueResults>().issueScore[size_t(sample)];
    // The label issues again without the neighbours' vote (what File > Analyse Project does,
    // with other parameters so that the score moves): the header must show the new score.
    QSignalSpy shown(m_panel.get(), &DetailPanel::detailsShown);
    m_session->reloadAnalysis(analyse(0.0));
    const float after = m_session->analysis().get<LabelIssueResults>().issueScore[size_t(sample)];
    QVERIFY2(std::abs(after - before) > 1e-3f, qPrintable(QStringLiteral("%1 %2").arg(before).arg(after)));
    QVERIFY2(headerText().contains(QString::number(double(after), 'f', 3)), qPrintable(headerText()));
    QVERIFY(!headerText().contains(QString::number(double(before), 'f', 3)));
    QVERIFY(shown.wait(5000)); // and the stored rows (neighbours, history) were read again
    QCOMPARE(shown.first().first().toLongLong(), sample);
    m_session->reloadAnalysis(analyse(LabelIssueParams().neighbourWeight)); // as the other tests expect
}

void TestDetailPanel::screenshot()
{
    // The likeliest label error: the header, the bars and the neighbours all have a story.
    const std::vector<float> &scores = m_session->analysis().get<LabelIssueResults>().issueScore;
    qint64 sample = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
        if (scores[i] > scores[size_t(sample)])
            sample = qint64(i);
    }
    select(sample);
    const QImage light = m_panel->grab().toImage();
    QVERIFY(!light.isNull());
    QVERIFY(light.save(QStringLiteral("/tmp/loupe-detailpanel.png")));
    // An edit and its undo, so the History tab has rows to show.
    QVERIFY(m_session->relabel(
        {sample}, m_session->analysis().get<LabelIssueResults>().suggestedLabel[size_t(sample)]));
    m_session->undoStack()->undo();
    QTRY_COMPARE(m_panel->historyModel()->rowCount(), 2);
    QTRY_VERIFY(!m_panel->isLoading());
    auto *tabs = m_panel->findChild<QTabWidget *>();
    QVERIFY(tabs);
    for (const int tab : {1, 2}) {
        tabs->setCurrentIndex(tab);
        QVERIFY(tabs->grab().save(QStringLiteral("/tmp/loupe-detailpanel-tab%1.png").arg(tab)));
    }
    tabs->setCurrentIndex(0);
    m_panel->resize(320, 640);
    QVERIFY(m_panel->grab().save(QStringLiteral("/tmp/loupe-detailpanel-small.png")));
    m_panel->resize(460, 980);

    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 45, 48));
    dark.setColor(QPalette::WindowText, QColor(220, 220, 220));
    dark.setColor(QPalette::Base, QColor(30, 30, 32));
    dark.setColor(QPalette::AlternateBase, QColor(40, 40, 43));
    dark.setColor(QPalette::Text, QColor(220, 220, 220));
    dark.setColor(QPalette::Button, QColor(50, 50, 53));
    dark.setColor(QPalette::ButtonText, QColor(220, 220, 220));
    dark.setColor(QPalette::Highlight, QColor(61, 142, 230));
    dark.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    m_panel->setPalette(dark);
    const QImage darkImage = m_panel->grab().toImage();
    QVERIFY(darkImage.save(QStringLiteral("/tmp/loupe-detailpanel-dark.png")));
}

QTEST_MAIN(TestDetailPanel)
#include "tst_detailpanel.moc"
