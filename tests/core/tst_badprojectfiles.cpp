// The bad-input catalogue (issue 5), project files: a file that is not SQLite, empty, from a
// newer Loupe, damaged or truncated, with its write-ahead log blocked, each refused with its
// message and left as it was; a read-only file or access opens read-only and refuses writes;
// a project busy in another process is waited for, then reported.

#include "badinputfixtures.h"
#include "common/error.h"
#include "errorof.h"
#include "storage/project.h"
#include "storage/projectschema.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using loupe::Project;
using loupe::test::errorOf;
using namespace loupe::test;

class TestBadProjectFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void refusedProjectFiles_data();
    void refusedProjectFiles();
    void readOnlyProjectOpensReadOnly_data();
    void readOnlyProjectOpensReadOnly();
    void busyProjectWaitsThenReports();

private:
    QString outputFolder() const { return m_root->filePath(QStringLiteral("out")); }
    /** A real project in outputFolder(), from a good folder; returns its path. */
    QString makeProject(const QString &name)
    {
        return makeGoodProject(m_root->filePath(QStringLiteral("good")), QDir(outputFolder()).filePath(name));
    }

    std::unique_ptr<QTemporaryDir> m_root;
};

void TestBadProjectFiles::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    QVERIFY(QDir(m_root->path()).mkpath(QStringLiteral("out")));
}

void TestBadProjectFiles::refusedProjectFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected"); // a "..." at the end: the rest is SQLite's own words

    QTest::newRow("not SQLite") << QStringLiteral("text")
                                << QStringLiteral(
                                       "project.loupe: not a Loupe project (not an SQLite database)");
    QTest::newRow("0 bytes") << QStringLiteral("empty")
                             << QStringLiteral("project.loupe: not a Loupe project (not an SQLite database)");
    QTest::newRow("newer schema version")
        << QStringLiteral("newer")
        << QStringLiteral(
               "project.loupe: written by a newer Loupe (project format 99; this Loupe reads up to "
               "format %1): update Loupe to open it")
               .arg(loupe::ProjectSchema::kCurrentVersion);
    QTest::newRow("corrupted pages") << QStringLiteral("corrupt")
                                     << QStringLiteral("project.loupe: the file is damaged (SQLite integrity "
                                                       "check: ...");
    // Damage SQLite trips over while reading the schema, before the integrity check runs.
    QTest::newRow("truncated to half")
        << QStringLiteral("truncated")
        << QStringLiteral("project.loupe: the file is damaged (database disk image "
                          "is malformed)");
    // SQLite reads and writes the project through project.loupe-wal; a folder there stops
    // even reading, for root too.
    QTest::newRow("write-ahead log is a folder")
        << QStringLiteral("wal folder")
        << QStringLiteral("project.loupe: cannot be opened: project.loupe-wal, where SQLite keeps the "
                          "project's write-ahead log, is a folder; move it out of the way");
}

void TestBadProjectFiles::refusedProjectFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QString path = QDir(outputFolder()).filePath(QStringLiteral("project.loupe"));
    if (kind == QLatin1String("text") || kind == QLatin1String("empty")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(kind == QLatin1String("text") ? "id,image,label\n" : "");
    } else {
        path = makeProject(QStringLiteral("project.loupe"));
        QVERIFY(QFileInfo::exists(path));
        if (kind == QLatin1String("wal folder"))
            QVERIFY(QDir().mkdir(path + QStringLiteral("-wal")));
        if (kind == QLatin1String("newer")) {
            loupe::SqliteDatabase db(path, loupe::SqliteDatabase::Mode::ReadWrite);
            db.exec(QStringLiteral("PRAGMA user_version = 99"));
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        // The page size from the file's header (big-endian at offset 16; 1 means 65536).
        const QByteArray header = file.read(18);
        QCOMPARE(header.size(), 18);
        const qint64 sizeField = (qint64(uchar(header[16])) << 8) | uchar(header[17]);
        const qint64 pageSize = sizeField == 1 ? 65536 : sizeField;
        const qint64 pages = file.size() / pageSize;
        QVERIFY(pages > 4);
        if (kind == QLatin1String("corrupt")) {
            // Garbage over every page after the schema page: what a bad disk or a copy
            // interrupted at the wrong moment leaves.
            for (qint64 page = 1; page < pages; ++page) {
                file.seek(page * pageSize);
                file.write(QByteArray(pageSize, char(0xA5)));
            }
        } else if (kind == QLatin1String("truncated")) {
            QVERIFY(file.resize(pages / 2 * pageSize));
        }
    }
    const QByteArray before = fileHash(path);
    const QStringList entries = entriesBelow(outputFolder());

    const QString message = errorOf([&] { Project::open(path); });
    if (expected.endsWith(QLatin1String("...")))
        QVERIFY2(message.startsWith(expected.chopped(3)) && message.size() > expected.size() + 60 &&
                     message.endsWith(QLatin1String("); it was not opened or changed: restore a backup")),
                 qPrintable(message));
    else
        QVERIFY2(message == expected, qPrintable(message));
    QCOMPARE(fileHash(path), before);
    QCOMPARE(entriesBelow(outputFolder()), entries);
}

