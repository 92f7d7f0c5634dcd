#pragma once

#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSize>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <vector>

namespace loupe {

/**
 * Decodes thumbnails off the UI thread and keeps the recent ones in memory.
 *
 * thumbnail() returns at once: the cached image, or a null image after queueing a
 * decode. Requests come from painting, so only visible tiles are decoded; the queue
 * is served newest first and cleared by forgetPending() when the view scrolls, so a
 * fast scroll does not leave a backlog of tiles nobody sees.
 */
class ThumbnailCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThumbnailCache)

public:
    /** Maps a sample to the absolute path of its image. */
    using PathResolver = std::function<QString(qint64 sample)>;

    explicit ThumbnailCache(QObject *parent = nullptr);
    ~ThumbnailCache() override;

    /** Clears everything and serves images of a new project. */
    void reset(PathResolver resolver);
    void setThumbnailSize(QSize size);
    QSize thumbnailSize() const { return m_size; }

    QImage thumbnail(qint64 sample);
    /** Drops queued decodes that have not started (call when the visible area changes). */
    void forgetPending();
    /** Waits for decodes in flight (for tests and shutdown). */
    void waitForDone();

Q_SIGNALS:
    void thumbnailReady(qint64 sample);

private:
    void startQueued();
    void deliver(quint64 generation, qint64 sample, const QImage &image);

    PathResolver m_resolver;
    QSize m_size{96, 96};
    QCache<qint64, QImage> m_cache;
    std::vector<qint64> m_queue;     // LIFO: the newest request is the likeliest still visible
    QHash<qint64, bool> m_requested; // queued or decoding
    QThreadPool m_pool;
    int m_running = 0;
    quint64 m_generation = 0; // bumped by reset(): late results of an old project are dropped
};

} // namespace loupe
