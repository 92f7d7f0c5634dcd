#include "thumbnailcache.h"

#include <QImageReader>
#include <QPainter>
#include <QPointer>
#include <QRunnable>

namespace loupe {

namespace {

// Decodes at (or near) the target size; QImageReader lets JPEG decoders scale while decoding.
QImage decodeThumbnail(const QString &path, QSize size)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize original = reader.size();
    if (original.isValid() && (original.width() > size.width() || original.height() > size.height()))
        reader.setScaledSize(original.scaled(size, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        QImage placeholder(size, QImage::Format_ARGB32_Premultiplied);
        placeholder.fill(Qt::transparent);
        QPainter painter(&placeholder);
        painter.setPen(QColor(200, 60, 60));
        painter.drawText(placeholder.rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         QStringLiteral("cannot read\n%1").arg(reader.errorString()));
        return placeholder;
    }
    if (image.width() < size.width() / 2 && image.height() < size.height() / 2) {
        // Tiny images (28 px Fashion-MNIST) stay crisp when enlarged by a whole factor.
        const int factor =
            std::max(1, std::min(size.width() / image.width(), size.height() / image.height()));
        image = image.scaled(image.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
    }
    return image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

} // namespace

ThumbnailCache::ThumbnailCache(QObject *parent) : QObject(parent)
{
    m_cache.setMaxCost(64 * 1024 * 1024); // bytes
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
}

ThumbnailCache::~ThumbnailCache()
{
    m_queue.clear();
    m_pool.waitForDone();
}

void ThumbnailCache::reset(PathResolver resolver)
{
    ++m_generation;
    m_resolver = std::move(resolver);
    m_queue.clear();
    m_requested.clear();
    m_cache.clear();
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
}

void ThumbnailCache::startQueued()
{
    while (!m_queue.empty() && m_running < m_pool.maxThreadCount()) {
        const qint64 sample = m_queue.back();
        m_queue.pop_back();
        ++m_running;
        const QString path = m_resolver(sample);
        const QSize size = m_size;
        const quint64 generation = m_generation;
        QPointer<ThumbnailCache> self(this);
        m_pool.start([self, path, size, generation, sample] {
            const QImage image = decodeThumbnail(path, size);
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
}

} // namespace loupe
