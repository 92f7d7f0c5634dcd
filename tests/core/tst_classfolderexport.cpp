// Exporting the current labels as a class-folder tree: layout, copies and symlinks,
// unlabeled, excluded and missing images left out, refusal to write into a non-empty
// folder, nothing left behind on cancel, and a round trip through the class-folder importer.

#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "edits/labelrepository.h"
#include "edits/reviewrepository.h"
#include "export/classfolderexport.h"
#include "fixturedataset.h"
#include "import/datasetimport.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

class TestClassFolderExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void copiesIntoSplitAndClassFolders();
    void symlinksPointAtTheDataset();
    void leavesOutExcludedAndMissingImages();
    void refusesNonEmptyFolderAndTouchesNothing();
    void cancelLeavesNothingBehind();
    void roundTripsThroughTheClassFolderImporter();
    void safeFileNames();

private:
    QStringList filesUnder(const QString &folder) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Project> m_project;
    QString m_root;
};

void TestClassFolderExport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    const QString path =
        test::importFixture(m_dir->path(), test::smallFixtureClasses(), test::smallFixture());
    m_project = Project::open(path);
    m_root = m_project->datasetRoot();
}

QStringList TestClassFolderExport::filesUnder(const QString &folder) const
{
    QStringList files;
    QDirIterator it(folder, QDir::Files | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(folder).relativeFilePath(it.next());
    files.sort();
    return files;
}

void TestClassFolderExport::copiesIntoSplitAndClassFolders()
{
    // b is relabelled dog first: the tree follows the current labels.
    LabelRepository(*m_project).relabel({1}, 1, {}, QStringLiteral("test"));
    const QString out = m_dir->filePath(QStringLiteral("tree"));
    Progress progress;
    const ClassFolderExportSummary summary =
        exportClassFolders(loadSampleTable(*m_project), m_root, out, ClassFolderMode::Copy, progress);
    QCOMPARE(summary.written, qint64(5));
    QCOMPARE(summary.unlabeled, qint64(1)); // f
    QCOMPARE(filesUnder(out),
             (QStringList{QStringLiteral("test/dog/d.png"), QStringLiteral("test/fox/e.png"),
                          QStringLiteral("train/cat/a.png"), QStringLiteral("train/dog/b.png"),
                          QStringLiteral("train/dog/c.png")}));
    const QFileInfo copy(QDir(out).filePath(QStringLiteral("train/dog/b.png")));
    QVERIFY(!copy.isSymLink());
    QFile file(copy.filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("not decoded by the importer"));
    // No staging folder is left beside the tree.
    QCOMPARE(
        QDir(m_dir->path()).entryList({QStringLiteral(".tree*")}, QDir::AllEntries | QDir::Hidden).size(), 0);
}

void TestClassFolderExport::symlinksPointAtTheDataset()
{
    const QString out = m_dir->filePath(QStringLiteral("links"));
    Progress progress;
    exportClassFolders(loadSampleTable(*m_project), m_root, out, ClassFolderMode::Symlink, progress);
    const QFileInfo link(QDir(out).filePath(QStringLiteral("train/cat/a.png")));
    QVERIFY(link.isSymLink());
    QCOMPARE(link.symLinkTarget(), QDir(m_root).absoluteFilePath(QStringLiteral("images/a.png")));
}

void TestClassFolderExport::leavesOutExcludedAndMissingImages()
{
    ReviewRepository(*m_project)
        .mark({{0, ReviewStatus::None, ReviewStatus::Excluded}}, QStringLiteral("test"));
    QVERIFY(QFile::remove(QDir(m_root).filePath(QStringLiteral("images/c.png"))));
    const QString out = m_dir->filePath(QStringLiteral("tree"));
    Progress progress;
    const ClassFolderExportSummary summary =
        exportClassFolders(loadSampleTable(*m_project), m_root, out, ClassFolderMode::Copy, progress);
    QCOMPARE(summary.excluded, qint64(1));
    QCOMPARE(summary.missing, QStringList{QStringLiteral("images/c.png")});
    QCOMPARE(summary.written, qint64(3));
    QVERIFY(!filesUnder(out).contains(QStringLiteral("train/cat/a.png")));
}

void TestClassFolderExport::refusesNonEmptyFolderAndTouchesNothing()
{
    const QString out = m_dir->filePath(QStringLiteral("busy"));
    QVERIFY(QDir().mkpath(out));
    QFile keep(QDir(out).filePath(QStringLiteral("keep.txt")));
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("mine");
    keep.close();
    Progress progress;
    try {
        exportClassFolders(loadSampleTable(*m_project), m_root, out, ClassFolderMode::Copy, progress);
        QFAIL("a non-empty folder was written to");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QStringLiteral("not empty")), qPrintable(error.message()));
    }
    QCOMPARE(filesUnder(out), QStringList{QStringLiteral("keep.txt")});

    // An empty folder that exists is fine: it becomes the tree.
    const QString empty = m_dir->filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(empty));
    exportClassFolders(loadSampleTable(*m_project), m_root, empty, ClassFolderMode::Copy, progress);
    QCOMPARE(filesUnder(empty).size(), 5);
}

void TestClassFolderExport::cancelLeavesNothingBehind()
{
    const QString out = m_dir->filePath(QStringLiteral("cancelled"));
    Progress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, exportClassFolders(loadSampleTable(*m_project), m_root, out,
                                                           ClassFolderMode::Copy, progress));
    QVERIFY(!QFileInfo::exists(out));
    QCOMPARE(QDir(m_dir->path())
                 .entryList({QStringLiteral(".cancelled*")}, QDir::AllEntries | QDir::Hidden)
                 .size(),
             0);
}

void TestClassFolderExport::roundTripsThroughTheClassFolderImporter()
{
    LabelRepository(*m_project).relabel({3}, 2, {}, QStringLiteral("test")); // d: dog -> fox
    const QString out = m_dir->filePath(QStringLiteral("tree"));
    Progress progress;
    exportClassFolders(loadSampleTable(*m_project), m_root, out, ClassFolderMode::Copy, progress);
    QCOMPARE(detectDatasetFormat(out), DatasetFormat::ClassFolders);
    const QString reimported = m_dir->filePath(QStringLiteral("reimported.loupe"));
    importDataset(out, reimported, ImportOptions(), progress);
    auto project = Project::open(reimported);
    const SampleTable table = loadSampleTable(*project);
    QCOMPARE(table.size(), qint64(5));
    QCOMPARE(table.classNames, test::smallFixtureClasses());
    const qint64 d = table.findId(QStringLiteral("test/fox/d.png"));
    QVERIFY(d >= 0);
    QCOMPARE(table.classNames.value(table.labels[size_t(d)]), QStringLiteral("fox"));
    QCOMPARE(table.splitNames, (QStringList{QStringLiteral("test"), QStringLiteral("train")}));
}

void TestClassFolderExport::safeFileNames()
{
    QCOMPARE(safeFileName(QStringLiteral("train/cat/001.png")), QStringLiteral("train_cat_001.png"));
    QCOMPARE(safeFileName(QStringLiteral("..")), QStringLiteral("_.."));
    QCOMPARE(safeFileName(QString()), QStringLiteral("_"));
    QCOMPARE(safeFileName(QStringLiteral("a\\b:c\x01")), QStringLiteral("a_b_c_"));
    QCOMPARE(safeFileName(QStringLiteral("chat noir é")), QStringLiteral("chat noir é"));
}

QTEST_APPLESS_MAIN(TestClassFolderExport)
#include "tst_classfolderexport.moc"
