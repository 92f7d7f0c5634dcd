#include <memory>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "common/error.h"
#include "common/progress.h"
#include "import/classfolderimporter.h"
#include "import/loupefolderimporter.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

using loupe::ClassFolderImporter;
using loupe::ImportOptions;
using loupe::ImportSummary;
using loupe::Progress;
using loupe::Project;

namespace {

// The importer goes by file name only, but a real 1x1 PNG keeps the fixture honest.
QByteArray pngBytes()
{
    return QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}

/**
 * Creates entries below root: a path ending in '/' is an empty folder, one ending in an
 * image extension a PNG, anything else a small text file. Returns the first failure.
 */
QString createTree(const QString &root, const QStringList &entries)
{
    const QDir dir(root);
    if (!dir.mkpath(QStringLiteral(".")))
        return root + QStringLiteral(": cannot create");
    for (const QString &entry : entries) {
        if (entry.endsWith(QLatin1Char('/'))) {
            if (!dir.mkpath(entry))
                return entry + QStringLiteral(": cannot create");
            continue;
        }
        const QString path = dir.filePath(entry);
        QFile file(path);
        if (!dir.mkpath(QFileInfo(path).path()) || !file.open(QIODevice::WriteOnly))
            return entry + QStringLiteral(": ") + file.errorString();
        const bool text = entry.endsWith(QLatin1String(".txt")) || entry.endsWith(QLatin1String(".csv"));
        file.write(text ? QByteArray("not an image\n") : pngBytes());
    }
    return {};
}

#define CREATE_TREE(root, entries)                                                                           \
    do {                                                                                                     \
        const QString problem_ = createTree(root, entries);                                                  \
        QVERIFY2(problem_.isEmpty(), qPrintable(QStringLiteral("cannot write the fixture: ") + problem_));   \
    } while (false)

/** Each row's cells joined by '|', NULL as "NULL". */
QStringList textRows(loupe::SqliteDatabase &db, const QString &sql)
{
    QStringList rows;
    auto statement = db.prepare(sql);
    while (statement.step()) {
        QStringList cells;
        for (int c = 0; c < statement.columnCount(); ++c)
            cells << (statement.isNull(c) ? QStringLiteral("NULL") : statement.columnText(c));
        rows << cells.join(QLatin1Char('|'));
    }
    return rows;
}

QStringList entriesOf(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                                  QDir::Name);
}

} // namespace

class TestClassFolderImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void importsLabelsOnly();
    void takesSplitsFromTheTopLevel();
    void treatsAMixedTopLevelAsClasses();
    void refusesToReplaceAProjectWithoutOverwrite();
    void rejectsTreesWithoutImages_data();
    void rejectsTreesWithoutImages();
    void looksLikeClassFolders_data();
    void looksLikeClassFolders();

private:
    QString dataFolder() const { return m_root->filePath(QStringLiteral("data")); }
    QString outputFolder() const { return m_root->filePath(QStringLiteral("out")); }
    QString projectPath() const { return QDir(outputFolder()).filePath(QStringLiteral("project.loupe")); }
    ImportSummary import(const QString &folder);

    std::unique_ptr<QTemporaryDir> m_root;
};

void TestClassFolderImporter::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    QVERIFY(QDir(m_root->path()).mkpath(QStringLiteral("out")));
}

void TestClassFolderImporter::cleanup()
{
    m_root.reset();
}

ImportSummary TestClassFolderImporter::import(const QString &folder)
{
    Progress progress;
    return ClassFolderImporter(folder).run(projectPath(), ImportOptions(), progress);
}

