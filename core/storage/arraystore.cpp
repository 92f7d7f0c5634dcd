#include "storage/arraystore.h"

#include "common/hugepages.h"
#include "common/error.h"
#include "common/progress.h"
#include "storage/sqlitedatabase.h"

#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>

namespace loupe {

static_assert(std::endian::native == std::endian::little, "array chunks are stored as little-endian float32");

namespace {
constexpr qint64 kChunkBytes = qint64(1) << 20;
}

ArrayStore::ArrayStore(SqliteDatabase &db) : m_db(db) {}

qint64 ArrayStore::chunkRows(qint64 cols)
{
    return std::max<qint64>(1, kChunkBytes / (std::max<qint64>(1, cols) * qint64(sizeof(float))));
}

void ArrayStore::write(int runId, const QString &name, Shape shape, const RowSource &source,
                       Progress *progress)
{
    auto remove = m_db.prepare(QStringLiteral("DELETE FROM arrays WHERE run_id = ? AND name = ?"));
    remove.bind(1, runId).bind(2, name).execute();
    const qint64 rowsPerChunk = chunkRows(shape.cols);
    auto header = m_db.prepare(
        QStringLiteral("INSERT INTO arrays(run_id, name, rows, cols, chunk_rows) VALUES (?, ?, ?, ?, ?)"));
    header.bind(1, runId)
        .bind(2, name)
        .bind(3, shape.rows)
        .bind(4, shape.cols)
        .bind(5, rowsPerChunk)
        .execute();

    auto insert = m_db.prepare(QStringLiteral("INSERT INTO array_chunks(run_id, name, chunk, first_row, "
                                              "row_count, data) VALUES (?, ?, ?, ?, ?, ?)"));
    std::vector<float> buffer(size_t(rowsPerChunk * shape.cols));
    qint64 chunk = 0;
    for (qint64 first = 0; first < shape.rows; first += rowsPerChunk, ++chunk) {
        const qint64 count = std::min(rowsPerChunk, shape.rows - first);
        source(first, count, buffer.data());
        insert.bind(1, runId).bind(2, name).bind(3, chunk).bind(4, first).bind(5, count);
        // execute() is done with the buffer before the next chunk is read into it.
        insert.bindBlobInPlace(6, buffer.data(), count * shape.cols * qint64(sizeof(float)));
        insert.execute();
        if (progress) {
            progress->throwIfCancelled();
            progress->setProgress(first + count, shape.rows);
        }
    }
}

std::optional<ArrayStore::Shape> ArrayStore::shape(int runId, const QString &name) const
{
    auto statement =
        m_db.prepare(QStringLiteral("SELECT rows, cols FROM arrays WHERE run_id = ? AND name = ?"));
    statement.bind(1, runId).bind(2, name);
    if (!statement.step())
        return std::nullopt;
    return Shape{statement.columnInt64(0), statement.columnInt64(1)};
}

std::vector<float> ArrayStore::readAll(int runId, const QString &name) const
{
    const auto arrayShape = shape(runId, name);
    if (!arrayShape)
        return {};
    std::vector<float> values;
    assignLarge(values, size_t(arrayShape->rows * arrayShape->cols), 0.0f);
    // Each chunk is read by incremental BLOB I/O straight into its place: a column read would
    // first assemble the chunk in a buffer of SQLite's, a fresh megabyte of pages to fault in
    // and copy out of for every chunk.
    auto statement = m_db.prepare(QStringLiteral(
        "SELECT rowid, first_row, row_count FROM array_chunks WHERE run_id = ? AND name = ? ORDER BY chunk"));
    statement.bind(1, runId).bind(2, name);
    while (statement.step()) {
        const qint64 first = statement.columnInt64(1);
        const qint64 count = statement.columnInt64(2);
        const qint64 bytes = count * arrayShape->cols * qint64(sizeof(float));
        const bool fits = first >= 0 && count >= 0 && first + count <= arrayShape->rows;
        if (!fits || !readBlob(statement.columnInt64(0), values.data() + first * arrayShape->cols, bytes))
            throw Error(QStringLiteral("array %1 of run %2 is damaged (chunk at row %3)")
                            .arg(name)
                            .arg(runId)
                            .arg(first));
    }
    return values;
}

bool ArrayStore::readBlob(qint64 chunkRowid, float *out, qint64 bytes) const
{
    sqlite3_blob *blob = nullptr;
    int rc = sqlite3_blob_open(m_db.handle(), "main", "array_chunks", "data", chunkRowid, 0, &blob);
    // A chunk of another length than its rows need is damage, not something to read part of.
    const bool sized = rc == SQLITE_OK && sqlite3_blob_bytes(blob) == bytes && bytes <= INT_MAX;
    if (sized)
        rc = sqlite3_blob_read(blob, out, int(bytes), 0);
    sqlite3_blob_close(blob);
    return sized && rc == SQLITE_OK;
}

void ArrayStore::forEachChunk(int runId, const QString &name, const ChunkVisitor &visit) const
{
    const auto arrayShape = shape(runId, name);
    if (!arrayShape)
        throw Error(QStringLiteral("run %1 has no array %2").arg(runId).arg(name));
    auto statement = m_db.prepare(QStringLiteral(
        "SELECT first_row, row_count, data FROM array_chunks WHERE run_id = ? AND name = ? ORDER BY chunk"));
    statement.bind(1, runId).bind(2, name);
    qint64 next = 0;
    while (statement.step()) {
        const qint64 first = statement.columnInt64(0);
        const qint64 count = statement.columnInt64(1);
        const auto *values = static_cast<const float *>(statement.columnBlobData(2));
        if (first != next || statement.columnBytes(2) != count * arrayShape->cols * qint64(sizeof(float)))
            throw Error(QStringLiteral("array %1 of run %2 is damaged (chunk at row %3)")
                            .arg(name)
                            .arg(runId)
                            .arg(first));
        visit(first, count, values);
        next = first + count;
    }
    if (next != arrayShape->rows)
        throw Error(QStringLiteral("array %1 of run %2 is damaged (%3 of %4 rows stored)")
                        .arg(name)
                        .arg(runId)
                        .arg(next)
                        .arg(arrayShape->rows));
}

ArrayStore::RowPlace ArrayStore::locateRow(int runId, const QString &name, qint64 row) const
{
    auto info = m_db.prepare(
        QStringLiteral("SELECT rows, cols, chunk_rows FROM arrays WHERE run_id = ? AND name = ?"));
    info.bind(1, runId).bind(2, name);
    if (!info.step())
        throw Error(QStringLiteral("run %1 has no array %2").arg(runId).arg(name));
    const qint64 rows = info.columnInt64(0);
    const qint64 cols = info.columnInt64(1);
    const qint64 rowsPerChunk = info.columnInt64(2);
    if (row < 0 || row >= rows)
        throw Error(QStringLiteral("row %1 is outside array %2 (%3 rows)").arg(row).arg(name).arg(rows));

    auto locate = m_db.prepare(QStringLiteral(
        "SELECT rowid, first_row FROM array_chunks WHERE run_id = ? AND name = ? AND chunk = ?"));
    locate.bind(1, runId).bind(2, name).bind(3, row / rowsPerChunk);
    if (!locate.step())
        throw Error(QStringLiteral("array %1 of run %2 is missing the chunk of row %3")
                        .arg(name)
                        .arg(runId)
                        .arg(row));
    const qint64 bytes = cols * qint64(sizeof(float));
    return {locate.columnInt64(0), int((row - locate.columnInt64(1)) * bytes), int(bytes)};
}

std::vector<float> ArrayStore::readRow(int runId, const QString &name, qint64 row) const
{
    const RowPlace place = locateRow(runId, name, row);
    std::vector<float> values(size_t(place.bytes) / sizeof(float));
    sqlite3_blob *blob = nullptr;
    int rc = sqlite3_blob_open(m_db.handle(), "main", "array_chunks", "data", place.chunkRowid, 0, &blob);
    if (rc == SQLITE_OK)
        rc = sqlite3_blob_read(blob, values.data(), place.bytes, place.offset);
    sqlite3_blob_close(blob);
    if (rc != SQLITE_OK)
        throw Error(QStringLiteral("cannot read row %1 of array %2: %3")
                        .arg(row)
                        .arg(name, QString::fromUtf8(sqlite3_errstr(rc))));
    return values;
}

void ArrayStore::writeRow(int runId, const QString &name, qint64 row, const float *values)
{
    const RowPlace place = locateRow(runId, name, row);
    sqlite3_blob *blob = nullptr;
    int rc = sqlite3_blob_open(m_db.handle(), "main", "array_chunks", "data", place.chunkRowid, 1, &blob);
    if (rc == SQLITE_OK)
        rc = sqlite3_blob_write(blob, values, place.bytes, place.offset);
    sqlite3_blob_close(blob);
    if (rc != SQLITE_OK)
        throw Error(QStringLiteral("cannot write row %1 of array %2: %3")
                        .arg(row)
                        .arg(name, QString::fromUtf8(sqlite3_errstr(rc))));
}

} // namespace loupe
