#pragma once

#include "storage/projectschema.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <future>
#include <memory>
#include <vector>

namespace loupe {

class Progress;
class Project;

/**
 * Writes a new project into a temporary file next to its destination and renames it
 * into place on commit(), so an interrupted or failed import leaves either no project
 * or the previous one, never a half-written file.
 *
 * The temporary file is written without a journal (it is not a project until the
 * rename), which makes bulk inserts several times faster, and without SQLite's foreign-key
 * checks: the importers write only rows they built from checked input (class indexes of
 * known classes, sample indexes they numbered), and the checks took 3.3 s of a 1M import's
 * row writes (the whole pragma_foreign_key_check takes 0.5 s; each importer's tests run it).
 */
class ProjectWriter
{
public:
    /** Throws loupe::Error if destination exists and overwrite is false. */
    ProjectWriter(const QString &destination, bool overwrite);
    ~ProjectWriter();
    ProjectWriter(const ProjectWriter &) = delete;
    ProjectWriter &operator=(const ProjectWriter &) = delete;

    Project &project() { return *m_project; }
    QString temporaryPath() const { return m_temporaryPath; }

    void setDatasetRoot(const QString &absoluteFolder);
    void writeClasses(const QStringList &names);
    /** Adds the typed metadata columns and recreates sample_view to include them. */
    void writeMetadataColumns(const QList<MetadataColumn> &columns);

    /**
     * Moves every row of tables in the SQLite database at path (StagedRows's scratch file) into
     * the project's tables of the same names, which must have the same definitions: one
     * INSERT ... SELECT * per table, which SQLite runs as a copy of whole records, without
     * decoding them, while the project's table is empty (its transfer optimization). A cancel
     * interrupts the copy and throws Cancelled.
     */
    void moveRowsFrom(const QString &path, const QStringList &tables, const Progress &cancellation);

    /**
     * Starts writing what the file holds so far to disk, on a thread of its own, while the
     * import goes on: commit() must have the file on disk before its rename, and the arrays
     * written first (half a gigabyte at a million samples) otherwise all wait for its flush.
     */
    void startFlushing();

    /** Finishes the file and atomically renames it to the destination. */
    void commit();

private:
    void dropBulkIndexes();
    void waitForFlushing();

    QString m_destination;
    QString m_temporaryPath;
    std::unique_ptr<Project> m_project;
    QStringList m_deferredIndexes; // CREATE INDEX statements to run at commit()
    std::future<void> m_flushing;
    std::atomic<bool> m_stopFlushing{false};
    bool m_committed = false;
};

} // namespace loupe