void TestClassFolderImporter::importsLabelsOnly()
{
    CREATE_TREE(dataFolder(),
                (QStringList{
                    QStringLiteral("dog/c.png"), QStringLiteral("cat/b.jpg"), QStringLiteral("cat/a.png"),
                    QStringLiteral("bird/sub/d.JPEG"), // nested folders belong to their class
                    QStringLiteral("dog/notes.txt"),   // not an image: skipped
                    QStringLiteral("dog/.hidden.png"), // hidden: skipped
                }));
    const ImportSummary summary = import(dataFolder());
    QCOMPARE(summary.samples, 4);
    QCOMPARE(summary.classes, 3);
    QCOMPARE(summary.unlabeled, 0);
    QVERIFY(!summary.hasPredictions);
    QVERIFY(!summary.hasEmbeddings);
    QVERIFY(!summary.hasHistory);
    QCOMPARE(entriesOf(outputFolder()), QStringList{QStringLiteral("project.loupe")});

    const auto project = Project::open(projectPath());
    // Written without SQLite's foreign-key checks (ProjectWriter): every reference must hold.
    QCOMPARE(project->database().queryInt(QStringLiteral("SELECT count(*) FROM pragma_foreign_key_check")),
             0);
    QCOMPARE(project->info(QStringLiteral("source_format")), QStringLiteral("class-folders"));
    QCOMPARE(project->datasetRoot(), QDir::cleanPath(dataFolder()));
    // Class names are the folder names, sorted; ids are the paths relative to the root.
    QCOMPARE(project->classNames(),
             (QStringList{QStringLiteral("bird"), QStringLiteral("cat"), QStringLiteral("dog")}));
    QCOMPARE(
        textRows(project->database(), QStringLiteral("SELECT id, image, split, label, label_index, edited "
                                                     "FROM sample_view ORDER BY sample_index")),
        (QStringList{QStringLiteral("bird/sub/d.JPEG|bird/sub/d.JPEG|NULL|bird|0|0"),
                     QStringLiteral("cat/a.png|cat/a.png|NULL|cat|1|0"),
                     QStringLiteral("cat/b.jpg|cat/b.jpg|NULL|cat|1|0"),
                     QStringLiteral("dog/c.png|dog/c.png|NULL|dog|2|0")}));
    // Labels only: no run, no predictions, no metadata.
    QVERIFY(project->runs().isEmpty());
    QCOMPARE(project->latestRunId(), -1);
    QVERIFY(project->metadataColumns().isEmpty());
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT count(*) FROM sample_view WHERE predicted IS NOT "
                                     "NULL OR loss IS NOT NULL")),
             QStringList{QStringLiteral("0")});
    QVERIFY(QFileInfo(project->absoluteImagePath(QStringLiteral("bird/sub/d.JPEG"))).isFile());
}

void TestClassFolderImporter::takesSplitsFromTheTopLevel()
{
    CREATE_TREE(dataFolder(), (QStringList{
                                  QStringLiteral("train/cat/a.png"),
                                  QStringLiteral("train/dog/b.png"),
                                  QStringLiteral("test/cat/c.png"),
                                  QStringLiteral("val/fish/d.png"),
                              }));
    const ImportSummary summary = import(dataFolder());
    QCOMPARE(summary.samples, 4);
    QCOMPARE(summary.classes, 3);

    const auto project = Project::open(projectPath());
    // The classes are the union over the splits.
    QCOMPARE(project->classNames(),
             (QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("fish")}));
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT id, split, label FROM sample_view ORDER BY sample_index")),
             (QStringList{
                 QStringLiteral("test/cat/c.png|test|cat"), QStringLiteral("train/cat/a.png|train|cat"),
                 QStringLiteral("train/dog/b.png|train|dog"), QStringLiteral("val/fish/d.png|val|fish")}));
}

void TestClassFolderImporter::treatsAMixedTopLevelAsClasses()
{
    // Splits only when every top-level folder is a split name; otherwise "train" is just a class.
    CREATE_TREE(dataFolder(), (QStringList{QStringLiteral("train/cat/a.png"), QStringLiteral("dog/b.png")}));
    import(dataFolder());

    const auto project = Project::open(projectPath());
    QCOMPARE(project->classNames(), (QStringList{QStringLiteral("dog"), QStringLiteral("train")}));
    QCOMPARE(
        textRows(project->database(),
                 QStringLiteral("SELECT id, split, label FROM sample_view ORDER BY sample_index")),
        (QStringList{QStringLiteral("dog/b.png|NULL|dog"), QStringLiteral("train/cat/a.png|NULL|train")}));
}

