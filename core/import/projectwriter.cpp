#include "import/projectwriter.h"

#include "common/error.h"
#include "common/progress.h"
#include "common/sqlidentifier.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/tableindexes.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <cstdio>
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace loupe {

namespace {

QString temporaryPathFor(const QString &destination)
{
    const QFileInfo info(destination);
    return info.absoluteDir().filePath(
        QStringLiteral(".%1.importing-%2")
            .arg(info.fileName())
            .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')));
}

void removeWithSidecars(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QLatin1String(suffix));
}

/**
 * Folds a project's write-ahead log into the project file. Its log may hold confirmed
 * edits not yet checkpointed (a process killed with the project open); deleting the log
 * unfolded would lose them if this import dies before its rename.
 */
void checkpointBeforeReplacing(const QString &path)
{
    if (!QFileInfo::exists(path + QStringLiteral("-wal")))
        return;
    qint64 busy = 0;
    try {
        SqliteDatabase db(path, SqliteDatabase::Mode::ReadWrite);
        busy = db.queryInt(QStringLiteral("PRAGMA main.wal_checkpoint(TRUNCATE)"));
    } catch (const Error &) {
        return; // not a database we can read: nothing of value in its log
    }
    if (busy != 0)
        throw Error(QStringLiteral("%1: is open in another program; close it before replacing it").arg(path));
}

// Writes the file's data (or the folder's entries, with O_DIRECTORY) to disk and waits for it.
void syncFile(const QString &path, int openFlags = O_RDONLY)
{
    const int fd = ::open(QFile::encodeName(path).constData(), openFlags);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

/**
 * Writes the data the file holds now to disk, a slice at a time, until done or told to stop:
 * an abandoned import must not wait for seconds of writing (4.8 GB of embeddings at ten
 * million samples). Only the data, not the file's size and blocks: commit()'s fsync does those.
 */
void flushWrittenData(const QString &path, const std::atomic<bool> &stop)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0)
        return;
#ifdef __linux__
    struct stat info;
    if (::fstat(fd, &info) == 0) {
        constexpr off_t kSlice = off_t(64) << 20;
        for (off_t offset = 0; offset < info.st_size && !stop.load(); offset += kSlice)
            ::sync_file_range(fd, offset, kSlice,
                              SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                  SYNC_FILE_RANGE_WAIT_AFTER);
    }
#else
    if (!stop.load())
        ::fdatasync(fd);
#endif
    ::close(fd);
}

/**
 * Interrupts the connection's statements once cancellation is cancelled, while it lives: a
 * copy of ten million rows takes seconds, and a cancel must not wait for it.
 */
class CancelsStatements
{
public:
    CancelsStatements(SqliteDatabase &db, const Progress &cancellation) : m_db(db)
    {
        sqlite3_progress_handler(m_db.handle(), kInstructions, &CancelsStatements::check,
                                 const_cast<Progress *>(&cancellation));
    }
    ~CancelsStatements() { sqlite3_progress_handler(m_db.handle(), 0, nullptr, nullptr); }
    CancelsStatements(const CancelsStatements &) = delete;
    CancelsStatements &operator=(const CancelsStatements &) = delete;

private:
    // About a millisecond of work between checks.
    static constexpr int kInstructions = 100000;
    static int check(void *cancellation)
    {
        return static_cast<const Progress *>(cancellation)->isCancelled() ? 1 : 0;
    }

    SqliteDatabase &m_db;
};

} // namespace

