#pragma once

#include <QByteArray>
#include <QImage>
#include <QMutex>
#include <QSize>
#include <QString>

#include <memory>
#include <vector>

namespace loupe {

class SqliteDatabase;
class SqliteStatement;

/**
 * A project's thumbnails on disk, so that reopening a project shows its grid without
 * decoding the original images again.
 *
 * One SQLite file per project (see fileFor()), rows keyed by (absolute image path,
 * thumbnail width, height) with the source file's size and mtime: a thumbnail is served
 * only while both still match, so an edited image is decoded again. The file is a cache,
 * never the project: WAL with synchronous=NORMAL (no fsync per commit), and any failure
 * (unwritable directory, corrupt file, I/O error) logs one warning and turns this tier
 * off, so callers simply decode the original as if nothing was cached.
 *
 * Thread-safe: the decode pool calls load() and store() from its threads. One connection
 * behind m_mutex rather than one per thread: the lock is held only for a primary-key
 * lookup and the blob copy (the image decode happens outside it), which is small next to
 * decoding the blob, and a single connection needs no per-thread lifetime management.
 * Writes are batched: store() queues the encoded thumbnail and one transaction writes
 * kBatchSize of them; flush() writes the rest (the owner calls it when its queue drains).
 */
class ThumbnailDiskCache final
{
public:
    /** The version of a source image; a changed size or mtime means its thumbnail is stale. */
    struct SourceStamp
    {
        qint64 bytes = -1; // -1: the file does not exist (or cannot be stat'ed)
        qint64 modifiedMs = 0;

        bool exists() const { return bytes >= 0; }
        static SourceStamp of(const QString &path);
    };

    /** How a thumbnail may be encoded: Photo allows JPEG, Lossless keeps exact pixels (PNG). */
    enum class Encoding { Lossless, Photo };

    /** Rows written per transaction; the rest wait for flush(). */
    static constexpr int kBatchSize = 64;

    /** CacheLocation/thumbnails. */
    static QString defaultDirectory();
    /** directory/<hex SHA-1 of the project's absolute path>.sqlite */
    static QString fileFor(const QString &directory, const QString &projectPath);

    /** Opens (or creates) file lazily, on the first load() or store(). */
    explicit ThumbnailDiskCache(const QString &file);
    /** Writes pending thumbnails. */
    ~ThumbnailDiskCache();
    Q_DISABLE_COPY_MOVE(ThumbnailDiskCache)

    QString file() const { return m_file; }

    /**
     * The stored thumbnail of imagePath at size, or a null image when there is none or it
     * is stale. When the source no longer exists (stamp.exists() is false) any stored
     * thumbnail is served: a dataset on an unmounted drive still shows its grid.
     */
    QImage load(const QString &imagePath, QSize size, const SourceStamp &stamp);
    /**
     * Queues image as the thumbnail of imagePath at size; stamp must be taken before the
     * source was read, so that a file edited meanwhile is seen as stale next time.
     */
    void store(const QString &imagePath, QSize size, const SourceStamp &stamp, const QImage &image,
               Encoding encoding);
    /** Writes the queued thumbnails in one transaction. */
    void flush();
    /** False once a failure turned this tier off. */
    bool isUsable() const;

private:
    struct Entry
    {
        QString path;
        QSize size;
        SourceStamp stamp;
        QByteArray data;
    };

    bool ensureOpen();
    void open();
    void close();
    void writePending();
    void disable(const QString &reason);

    const QString m_file;
    mutable QMutex m_mutex;
    // All below guarded by m_mutex. Statements are declared after the database so they
    // are destroyed first.
    std::unique_ptr<SqliteDatabase> m_db;
    std::unique_ptr<SqliteStatement> m_select;
    std::unique_ptr<SqliteStatement> m_insert;
    std::vector<Entry> m_pending;
    bool m_triedOpen = false;
    bool m_disabled = false;
};

} // namespace loupe