void TestClassFolderImporter::refusesToReplaceAProjectWithoutOverwrite()
{
    CREATE_TREE(dataFolder(), QStringList{QStringLiteral("cat/a.png")});
    import(dataFolder());
    QFile file(projectPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();

    try {
        import(dataFolder());
        QFAIL("the second import succeeded");
    } catch (const loupe::Error &error) {
        QVERIFY2(error.message().contains(QStringLiteral("project.loupe: already exists")),
                 qPrintable(error.message()));
    }
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
    QCOMPARE(entriesOf(outputFolder()), QStringList{QStringLiteral("project.loupe")});
}

void TestClassFolderImporter::rejectsTreesWithoutImages_data()
{
    QTest::addColumn<QStringList>("entries");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty folder") << QStringList()
                                  << QStringLiteral("has no class folders (expected root/<class>/<image>)");
    QTest::newRow("images but no folders")
        << QStringList{QStringLiteral("a.png"), QStringLiteral("b.png")}
        << QStringLiteral("has no class folders (expected root/<class>/<image>)");
    QTest::newRow("empty split folders")
        << QStringList{QStringLiteral("train/"), QStringLiteral("test/")}
        << QStringLiteral("has no class folders (expected root/<class>/<image>)");
    QTest::newRow("empty class folders")
        << QStringList{QStringLiteral("cat/"), QStringLiteral("dog/")}
        << QStringLiteral("the class folders hold no images (png, jpg, bmp, webp, "
                          "tif)");
    QTest::newRow("no image files") << QStringList{QStringLiteral("cat/readme.txt"),
                                                   QStringLiteral("dog/labels.csv")}
                                    << QStringLiteral("the class folders hold no images");
    QTest::newRow("empty classes in splits")
        << QStringList{QStringLiteral("train/cat/"), QStringLiteral("val/dog/")}
        << QStringLiteral("the class folders hold no images");
}

void TestClassFolderImporter::rejectsTreesWithoutImages()
{
    QFETCH(QStringList, entries);
    QFETCH(QString, expected);
    CREATE_TREE(dataFolder(), entries);

    try {
        import(dataFolder());
        QFAIL("the import succeeded");
    } catch (const loupe::Error &error) {
        // The message names the folder, then the problem.
        QVERIFY2(error.message().startsWith(dataFolder() + QStringLiteral(": ")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
    }
    QCOMPARE(entriesOf(outputFolder()), QStringList());
}

void TestClassFolderImporter::looksLikeClassFolders_data()
{
    QTest::addColumn<QStringList>("entries");
    QTest::addColumn<QString>("path"); // relative to the data folder
    QTest::addColumn<bool>("expected");

    QTest::newRow("class folders") << QStringList{QStringLiteral("cat/a.png")} << QString() << true;
    QTest::newRow("split folders") << QStringList{QStringLiteral("train/cat/a.png")} << QString() << true;
    QTest::newRow("Loupe folder with subfolders")
        << QStringList{QStringLiteral("samples.csv"), QStringLiteral("classes.txt"),
                       QStringLiteral("img/a.png")}
        << QString() << false;
    QTest::newRow("empty folder") << QStringList() << QString() << false;
    QTest::newRow("files only") << QStringList{QStringLiteral("a.png"), QStringLiteral("b.png")} << QString()
                                << false;
    QTest::newRow("a file") << QStringList{QStringLiteral("cat/a.png")} << QStringLiteral("cat/a.png")
                            << false;
    QTest::newRow("missing") << QStringList() << QStringLiteral("nothere") << false;
}

void TestClassFolderImporter::looksLikeClassFolders()
{
    QFETCH(QStringList, entries);
    QFETCH(QString, path);
    QFETCH(bool, expected);
    CREATE_TREE(dataFolder(), entries);

    const QString folder = path.isEmpty() ? dataFolder() : QDir(dataFolder()).filePath(path);
    QCOMPARE(ClassFolderImporter::looksLikeClassFolders(folder), expected);
}

QTEST_APPLESS_MAIN(TestClassFolderImporter)
#include "tst_classfolderimporter.moc"
