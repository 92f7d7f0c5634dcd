#include "storage/project.h"

#include "common/error.h"
#include "storage/sqlitedatabase.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace loupe {

namespace {

/**
 * The page size of a new project. A project is mostly arrays (half a gigabyte of embeddings at
 * a million samples) and tables written and read whole; SQLite writes a page at a time, and in
 * 4 KiB pages writing the arrays was the longest part of an import. On a synthetic set kept
 * for tuning (400,000 samples), the import took 1.44 / 1.29 / 1.21 / 1.17 / 1.10 s with 4, 8, 16,
 * 32 and 64 KiB pages (5 interleaved runs); opening a 1M project and relabelling were no slower.
 */
constexpr int kPageSize = 65536;

QString projectError(const QString &path, const QString &problem)
{
    return QFileInfo(path).fileName() + QStringLiteral(": ") + problem;
}

// Rejects files that are not SQLite before SQLite gets to them, so the message is
// about Loupe projects rather than SQLite internals.
void checkSqliteHeader(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        throw Error(projectError(path, QStringLiteral("no such file")));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(projectError(path, QStringLiteral("cannot be read: %1").arg(file.errorString())));
    const QByteArray header = file.read(16);
    if (header != QByteArray("SQLite format 3\0", 16))
        throw Error(projectError(path, QStringLiteral("not a Loupe project (not an SQLite database)")));
}

void checkIdentity(SqliteDatabase &db, const QString &path)
{
    const qint64 applicationId = db.queryInt(QStringLiteral("PRAGMA application_id"));
    const int version = ProjectSchema::version(db);
    if (applicationId != ProjectSchema::kApplicationId && !(applicationId == 0 && version == 0))
        throw Error(
            projectError(path, QStringLiteral("not a Loupe project (SQLite database of another program)")));
    if (version > ProjectSchema::kCurrentVersion)
        throw Error(projectError(
            path, QStringLiteral("written by a newer Loupe (project format %1; this Loupe reads up "
                                 "to format %2): update Loupe to open it")
                      .arg(version)
                      .arg(ProjectSchema::kCurrentVersion)));
    if (applicationId == 0 && version == 0 &&
        db.queryInt(QStringLiteral("SELECT count(*) FROM sqlite_schema")) > 0)
        throw Error(
            projectError(path, QStringLiteral("not a Loupe project (SQLite database of another program)")));
}

// A damaged file is refused before anything writes to it (a migration, or the user's
// next edit), because writing through a broken b-tree can spread the damage. quick_check
// reads every page but skips the index-content cross-check of integrity_check: about
// 0.1 s on the 70,000-sample demo project, 0.8 s on a 730 MB million-sample one.
void checkIntegrity(SqliteDatabase &db, const QString &path)
{
    QString result;
    try {
        result = db.queryText(QStringLiteral("PRAGMA quick_check(1)"));
    } catch (const Error &error) {
        result = error.message();
    }
    if (result != QLatin1String("ok"))
        throw Error(projectError(
            path, QStringLiteral("the file is damaged (SQLite integrity check: %1); it was not opened or "
                                 "changed: restore a backup")
                      .arg(result)));
}

// SQLite keeps a WAL-mode project's write-ahead log in "<file>-wal" and opens it even to
// read, so anything there that is not a file stops every reader. Left to SQLite, that
// surfaces as "unable to open database file" with no file named.
void checkWriteAheadLog(const QString &path)
{
    const QFileInfo wal(path + QStringLiteral("-wal"));
    if (wal.exists() && !wal.isFile())
        throw Error(
            projectError(path, QStringLiteral("cannot be opened: %1, where SQLite keeps the project's "
                                              "write-ahead log, is %2; move it out of the way")
                                   .arg(wal.fileName(), wal.isDir() ? QStringLiteral("a folder")
                                                                    : QStringLiteral("not a file"))));
}

QString unwritableReason(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isWritable())
        return QStringLiteral("the file is read-only on disk");
    if (!QFileInfo(info.absolutePath()).isWritable())
        return QStringLiteral("its folder is read-only, so SQLite cannot write its journal");
    // A "<file>-shm" SQLite cannot write (a folder, or another user's file) makes SQLite treat
    // the WAL index as read-only and refuse every write, whatever the mode bits of the project
    // and even for root; open read-only and say so instead of failing at the first edit.
    const QFileInfo shm(path + QStringLiteral("-shm"));
    if (shm.exists() && !(shm.isFile() && shm.isWritable()))
        return QStringLiteral("SQLite cannot write its shared-memory file %1 (%2)")
            .arg(shm.fileName(), shm.isDir()    ? QStringLiteral("a folder")
                                 : shm.isFile() ? QStringLiteral("read-only")
                                                : QStringLiteral("not a file"));
    return {};
}

} // namespace

Project::Project(const QString &path, std::unique_ptr<SqliteDatabase> db, QString readOnlyReason)
    : m_path(path), m_db(std::move(db)), m_readOnlyReason(std::move(readOnlyReason))
{
}

Project::~Project() = default;

void Project::verifyIntegrity(const QString &path)
{
    SqliteDatabase db(path, SqliteDatabase::Mode::ReadOnly);
    checkIntegrity(db, path);
}

