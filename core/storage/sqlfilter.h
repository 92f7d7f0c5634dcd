#pragma once

#include <QString>

#include <chrono>
#include <memory>
#include <vector>

namespace loupe {

class Progress;
class SqliteDatabase;

/** Limits of SqlFilter. */
struct SqlFilterParams
{
    /** A filter running longer is stopped with a message (a user typo must not hang the app). */
    int timeLimitMs = 5000;
    /** At most this many sample indices are returned; SqlFilterResult::truncated says so. */
    qint64 rowLimit = 10'000'000;
};

/** The samples a filter matched. */
struct SqlFilterResult
{
    /** sample_index values in the order the query returned them (sample order unless ORDER BY). */
    std::vector<qint64> sampleIndices;
    bool truncated = false; ///< rowLimit was reached
};

/**
 * A user-written SQL condition over the documented `sample_view` (docs/project-format.md),
 * run as `SELECT sample_index FROM sample_view WHERE <condition>`, strictly read-only.
 *
 * The condition is text from a person (the app's filter box, `loupe-cli query`), so it is
 * treated as hostile; each of these alone would stop a write, together they stop mistakes
 * and injection attempts alike:
 * - its own connection, opened with SQLITE_OPEN_READONLY and `PRAGMA query_only`;
 * - an authorizer that allows only SELECT, reading, recursive CTEs and an allow-list of
 *   pure functions, and denies everything else (INSERT, UPDATE, DELETE, ATTACH, DETACH,
 *   PRAGMA, CREATE, DROP, ALTER, transactions, load_extension(), ...);
 * - extension loading off (SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION = 0), defensive mode on,
 *   no attached databases, strings and blobs capped at 1 MB;
 * - exactly one statement: text after the first `;` other than comments is refused (and
 *   never executed; it is only prepared, to name what it would have done);
 * - the prepared statement must be read-only (sqlite3_stmt_readonly);
 * - a time limit through sqlite3_progress_handler, and a row limit.
 *
 * Errors are loupe::Error with a message for the user: SQLite's own for a syntax error,
 * "the filter may only read: ... is not allowed", "the filter took longer than 5 s and was
 * stopped". A leading `WHERE` is accepted and ignored; an empty condition matches all samples.
 * Not thread-safe: one SqlFilter per thread, as with every SQLite connection here.
 */
class SqlFilter
{
public:
    /** Opens a read-only connection to the project file; throws loupe::Error. */
    explicit SqlFilter(const QString &projectPath, SqlFilterParams params = {});
    ~SqlFilter();
    SqlFilter(const SqlFilter &) = delete;
    SqlFilter &operator=(const SqlFilter &) = delete;

    /**
     * The samples matching condition. progress, when given, can cancel the query
     * (throws Cancelled).
     */
    SqlFilterResult run(const QString &condition, Progress *progress = nullptr);

private:
    static int authorize(void *self, int action, const char *a, const char *b, const char *database,
                         const char *trigger);
    static int checkProgress(void *self);
    void rejectTrailingStatement(const QByteArray &tail);
    void clearDenied();
    void throwIfDenied() const;

    std::unique_ptr<SqliteDatabase> m_db;
    SqlFilterParams m_params;
    QString m_denied;            // the first statement the authorizer refused, for the message
    QString m_deniedSchemaWrite; // a refused write to sqlite_master, named only when nothing else was
    std::chrono::steady_clock::time_point m_deadline = std::chrono::steady_clock::time_point::max();
    bool m_timedOut = false;
    Progress *m_progress = nullptr;
};

} // namespace loupe
