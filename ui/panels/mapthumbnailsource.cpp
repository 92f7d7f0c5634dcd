#include "mapthumbnailsource.h"

#include "projectsession.h"
#include "storage/project.h"
#include "thumbnailcache.h"

namespace loupe {

MapThumbnailSource::MapThumbnailSource(ProjectSession &session, QObject *parent)
    : QObject(parent), m_session(session), m_cache(new ThumbnailCache(this))
{
    connect(m_cache, &ThumbnailCache::thumbnailReady, this, [this](qint64 sample) { notifyReady(sample); });
    connect(&session, &ProjectSession::opened, this, &MapThumbnailSource::reset);
    connect(&session, &ProjectSession::closed, this, &MapThumbnailSource::reset);
    reset();
}

// Decodes in flight finish (and are written to disk) before the cache goes.
MapThumbnailSource::~MapThumbnailSource()
{
    m_cache->waitForDone();
}

/** Serves the open project's images (a sample is a map point), or none. */
void MapThumbnailSource::reset()
{
    if (!m_session.isOpen()) {
        m_cache->reset({});
        return;
    }
    const Project *project = m_session.project();
    const SampleTable *table = &m_session.table();
    m_cache->reset(
        [project, table](qint64 sample) { return project->absoluteImagePath(table->images.at(sample)); },
        project->path());
}

QImage MapThumbnailSource::thumbnail(qint64 point)
{
    if (!m_session.isOpen() || point < 0 || point >= m_session.table().size())
        return {};
    return m_cache->thumbnail(point);
}

void MapThumbnailSource::setImageSize(QSize devicePixels)
{
    m_cache->setThumbnailSize(devicePixels);
}

void MapThumbnailSource::forgetPending()
{
    m_cache->forgetPending();
}

} // namespace loupe
