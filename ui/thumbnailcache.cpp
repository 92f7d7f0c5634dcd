#include "thumbnailcache.h"

#include <QImageReader>
#include <QPainter>
#include <QPointer>
#include <QRunnable>

#include "boxcrop.h"
#include "thumbnaildiskcache.h"

namespace loupe {

namespace {

QImage unreadablePlaceholder(QSize size, const QString &reason)
{
    QImage placeholder(size, QImage::Format_ARGB32_Premultiplied);
    placeholder.fill(Qt::transparent);
    QPainter painter(&placeholder);
    painter.setPen(QColor(200, 60, 60));
    painter.drawText(placeholder.rect(), Qt::AlignCenter | Qt::TextWordWrap,
                     QStringLiteral("cannot read\n%1").arg(reason));
    return placeholder;
}

// Decodes at (or near) the target size; QImageReader lets JPEG decoders scale while decoding.
// Returns a null image (and the reason in *error) when the file cannot be read; *downscaled
// tells whether the original was larger than size (a photo rather than a small image).
QImage decodeOriginal(const QString &path, QSize size, bool *downscaled, QString *error)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize original = reader.size();
    *downscaled =
        original.isValid() && (original.width() > size.width() || original.height() > size.height());
    if (*downscaled)
        reader.setScaledSize(original.scaled(size, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        *error = reader.errorString();
        return {};
    }
    if (image.width() < size.width() / 2 && image.height() < size.height() / 2) {
        // Tiny images (28 px Fashion-MNIST) stay crisp when enlarged by a whole factor.
        const int factor =
            std::max(1, std::min(size.width() / image.width(), size.height() / image.height()));
        image = image.scaled(image.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
    }
    return image;
}

// The disk tier, then the original. Runs on the pool; disk may be null.
QImage loadThumbnail(const QString &path, QSize size, ThumbnailDiskCache *disk)
{
    // Taken before the file is read: an edit during the decode then shows as stale next time.
    const auto stamp = ThumbnailDiskCache::SourceStamp::of(path);
    if (disk) {
        const QImage cached = disk->load(path, size, stamp);
        if (!cached.isNull())
            return cached.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    }
    bool downscaled = false;
    QString error;
    const QImage image = decodeOriginal(path, size, &downscaled, &error);
    // Failures are not stored: a missing or unreadable file may be fixed without its mtime telling.
    if (image.isNull())
        return unreadablePlaceholder(size, error);
    if (disk) {
        // Stored before the premultiplied conversion: a grayscale or opaque source encodes smaller.
        disk->store(path, size, stamp, image,
                    downscaled ? ThumbnailDiskCache::Encoding::Photo
                               : ThumbnailDiskCache::Encoding::Lossless);
    }
    return image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

QImage loadSource(const ThumbnailSource &source, QSize size, ThumbnailDiskCache *disk, RecentImages *recent)
{
    if (source.region.isEmpty() || !recent)
        return loadThumbnail(source.path, size, disk);
    const QImage image = recent->image(source.path);
    if (image.isNull())
        return unreadablePlaceholder(size, QStringLiteral("image"));
    return boxCrop(image, source.region, source.outline, size)
        .convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

} // namespace

ThumbnailCache::ThumbnailCache(QObject *parent)
    : QObject(parent), m_diskDirectory(ThumbnailDiskCache::defaultDirectory())
{
    m_cache.setMaxCost(64 * 1024 * 1024); // bytes
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
}

ThumbnailCache::~ThumbnailCache()
{
    m_queue.clear();
    m_pool.waitForDone();
    // m_disk's destructor writes what is pending (on this thread: we are shutting down).
}

void ThumbnailCache::reset(PathResolver resolver, const QString &projectPath)
{
    if (resolver)
        resetSources([resolver = std::move(resolver)](qint64 sample) {
            return ThumbnailSource{resolver(sample), {}, {}};
        });
    else
        resetSources({});
    m_recent.reset();
    const QString file = ThumbnailDiskCache::fileFor(m_diskDirectory, projectPath);
    if (m_resolver && !file.isEmpty())
        m_disk = std::make_shared<ThumbnailDiskCache>(file);
}

void ThumbnailCache::resetSources(SourceResolver resolver)
{
    ++m_generation;
    m_resolver = std::move(resolver);
    m_queue.clear();
    m_requested.clear();
    m_cache.clear();
    m_recent = std::make_shared<RecentImages>();
    // Moved into a pool task, so that the old project's cache is written and closed (a WAL
    // checkpoint) there, not on the UI thread.
    if (m_disk)
        m_pool.start([disk = std::move(m_disk)] { disk->flush(); });
}

void ThumbnailCache::setDiskCacheDirectory(const QString &directory)
{
    m_diskDirectory = directory;
}

void ThumbnailCache::setThumbnailSize(QSize size)
{
    if (size == m_size)
        return;
    m_size = size;
    ++m_generation;
    m_queue.clear();
    m_requested.clear();
    m_cache.clear();
}

QImage ThumbnailCache::thumbnail(qint64 sample)
{
    if (const QImage *image = m_cache.object(sample))
        return *image;
    if (m_resolver && !m_requested.contains(sample)) {
        m_requested.insert(sample, true);
        m_queue.push_back(sample);
        startQueued();
    }
    return {};
}

void ThumbnailCache::forgetPending()
{
    for (qint64 sample : m_queue)
        m_requested.remove(sample);
    m_queue.clear();
}

void ThumbnailCache::waitForDone()
{
    m_pool.waitForDone();
    if (m_disk)
        m_disk->flush();
}

void ThumbnailCache::startQueued()
{
    while (!m_queue.empty() && m_running < m_pool.maxThreadCount()) {
        const qint64 sample = m_queue.back();
        m_queue.pop_back();
        ++m_running;
        const ThumbnailSource source = m_resolver(sample);
        const QSize size = m_size;
        const quint64 generation = m_generation;
        QPointer<ThumbnailCache> self(this);
        m_pool.start([self, disk = m_disk, recent = m_recent, source, size, generation, sample] {
            const QImage image = loadSource(source, size, disk.get(), recent.get());
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, sample, image] {
                    if (self)
                        self->deliver(generation, sample, image);
                },
                Qt::QueuedConnection);
        });
    }
}

void ThumbnailCache::deliver(quint64 generation, qint64 sample, const QImage &image)
{
    --m_running;
    if (generation == m_generation) {
        m_requested.remove(sample);
        m_cache.insert(sample, new QImage(image), std::max<qsizetype>(1, image.sizeInBytes()));
        Q_EMIT thumbnailReady(sample);
    }
    startQueued();
    // The visible page is done: write its thumbnails now rather than waiting for a full batch.
    if (m_running == 0 && m_queue.empty())
        flushDiskInBackground();
}

void ThumbnailCache::flushDiskInBackground()
{
    if (m_disk)
        m_pool.start([disk = m_disk] { disk->flush(); });
}

} // namespace loupe
