#pragma once

#include "storage/projectschema.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace loupe {

class SqliteDatabase;

/** A prediction run: one model's outputs for the project's samples. */
struct RunInfo
{
    int id = -1;
    QString name;
    QString created;
    int numClasses = 0;
    QString source;
};

/** What a project's model does: one class per image, or boxes around objects (project_info.task). */
enum class ProjectTask { Classification, Detection };

/**
 * An open Loupe project file (SQLite, see docs/project-format.md).
 *
 * Opening checks that the file is a Loupe project of a schema version this build can
 * read, migrates older versions forward and turns on WAL, foreign keys and
 * synchronous=FULL. Access::ReadWrite opens also run SQLite's quick_check and refuse a
 * damaged file without writing to it. A file that is read-only on disk (or opened with
 * Access::ReadOnly) opens read-only and readOnlyReason() says why.
 * All failures throw loupe::Error naming the file.
 */
class Project
{
public:
    enum class Access { ReadWrite, ReadOnly };

    /** When a read-write open checks the file for damage (PRAGMA quick_check). */
    enum class IntegrityCheck {
        OnOpen,   // before open returns: nothing can write to a damaged file
        Deferred, // the caller runs verifyIntegrity() itself and writes nothing before it passes
    };

    static std::unique_ptr<Project> open(const QString &path, Access access = Access::ReadWrite,
                                         IntegrityCheck check = IntegrityCheck::OnOpen);
    /**
     * Checks path for damage on a connection of its own (any thread); throws loupe::Error
     * naming the file and the damage. Reads every page: about 0.1 s for the 70,000-sample
     * demo, one to three seconds for a million samples.
     */
    static void verifyIntegrity(const QString &path);
    /** Creates a new, empty project file; fails if the file exists. */
    static std::unique_ptr<Project> create(const QString &path);
    ~Project();

    QString path() const { return m_path; }
    QString fileName() const;
    bool isReadOnly() const { return !m_readOnlyReason.isEmpty(); }
    QString readOnlyReason() const { return m_readOnlyReason; }
    SqliteDatabase &database() { return *m_db; }

    QString info(const QString &key) const;
    void setInfo(const QString &key, const QString &value);

    /** The dataset folder image paths are relative to (resolved on open). */
    QString datasetRoot() const { return m_datasetRoot; }
    QString absoluteImagePath(const QString &relativePath) const;

    QStringList classNames() const;
    qint64 sampleCount() const;
    QList<RunInfo> runs() const;
    /** Adds an empty run (its predictions are written by the caller, in the same transaction); returns its
     * id. */
    int addRun(const QString &name, int numClasses, const QString &source);
    /** Classification unless project_info.task says "detection". */
    ProjectTask task() const;
    void setTask(ProjectTask task);
    /** The newest run's id, or -1 when the project has no predictions. */
    int latestRunId() const;
    QList<MetadataColumn> metadataColumns() const;

private:
    Project(const QString &path, std::unique_ptr<SqliteDatabase> db, QString readOnlyReason);
    void configureConnection();
    void resolveDatasetRoot();

    QString m_path;
    std::unique_ptr<SqliteDatabase> m_db;
    QString m_readOnlyReason;
    QString m_datasetRoot;
};

} // namespace loupe
