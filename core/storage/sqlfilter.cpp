#include "storage/sqlfilter.h"

#include <sqlite3.h>

#include <QRegularExpression>
#include <QSet>

#include "common/error.h"
#include "common/progress.h"
#include "storage/sqlitedatabase.h"

namespace loupe {

namespace {

// SQLite calls the progress handler every this many virtual machine instructions:
// often enough to stop within milliseconds, rarely enough to cost nothing.
constexpr int kProgressInstructions = 1000;
// Strings and blobs a filter may build (printf('%.*c', 1e9, 'x') would allocate 1 GB).
constexpr int kMaxValueBytes = 1 << 20;

/** Pure functions a filter may call: core scalar, aggregate, date and math functions. */
const QSet<QString> &allowedFunctions()
{
    static const QSet<QString> names = [] {
        QSet<QString> set;
        for (const char *name :
             {"abs",          "char",       "coalesce", "concat",       "concat_ws",    "format",
              "glob",         "hex",        "ifnull",   "iif",          "instr",        "length",
              "like",         "likelihood", "likely",   "lower",        "ltrim",        "max",
              "min",          "nullif",     "printf",   "quote",        "random",       "replace",
              "round",        "rtrim",      "sign",     "substr",       "substring",    "trim",
              "typeof",       "unicode",    "unlikely", "upper",        "avg",          "count",
              "group_concat", "sum",        "total",    "date",         "time",         "datetime",
              "julianday",    "unixepoch",  "strftime", "current_date", "current_time", "current_timestamp",
              "acos",         "acosh",      "asin",     "asinh",        "atan",         "atan2",
              "atanh",        "ceil",       "ceiling",  "cos",          "cosh",         "degrees",
              "exp",          "floor",      "ln",       "log",          "log10",        "log2",
              "mod",          "pi",         "pow",      "power",        "radians",      "sin",
              "sinh",         "sqrt",       "tan",      "tanh",         "trunc"})
            set.insert(QString::fromLatin1(name));
        return set;
    }();
    return names;
}

/** What an authorizer action would do, in words for "... is not allowed". */
QString describeAction(int action, const char *a, const char *b)
{
    const QString first = QString::fromUtf8(a ? a : "");
    const QString second = QString::fromUtf8(b ? b : "");
    switch (action) {
    case SQLITE_INSERT:
        return QStringLiteral("writing rows (INSERT into %1)").arg(first);
    case SQLITE_UPDATE:
        return QStringLiteral("changing rows (UPDATE of %1)").arg(first);
    case SQLITE_DELETE:
        return QStringLiteral("deleting rows (DELETE from %1)").arg(first);
    case SQLITE_ATTACH:
        return QStringLiteral("ATTACH");
    case SQLITE_DETACH:
        return QStringLiteral("DETACH");
    case SQLITE_PRAGMA:
        return QStringLiteral("PRAGMA %1").arg(first);
    case SQLITE_FUNCTION:
        return QStringLiteral("the function %1()").arg(second);
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return QStringLiteral("transaction control (%1)").arg(first);
    case SQLITE_ALTER_TABLE:
        return QStringLiteral("ALTER TABLE");
    case SQLITE_REINDEX:
        return QStringLiteral("REINDEX");
    case SQLITE_ANALYZE:
        return QStringLiteral("ANALYZE");
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE:
        return QStringLiteral("CREATE");
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
        return QStringLiteral("DROP");
    default:
        return QStringLiteral("this statement (SQLite action %1)").arg(action);
    }
}

/**
 * SQLite authorizes a statement's write to sqlite_master before the statement itself and
 * stops at the refusal, so this is all we learn about CREATE and DROP. Table-valued PRAGMA
 * functions show up as an UPDATE of sqlite_master.
 */
QString describeSchemaWrite(int action)
{
    switch (action) {
    case SQLITE_INSERT:
        return QStringLiteral("creating tables, views, indexes or triggers (CREATE)");
    case SQLITE_DELETE:
        return QStringLiteral("dropping tables, views, indexes or triggers (DROP)");
    default:
        return QStringLiteral("changing the schema or calling PRAGMA functions");
    }
}

/** Whether text holds anything but whitespace, semicolons and comments. */
bool hasStatement(const QByteArray &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == ';' || QChar::isSpace(uchar(c)))
            continue;
        if (text.mid(i, 2) == "--") {
            const qsizetype end = text.indexOf('\n', i);
            if (end < 0)
                return false;
            i = end;
            continue;
        }
        if (text.mid(i, 2) == "/*") {
            const qsizetype end = text.indexOf("*/", i + 2);
            if (end < 0)
                return false;
            i = end + 1;
            continue;
        }
        return true;
    }
    return false;
}

/** The condition without a leading WHERE keyword, which users often type. */
QString stripWhere(const QString &condition)
{
    static const QRegularExpression where(QStringLiteral("^\\s*where\\b"),
                                          QRegularExpression::CaseInsensitiveOption);
    QString stripped = condition;
    stripped.remove(where);
    return stripped;
}

