#include "thumbnaildiskcache.h"

#include <exception>

#include <QBuffer>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QStandardPaths>

#include "common/error.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitestatement.h"
#include "storage/sqlitetransaction.h"

namespace loupe {

namespace {

// Bump when the table or the thumbnails' pixels change (e.g. a new scaling rule): an
// older file is emptied on open rather than serving thumbnails the decoder would no
// longer produce.
constexpr int kSchemaVersion = 1;

// JPEG at 90 for downscaled photos: a 112 px thumbnail of loupe-thumbnail-bench's 1600x1200
// photos is ~3.5 KB as JPEG and ~10 KB as PNG (real photos, with more texture, widen the
// gap), and at that size the loss is invisible. Small originals shown enlarged (28 px
// Fashion-MNIST at 4x) and anything with alpha go to PNG instead: exact pixels, no ringing
// around the enlarged pixel blocks, and they compress well (~1.4 KB).
constexpr int kJpegQuality = 90;

QByteArray encode(const QImage &image, ThumbnailDiskCache::Encoding encoding)
{
    const bool lossy = encoding == ThumbnailDiskCache::Encoding::Photo && !image.hasAlphaChannel();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, lossy ? "JPEG" : "PNG", lossy ? kJpegQuality : -1))
        return {};
    return bytes;
}

} // namespace

ThumbnailDiskCache::SourceStamp ThumbnailDiskCache::SourceStamp::of(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return {};
    return {info.size(), info.lastModified().toMSecsSinceEpoch()};
}

QString ThumbnailDiskCache::defaultDirectory()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    return base.isEmpty() ? QString() : base + QStringLiteral("/thumbnails");
}

QString ThumbnailDiskCache::fileFor(const QString &directory, const QString &projectPath)
{
    if (directory.isEmpty() || projectPath.isEmpty())
        return {};
    // The canonical path, so that a project opened through a symlink shares its cache.
    const QFileInfo info(projectPath);
    const QString canonical = info.canonicalFilePath();
    const QString key = canonical.isEmpty() ? info.absoluteFilePath() : canonical;
    const QByteArray hash = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex();
    return QDir(directory).filePath(QString::fromLatin1(hash) + QStringLiteral(".sqlite"));
}

ThumbnailDiskCache::ThumbnailDiskCache(const QString &file) : m_file(file) {}

ThumbnailDiskCache::~ThumbnailDiskCache()
{
    flush();
    QMutexLocker lock(&m_mutex);
    close();
}

QImage ThumbnailDiskCache::load(const QString &imagePath, QSize size, const SourceStamp &stamp)
{
    QByteArray data;
    SourceStamp stored;
    {
        QMutexLocker lock(&m_mutex);
        // Newest first: a thumbnail stored twice (evicted from memory, decoded again) wins.
        for (auto it = m_pending.rbegin(); it != m_pending.rend() && data.isEmpty(); ++it) {
            if (it->path == imagePath && it->size == size) {
                data = it->data;
                stored = it->stamp;
            }
        }
        if (data.isEmpty() && ensureOpen()) {
            try {
                m_select->bind(1, imagePath).bind(2, size.width()).bind(3, size.height());
                if (m_select->step()) {
                    stored = {m_select->columnInt64(0), m_select->columnInt64(1)};
                    data = m_select->columnBlob(2);
                }
                // Ends the read transaction now, not at the next lookup.
                m_select->reset();
            } catch (const std::exception &e) {
                disable(QString::fromUtf8(e.what()));
                return {};
            }
        }
    }
    if (data.isEmpty())
        return {};
    if (stamp.exists() && (stamp.bytes != stored.bytes || stamp.modifiedMs != stored.modifiedMs))
        return {};
    // Decoded outside the lock: this is most of the work of a cache hit.
    return QImage::fromData(data);
}

void ThumbnailDiskCache::store(const QString &imagePath, QSize size, const SourceStamp &stamp,
                               const QImage &image, Encoding encoding)
{
    if (!stamp.exists() || !isUsable())
        return;
    QByteArray data = encode(image, encoding);
    if (data.isEmpty())
        return;
    QMutexLocker lock(&m_mutex);
    m_pending.push_back({imagePath, size, stamp, std::move(data)});
    if (m_pending.size() >= size_t(kBatchSize))
        writePending();
}

void ThumbnailDiskCache::flush()
{
    QMutexLocker lock(&m_mutex);
    writePending();
}

bool ThumbnailDiskCache::isUsable() const
{
    QMutexLocker lock(&m_mutex);
    return !m_disabled;
}

