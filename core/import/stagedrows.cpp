#include "import/stagedrows.h"

#include "common/error.h"
#include "import/projectwriter.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QFile>

#include <atomic>

namespace loupe {

namespace {

QStringList tableDefinitions(SqliteDatabase &db, const QStringList &tables)
{
    auto query =
        db.prepare(QStringLiteral("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?"));
    QStringList definitions;
    for (const QString &table : tables) {
        query.bind(1, table);
        if (!query.step())
            throw Error(QStringLiteral("%1: no table %2 to stage rows for").arg(db.path(), table));
        definitions << query.columnText(0);
        query.reset();
    }
    return definitions;
}

// Unique for each StagedRows of a process: an import may stage several at once.
QString scratchPathBeside(const QString &project)
{
    static std::atomic<int> serial{0};
    return project + QStringLiteral("-staged-%1").arg(serial.fetch_add(1));
}

} // namespace

StagedRows::StagedRows(ProjectWriter &writer, const QStringList &tables, Writer write,
                       const Progress &cancellation)
    : m_path(scratchPathBeside(writer.temporaryPath())), m_tables(tables)
{
    m_progress.followCancellationOf(cancellation);
    // Read here: the project's connection belongs to the calling thread.
    SqliteDatabase &project = writer.project().database();
    const QStringList definitions = tableDefinitions(project, tables);
    const qint64 pageSize = project.queryInt(QStringLiteral("PRAGMA page_size"));
    m_done =
        std::async(std::launch::async, &StagedRows::write, this, definitions, pageSize, std::move(write));
}

StagedRows::~StagedRows()
{
    if (m_done.valid()) {
        m_progress.cancel();
        m_done.wait();
    }
    QFile::remove(m_path);
}

void StagedRows::write(const QStringList &definitions, qint64 pageSize, const Writer &write)
{
    SqliteDatabase scratch(m_path, SqliteDatabase::Mode::Create);
    // A scratch file: if the import fails, it is deleted, not recovered. Its pages are the
    // project's size, which is what makes array chunks quick to write.
    scratch.exec(QStringLiteral("PRAGMA page_size = %1; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                                "PRAGMA cache_size = -65536; BEGIN")
                     .arg(pageSize));
    for (const QString &definition : definitions)
        scratch.exec(definition);
    write(scratch, m_progress);
    scratch.exec(QStringLiteral("COMMIT"));
}

void StagedRows::moveInto(ProjectWriter &writer)
{
    m_done.get();
    writer.moveRowsFrom(m_path, m_tables, m_progress);
}

} // namespace loupe