void TestBadProjectFiles::readOnlyProjectOpensReadOnly_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reason");

    QTest::newRow("opened read-only") << QStringLiteral("access") << QStringLiteral("opened read-only");
    // Root writes to a file whatever its mode says (and CI runs as root), so only other users
    // get this row; the next one makes the project unwritable in a way root cannot override.
    if (::geteuid() != 0)
        QTest::newRow("file mode 0444")
            << QStringLiteral("mode") << QStringLiteral("the file is read-only on disk");
    // Nobody, root included, can write a folder as a file. SQLite then treats its WAL index
    // as read-only and refuses every write, so the project must open read-only and say so
    // rather than fail at the first edit.
    QTest::newRow("shared-memory file is a folder")
        << QStringLiteral("shm folder")
        << QStringLiteral("SQLite cannot write its shared-memory file project.loupe-shm (a folder)");
}

void TestBadProjectFiles::readOnlyProjectOpensReadOnly()
{
    QFETCH(QString, kind);
    QFETCH(QString, reason);
    const QString path = makeProject(QStringLiteral("project.loupe"));
    const QByteArray before = fileHash(path);
    if (kind == QLatin1String("mode"))
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadUser));
    else if (kind == QLatin1String("shm folder"))
        QVERIFY(QDir().mkdir(path + QStringLiteral("-shm")));
    {
        auto project = Project::open(path, kind == QLatin1String("access") ? Project::Access::ReadOnly
                                                                           : Project::Access::ReadWrite);
        QVERIFY(project->isReadOnly());
        QCOMPARE(project->readOnlyReason(), reason);
        QCOMPARE(project->sampleCount(), qint64(4));
        QCOMPARE(
            errorOf([&] { project->setInfo(QStringLiteral("note"), QStringLiteral("x")); }),
            QStringLiteral("project.loupe: cannot write: the project is open read-only (attempt to write a "
                           "readonly database)"));
    }
    QCOMPARE(fileHash(path), before);
    // SQLite opens (and may create) the write-ahead log even to read; nothing may land in it.
    QCOMPARE(QFileInfo(path + QStringLiteral("-wal")).size(), qint64(0));
    if (kind == QLatin1String("mode"))
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
}

void TestBadProjectFiles::busyProjectWaitsThenReports()
{
    const QString path = makeProject(QStringLiteral("project.loupe"));
    auto project = Project::open(path);
    const QString created = project->info(QStringLiteral("created"));

    // Another program (loupe-cli, a second app) holds the write lock.
    loupe::SqliteDatabase other(path, loupe::SqliteDatabase::Mode::ReadWrite);
    other.exec(QStringLiteral("BEGIN IMMEDIATE"));
    other.exec(QStringLiteral("UPDATE project_info SET value = 'other' WHERE key = 'created'"));

    // The app waits 10 s (kBusyTimeoutMs) before giving up; the test waits less.
    project->database().exec(QStringLiteral("PRAGMA busy_timeout = 300"));
    QElapsedTimer timer;
    timer.start();
    const QString message =
        errorOf([&] { project->setInfo(QStringLiteral("created"), QStringLiteral("mine")); });
    QVERIFY2(timer.elapsed() >= 250, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(message, QStringLiteral("project.loupe: the project is busy: another program is writing to it "
                                     "(database is locked)"));
    // Readers are not blocked, and see the last committed state.
    QCOMPARE(project->info(QStringLiteral("created")), created);

    // Once the other writer is done, both edits are kept, in order.
    other.exec(QStringLiteral("COMMIT"));
    QCOMPARE(project->info(QStringLiteral("created")), QStringLiteral("other"));
    project->setInfo(QStringLiteral("created"), QStringLiteral("mine"));
    QCOMPARE(Project::open(path, Project::Access::ReadOnly)->info(QStringLiteral("created")),
             QStringLiteral("mine"));
}

QTEST_APPLESS_MAIN(TestBadProjectFiles)
#include "tst_badprojectfiles.moc"