// m_mutex held. Opens on first use, so that opening a project does no cache I/O on the
// UI thread. A file that cannot be opened is taken to be corrupt (or from an
// incompatible build) and replaced once: it only holds what decoding can rebuild.
bool ThumbnailDiskCache::ensureOpen()
{
    if (m_disabled)
        return false;
    if (m_triedOpen)
        return m_db != nullptr;
    m_triedOpen = true;
    if (m_file.isEmpty()) {
        m_disabled = true;
        return false;
    }
    try {
        open();
        return true;
    } catch (const std::exception &first) {
        close();
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(m_file + suffix);
        try {
            open();
            qWarning("Thumbnail cache %s was unreadable (%s); started a new one", qPrintable(m_file),
                     first.what());
            return true;
        } catch (const std::exception &second) {
            close();
            disable(QString::fromUtf8(second.what()));
            return false;
        }
    }
}

// m_mutex held; throws loupe::Error.
void ThumbnailDiskCache::open()
{
    const QString directory = QFileInfo(m_file).absolutePath();
    if (!QDir().mkpath(directory))
        throw Error(QStringLiteral("cannot create the folder %1").arg(directory));
    m_db = std::make_unique<SqliteDatabase>(m_file, SqliteDatabase::Mode::Create);
    // A short busy timeout: another Loupe showing the same project writes in short batches,
    // and a pool thread must not stall for long behind it. No sync while the file is created
    // and switched to WAL: those fsyncs cost ~25 ms before the first thumbnail of a new
    // project, and a file left broken by a crash at that moment is replaced (ensureOpen()).
    m_db->exec(QStringLiteral("PRAGMA busy_timeout = 250;"
                              "PRAGMA synchronous = OFF;"
                              "PRAGMA journal_mode = WAL;"));
    if (m_db->queryInt(QStringLiteral("PRAGMA user_version")) != kSchemaVersion) {
        // Blobs are a few KB, larger than WITHOUT ROWID suits; the primary key is a unique index.
        m_db->exec(QStringLiteral("DROP TABLE IF EXISTS thumbnails;"
                                  "CREATE TABLE thumbnails ("
                                  "  path TEXT NOT NULL,"
                                  "  width INTEGER NOT NULL,"
                                  "  height INTEGER NOT NULL,"
                                  "  source_bytes INTEGER NOT NULL,"
                                  "  source_mtime_ms INTEGER NOT NULL,"
                                  "  image BLOB NOT NULL,"
                                  "  PRIMARY KEY (path, width, height));"
                                  "PRAGMA user_version = %1;")
                       .arg(kSchemaVersion));
    }
    // Durability is not needed either afterwards: losing the last commits in a power cut only
    // means decoding those images again. NORMAL keeps the file consistent, without an fsync
    // per commit.
    m_db->exec(QStringLiteral("PRAGMA synchronous = NORMAL;"));
    m_select = std::make_unique<SqliteStatement>(
        m_db->prepare(QStringLiteral("SELECT source_bytes, source_mtime_ms, image FROM thumbnails "
                                     "WHERE path = ?1 AND width = ?2 AND height = ?3")));
    m_insert = std::make_unique<SqliteStatement>(
        m_db->prepare(QStringLiteral("INSERT OR REPLACE INTO thumbnails "
                                     "(path, width, height, source_bytes, source_mtime_ms, image) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")));
}

// m_mutex held.
void ThumbnailDiskCache::close()
{
    m_select.reset();
    m_insert.reset();
    m_db.reset();
}

// m_mutex held. One transaction for the whole batch: with WAL and synchronous=NORMAL a
// commit appends to the log without an fsync.
void ThumbnailDiskCache::writePending()
{
    if (m_pending.empty())
        return;
    if (ensureOpen()) {
        try {
            SqliteTransaction transaction(*m_db);
            for (const Entry &entry : m_pending) {
                m_insert->bind(1, entry.path)
                    .bind(2, entry.size.width())
                    .bind(3, entry.size.height())
                    .bind(4, entry.stamp.bytes)
                    .bind(5, entry.stamp.modifiedMs)
                    .bindBlob(6, entry.data.constData(), entry.data.size());
                m_insert->execute();
            }
            transaction.commit();
        } catch (const std::exception &e) {
            disable(QString::fromUtf8(e.what()));
        }
    }
    m_pending.clear();
}

// m_mutex held. Warns once: afterwards every call is a cheap no-op.
void ThumbnailDiskCache::disable(const QString &reason)
{
    if (!m_disabled) {
        qWarning("Thumbnail cache %s is off (%s); thumbnails are decoded from the images", qPrintable(m_file),
                 qPrintable(reason));
    }
    m_disabled = true;
    m_pending.clear();
    close();
}

} // namespace loupe
