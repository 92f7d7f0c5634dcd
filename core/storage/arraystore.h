#pragma once

#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace loupe {

class Progress;
class SqliteDatabase;

/**
 * Stores a run's dense float arrays (probabilities, embeddings, 2-D coordinates) as
 * row-major float32 chunks of about 1 MiB in `array_chunks`.
 *
 * One row per number or one BLOB per sample is 5-10x slower to write and read than
 * large chunks (docs/project-format.md); chunks also let a single row be read with
 * incremental BLOB I/O without loading the whole array.
 */
class ArrayStore
{
public:
    struct Shape
    {
        qint64 rows = 0;
        qint64 cols = 0;
    };
    /** Fills out with rows [first, first + count) of the source, row-major. */
    using RowSource = std::function<void(qint64 first, qint64 count, float *out)>;

    explicit ArrayStore(SqliteDatabase &db);

    /** Replaces the array (runId, name) with rows x cols values from source. Call inside a transaction. */
    void write(int runId, const QString &name, Shape shape, const RowSource &source,
               Progress *progress = nullptr);
    std::optional<Shape> shape(int runId, const QString &name) const;
    /** The whole array, row-major; empty when absent. */
    std::vector<float> readAll(int runId, const QString &name) const;
    /** One row; throws loupe::Error when the array or row does not exist. */
    std::vector<float> readRow(int runId, const QString &name, qint64 row) const;
    /** Receives rows [first, first + count) of an array, row-major, valid during the call only. */
    using ChunkVisitor = std::function<void(qint64 first, qint64 count, const float *values)>;
    /**
     * Visits the array chunk by chunk, in row order, straight from SQLite's buffers: a pass over
     * an array of any size in about a megabyte of memory. Throws loupe::Error when it is absent
     * or damaged.
     */
    void forEachChunk(int runId, const QString &name, const ChunkVisitor &visit) const;
    /** Overwrites one row in place (cols values); throws loupe::Error as readRow(). */
    void writeRow(int runId, const QString &name, qint64 row, const float *values);

    /** Rows per chunk for an array of this width. */
    static qint64 chunkRows(qint64 cols);

private:
    /** Where a row's bytes are: the chunk's rowid in array_chunks, the offset and length in it. */
    struct RowPlace
    {
        qint64 chunkRowid = 0;
        int offset = 0;
        int bytes = 0;
    };
    RowPlace locateRow(int runId, const QString &name, qint64 row) const;
    /** Reads a whole chunk's BLOB into out; false when it is not bytes long or cannot be read. */
    bool readBlob(qint64 chunkRowid, float *out, qint64 bytes) const;

    SqliteDatabase &m_db;
};

} // namespace loupe