/** Finalizes a statement when it goes out of scope. */
struct StatementGuard
{
    sqlite3_stmt *statement = nullptr;
    ~StatementGuard() { sqlite3_finalize(statement); }
};

} // namespace

SqlFilter::SqlFilter(const QString &projectPath, SqlFilterParams params)
    : m_db(std::make_unique<SqliteDatabase>(projectPath, SqliteDatabase::Mode::ReadOnly)), m_params(params)
{
    sqlite3 *db = m_db->handle();
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
    m_db->exec(QStringLiteral("PRAGMA query_only = 1")); // before the authorizer, which denies PRAGMA
    sqlite3_set_authorizer(db, &SqlFilter::authorize, this);
    sqlite3_progress_handler(db, kProgressInstructions, &SqlFilter::checkProgress, this);
}

SqlFilter::~SqlFilter() = default;

int SqlFilter::authorize(void *self, int action, const char *a, const char *b, const char *, const char *)
{
    auto *filter = static_cast<SqlFilter *>(self);
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE: // runaway recursion is what the time limit is for
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        if (b && allowedFunctions().contains(QString::fromUtf8(b).toLower()))
            return SQLITE_OK;
        break;
    default:
        break;
    }
    // SQLite checks a statement's writes to its schema table before the statement itself
    // (DROP TABLE is first a DELETE from sqlite_master): name the statement when there is one.
    const bool schemaWrite =
        (action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE) && a &&
        QByteArray(a).startsWith("sqlite_");
    QString &denied = schemaWrite ? filter->m_deniedSchemaWrite : filter->m_denied;
    if (denied.isEmpty())
        denied = schemaWrite ? describeSchemaWrite(action) : describeAction(action, a, b);
    return SQLITE_DENY;
}

int SqlFilter::checkProgress(void *self)
{
    auto *filter = static_cast<SqlFilter *>(self);
    if (filter->m_progress && filter->m_progress->isCancelled())
        return 1;
    if (std::chrono::steady_clock::now() > filter->m_deadline) {
        filter->m_timedOut = true;
        return 1;
    }
    return 0;
}

void SqlFilter::clearDenied()
{
    m_denied.clear();
    m_deniedSchemaWrite.clear();
}

void SqlFilter::throwIfDenied() const
{
    const QString &what = m_denied.isEmpty() ? m_deniedSchemaWrite : m_denied;
    if (!what.isEmpty())
        throw Error(QStringLiteral("the filter may only read: %1 is not allowed").arg(what));
}

void SqlFilter::rejectTrailingStatement(const QByteArray &tail)
{
    if (!hasStatement(tail))
        return;
    // Prepared only (never stepped), so the authorizer can name what it would have done.
    clearDenied();
    StatementGuard second;
    sqlite3_prepare_v2(m_db->handle(), tail.constData(), int(tail.size()), &second.statement, nullptr);
    throwIfDenied();
    throw Error(QStringLiteral("the filter must be one condition: remove the second statement after ';' (%1)")
                    .arg(QString::fromUtf8(tail.trimmed().left(60))));
}

SqlFilterResult SqlFilter::run(const QString &condition, Progress *progress)
{
    const QString clause = stripWhere(condition);
    const QByteArray sql =
        (clause.trimmed().isEmpty() ? QStringLiteral("SELECT sample_index FROM sample_view")
                                    : QStringLiteral("SELECT sample_index FROM sample_view WHERE ") + clause)
            .toUtf8();
    sqlite3 *db = m_db->handle();
    clearDenied();
    m_progress = progress;
    struct ForgetProgress
    {
        SqlFilter *filter;
        ~ForgetProgress() { filter->m_progress = nullptr; }
    } forget{this};
    m_timedOut = false;
    m_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_params.timeLimitMs);
    StatementGuard statement;
    const char *tail = nullptr;
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &statement.statement, &tail) != SQLITE_OK) {
        throwIfDenied();
        throw Error(
            QStringLiteral("the filter is not valid SQL: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
    }
    rejectTrailingStatement(QByteArray(tail));
    if (!statement.statement || !sqlite3_stmt_readonly(statement.statement))
        throw Error(QStringLiteral("the filter may only read"));

    SqlFilterResult result;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(statement.statement)) == SQLITE_ROW) {
        if (qint64(result.sampleIndices.size()) >= m_params.rowLimit) {
            result.truncated = true;
            break;
        }
        if (sqlite3_column_type(statement.statement, 0) != SQLITE_INTEGER)
            throw Error(QStringLiteral("the filter must select samples: write a condition on sample_view"));
        result.sampleIndices.push_back(sqlite3_column_int64(statement.statement, 0));
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return result;
    if (progress && progress->isCancelled())
        throw Cancelled();
    if (m_timedOut)
        throw Error(QStringLiteral("the filter took longer than %1 s and was stopped")
                        .arg(QString::number(m_params.timeLimitMs / 1000.0)));
    throw Error(QStringLiteral("the filter failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))));
}

} // namespace loupe
