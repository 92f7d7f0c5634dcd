#pragma once

#include <QCache>
#include <QColor>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QRectF>
#include <QSize>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <vector>

namespace loupe {

class RecentImages;
class ThumbnailDiskCache;

/** What a thumbnail shows: an image, or a box cut from it (region, outlined in outline). */
struct ThumbnailSource
{
    QString path;
    QRectF region; ///< empty: the whole image
    QColor outline;
};

/**
 * Decodes thumbnails off the UI thread and keeps the recent ones in memory.
 *
 * thumbnail() returns at once: the cached image, or a null image after queueing a
 * decode. Requests come from painting, so only visible tiles are decoded; the queue
 * is served newest first and cleared by forgetPending() when the view scrolls, so a
 * fast scroll does not leave a backlog of tiles nobody sees.
 *
 * Three tiers: memory, then the project's ThumbnailDiskCache, then decoding the original
 * (whose result is written back to disk). Both lookups past memory run on the pool.
 * Box crops (resetSources) have memory only: they are cheap to cut again and change with edits.
 */
class ThumbnailCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThumbnailCache)

public:
    /** Maps a sample to the absolute path of its image. */
    using PathResolver = std::function<QString(qint64 sample)>;
    /** Maps a key to what its thumbnail shows. */
    using SourceResolver = std::function<ThumbnailSource(qint64 key)>;

    explicit ThumbnailCache(QObject *parent = nullptr);
    ~ThumbnailCache() override;

    /**
     * Clears everything and serves images of a new project. projectPath names the
     * project's disk cache (ThumbnailDiskCache::fileFor); empty means memory only.
     */
    void reset(PathResolver resolver, const QString &projectPath = {});
    /** Clears everything and serves thumbnails of what resolver names (box crops), from memory only. */
    void resetSources(SourceResolver resolver);
    /**
     * Where disk caches live (default ThumbnailDiskCache::defaultDirectory(); empty turns
     * the disk tier off). Takes effect at the next reset().
     */
    void setDiskCacheDirectory(const QString &directory);
    QString diskCacheDirectory() const { return m_diskDirectory; }
    void setThumbnailSize(QSize size);
    QSize thumbnailSize() const { return m_size; }

    QImage thumbnail(qint64 sample);
    /** Drops queued decodes that have not started (call when the visible area changes). */
    void forgetPending();
    /** Waits for decodes in flight and writes their thumbnails to disk (for tests and shutdown). */
    void waitForDone();

Q_SIGNALS:
    void thumbnailReady(qint64 sample);

private:
    void startQueued();
    void deliver(quint64 generation, qint64 sample, const QImage &image);
    void flushDiskInBackground();

    SourceResolver m_resolver;
    std::shared_ptr<RecentImages> m_recent; // the images boxes are cut from
    QString m_diskDirectory;
    // Shared with the decode tasks, so reset() need not wait for them; whoever drops the
    // last reference writes what is pending and closes the file.
    std::shared_ptr<ThumbnailDiskCache> m_disk;
    QSize m_size{96, 96};
    QCache<qint64, QImage> m_cache;
    std::vector<qint64> m_queue;     // LIFO: the newest request is the likeliest still visible
    QHash<qint64, bool> m_requested; // queued or decoding
    QThreadPool m_pool;
    int m_running = 0;
    quint64 m_generation = 0; // bumped by reset(): late results of an old project are dropped
};

} // namespace loupe