ProjectWriter::ProjectWriter(const QString &destination, bool overwrite)
    : m_destination(QFileInfo(destination).absoluteFilePath()), m_temporaryPath(temporaryPathFor(destination))
{
    if (!overwrite && QFileInfo::exists(m_destination))
        throw Error(QStringLiteral("%1: already exists (use --force to replace it)").arg(destination));
    if (!QFileInfo(QFileInfo(m_destination).absolutePath()).isDir())
        throw Error(QStringLiteral("%1: the folder does not exist").arg(destination));
    m_project = Project::create(m_temporaryPath);
    SqliteDatabase &db = m_project->database();
    db.exec(QStringLiteral("PRAGMA foreign_keys = OFF; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                           "PRAGMA cache_size = -65536; "
                           // Lets the deferred indexes' sorts use a helper thread.
                           "PRAGMA threads = 2"));
    db.exec(QStringLiteral("BEGIN"));
    dropBulkIndexes();
    m_project->setInfo(QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    m_project->setInfo(QStringLiteral("loupe_version"), QStringLiteral(LOUPE_VERSION_STRING));
}

ProjectWriter::~ProjectWriter()
{
    // A file being thrown away need not reach the disk.
    m_stopFlushing = true;
    waitForFlushing();
    if (m_committed)
        return;
    m_project.reset();
    removeWithSidecars(m_temporaryPath);
}

void ProjectWriter::setDatasetRoot(const QString &absoluteFolder)
{
    const QDir projectDir = QFileInfo(m_destination).absoluteDir();
    m_project->setInfo(QStringLiteral("dataset_root"), QDir::cleanPath(absoluteFolder));
    m_project->setInfo(QStringLiteral("dataset_root_relative"), projectDir.relativeFilePath(absoluteFolder));
}

void ProjectWriter::writeClasses(const QStringList &names)
{
    auto insert =
        m_project->database().prepare(QStringLiteral("INSERT INTO classes(class_index, name) VALUES (?, ?)"));
    for (int i = 0; i < names.size(); ++i)
        insert.bind(1, i).bind(2, names.at(i)).execute();
}

void ProjectWriter::writeMetadataColumns(const QList<MetadataColumn> &columns)
{
    SqliteDatabase &db = m_project->database();
    auto insert =
        db.prepare(QStringLiteral("INSERT INTO metadata_columns(name, type, position) VALUES (?, ?, ?)"));
    for (int i = 0; i < columns.size(); ++i) {
        const MetadataColumn &column = columns.at(i);
        const QString type = metadataTypeName(column.type);
        db.exec(QStringLiteral("ALTER TABLE sample_metadata ADD COLUMN %1 %2")
                    .arg(quoteSqlIdentifier(column.name), type.toUpper()));
        insert.bind(1, column.name).bind(2, type).bind(3, i).execute();
    }
    ProjectSchema::recreateSampleView(db, columns);
}

void ProjectWriter::moveRowsFrom(const QString &path, const QStringList &tables, const Progress &cancellation)
{
    SqliteDatabase &db = m_project->database();
    // SQLite refuses ATTACH and DETACH inside a transaction. The import's transaction only
    // batches its writes (the temporary file's rename is what makes the import all or nothing),
    // so it is closed around them.
    db.exec(QStringLiteral("COMMIT"));
    db.prepare(QStringLiteral("ATTACH DATABASE ? AS staged")).bind(1, path).execute();
    db.exec(QStringLiteral("BEGIN"));
    try {
        const CancelsStatements cancels(db, cancellation);
        for (const QString &table : tables)
            db.exec(
                QStringLiteral("INSERT INTO main.%1 SELECT * FROM staged.%1").arg(quoteSqlIdentifier(table)));
    } catch (const Error &) {
        cancellation.throwIfCancelled(); // the copy was interrupted, not broken
        throw;
    }
    db.exec(QStringLiteral("COMMIT; DETACH DATABASE staged; BEGIN"));
}

void ProjectWriter::dropBulkIndexes()
{
    m_deferredIndexes =
        dropTableIndexes(m_project->database(), {QStringLiteral("samples"), QStringLiteral("predictions"),
                                                 QStringLiteral("sample_analysis")});
}

void ProjectWriter::startFlushing()
{
    waitForFlushing();
    m_stopFlushing = false;
    m_flushing = std::async(std::launch::async,
                            [this, path = m_temporaryPath] { flushWrittenData(path, m_stopFlushing); });
}

void ProjectWriter::waitForFlushing()
{
    if (m_flushing.valid())
        m_flushing.wait();
}

void ProjectWriter::commit()
{
    SqliteDatabase &db = m_project->database();
    for (const QString &sql : m_deferredIndexes)
        db.exec(sql);
    db.exec(QStringLiteral("COMMIT"));
    db.exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    // main. only: unqualified, the checkpoint covers the temp database too, and once this connection
    // has used it (the upgrade to format 10 renames a table), SQLite 3.40 fails it as locked.
    db.exec(QStringLiteral("PRAGMA main.wal_checkpoint(TRUNCATE)"));
    m_project.reset();

    // The data must be on disk before the rename makes it the project. What startFlushing()
    // wrote, this one need not write again.
    waitForFlushing();
    syncFile(m_temporaryPath);
    // A stale WAL of a replaced project would be replayed into the new file: fold it into the
    // old file, then drop it.
    checkpointBeforeReplacing(m_destination);
    for (const char *suffix : {"-wal", "-shm", "-journal"})
        QFile::remove(m_destination + QLatin1String(suffix));
    if (std::rename(QFile::encodeName(m_temporaryPath).constData(),
                    QFile::encodeName(m_destination).constData()) != 0)
        throw Error(QStringLiteral("%1: cannot move the new project into place").arg(m_destination));
    QFile::remove(m_temporaryPath + QStringLiteral("-wal"));
    QFile::remove(m_temporaryPath + QStringLiteral("-shm"));
    // Makes the renamed file's directory entry durable too.
    syncFile(QFileInfo(m_destination).absolutePath(), O_RDONLY | O_DIRECTORY);
    m_committed = true;
}

} // namespace loupe