std::unique_ptr<Project> Project::open(const QString &path, Access access, IntegrityCheck check)
{
    checkSqliteHeader(path);
    checkWriteAheadLog(path);
    QString reason = access == Access::ReadOnly ? QStringLiteral("opened read-only") : unwritableReason(path);
    const auto mode = reason.isEmpty() ? SqliteDatabase::Mode::ReadWrite : SqliteDatabase::Mode::ReadOnly;
    auto db = std::make_unique<SqliteDatabase>(path, mode);
    try {
        checkIdentity(*db, path);
    } catch (const Error &) {
        throw;
    } catch (...) {
        throw Error(projectError(path, QStringLiteral("not a Loupe project (unreadable database)")));
    }
    // Read-only opens are the app's secondary connections (panels, workers) to a project
    // its main read-write connection has already checked. A migration writes, so an older
    // file is checked first even when the caller defers the check.
    const bool migrates = ProjectSchema::version(*db) < ProjectSchema::kCurrentVersion;
    if (access == Access::ReadWrite && (check == IntegrityCheck::OnOpen || migrates))
        checkIntegrity(*db, path);
    if (ProjectSchema::version(*db) < ProjectSchema::kCurrentVersion) {
        if (!reason.isEmpty())
            throw Error(projectError(
                path, QStringLiteral("needs an upgrade to the current project format, but %1").arg(reason)));
        ProjectSchema::migrate(*db);
    }
    std::unique_ptr<Project> project(new Project(QFileInfo(path).absoluteFilePath(), std::move(db), reason));
    project->configureConnection();
    project->resolveDatasetRoot();
    return project;
}

std::unique_ptr<Project> Project::create(const QString &path)
{
    if (QFileInfo::exists(path))
        throw Error(projectError(path, QStringLiteral("already exists")));
    auto db = std::make_unique<SqliteDatabase>(path, SqliteDatabase::Mode::Create);
    // Before the first table: a database's page size is fixed once it has one.
    db->exec(QStringLiteral("PRAGMA page_size = %1").arg(kPageSize));
    ProjectSchema::migrate(*db);
    std::unique_ptr<Project> project(new Project(QFileInfo(path).absoluteFilePath(), std::move(db), {}));
    project->configureConnection();
    return project;
}

void Project::configureConnection()
{
    m_db->exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    if (isReadOnly())
        return;
    // WAL lets the app read while loupe-cli writes; synchronous=FULL makes every
    // committed relabel durable even against power loss (see docs/project-format.md).
    m_db->exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    m_db->exec(QStringLiteral("PRAGMA synchronous = FULL"));
}

void Project::resolveDatasetRoot()
{
    // Prefer the root relative to the project file, so a project moved together with
    // its dataset keeps working; fall back to the absolute path recorded at import.
    const QString relative = info(QStringLiteral("dataset_root_relative"));
    const QString absolute = info(QStringLiteral("dataset_root"));
    const QDir projectDir = QFileInfo(m_path).absoluteDir();
    if (!relative.isEmpty()) {
        const QString candidate = QDir::cleanPath(projectDir.absoluteFilePath(relative));
        if (QFileInfo(candidate).isDir() || absolute.isEmpty()) {
            m_datasetRoot = candidate;
            return;
        }
    }
    m_datasetRoot = absolute.isEmpty() ? projectDir.absolutePath() : absolute;
}

QString Project::fileName() const
{
    return QFileInfo(m_path).fileName();
}

QString Project::info(const QString &key) const
{
    auto statement = m_db->prepare(QStringLiteral("SELECT value FROM project_info WHERE key = ?"));
    statement.bind(1, key);
    return statement.step() ? statement.columnText(0) : QString();
}

void Project::setInfo(const QString &key, const QString &value)
{
    auto statement =
        m_db->prepare(QStringLiteral("INSERT OR REPLACE INTO project_info(key, value) VALUES (?, ?)"));
    statement.bind(1, key).bind(2, value).execute();
    if (key.startsWith(QLatin1String("dataset_root")))
        resolveDatasetRoot();
}

QString Project::absoluteImagePath(const QString &relativePath) const
{
    return QDir(m_datasetRoot).filePath(relativePath);
}

QStringList Project::classNames() const
{
    QStringList names;
    auto statement = m_db->prepare(QStringLiteral("SELECT name FROM classes ORDER BY class_index"));
    while (statement.step())
        names << statement.columnText(0);
    return names;
}

qint64 Project::sampleCount() const
{
    return m_db->queryInt(QStringLiteral("SELECT count(*) FROM samples"));
}

QList<RunInfo> Project::runs() const
{
    QList<RunInfo> result;
    auto statement = m_db->prepare(
        QStringLiteral("SELECT run_id, name, created, num_classes, source FROM runs ORDER BY run_id"));
    while (statement.step())
        result.append({statement.columnInt(0), statement.columnText(1), statement.columnText(2),
                       statement.columnInt(3), statement.columnText(4)});
    return result;
}

int Project::addRun(const QString &name, int numClasses, const QString &source)
{
    auto insert = m_db->prepare(
        QStringLiteral("INSERT INTO runs(name, created, num_classes, source) VALUES (?, ?, ?, ?)"));
    insert.bind(1, name)
        .bind(2, QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
        .bind(3, numClasses)
        .bind(4, source)
        .execute();
    return int(m_db->queryInt(QStringLiteral("SELECT last_insert_rowid()")));
}

ProjectTask Project::task() const
{
    return info(QStringLiteral("task")) == QLatin1String("detection") ? ProjectTask::Detection
                                                                      : ProjectTask::Classification;
}

void Project::setTask(ProjectTask task)
{
    setInfo(QStringLiteral("task"),
            task == ProjectTask::Detection ? QStringLiteral("detection") : QStringLiteral("classification"));
}

int Project::latestRunId() const
{
    return int(m_db->queryInt(QStringLiteral("SELECT max(run_id) FROM runs"), -1));
}

QList<MetadataColumn> Project::metadataColumns() const
{
    QList<MetadataColumn> columns;
    auto statement =
        m_db->prepare(QStringLiteral("SELECT name, type FROM metadata_columns ORDER BY position"));
    while (statement.step())
        columns.append({statement.columnText(0), metadataTypeFromName(statement.columnText(1))});
    return columns;
}

} // namespace loupe
