// ThumbnailCache's disk tier (ThumbnailDiskCache): thumbnails outlive the cache instance and
// the originals, follow edits of their source, stay apart by size and by project, and a
// broken cache file or folder costs only decoding, with one warning.

#include "thumbnailcache.h"
#include "thumbnaildiskcache.h"

#include <memory>

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "storage/sqlitedatabase.h"
#include "storage/sqlitestatement.h"

using namespace loupe;

namespace {

constexpr int kCount = 6;
const QSize kSize(96, 96);

// A 24x24 (or edge x edge) image unlike those of other seeds.
QImage fixtureImage(int seed, int edge = 24)
{
    QImage image(edge, edge, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((seed * 47) % 360, 200, 220));
    QPainter painter(&image);
    painter.setPen(QColor(20, 20, 20));
    painter.drawLine(0, seed % edge, edge - 1, edge - 1 - seed % edge);
    return image;
}

// A photo-like image: gradients and shapes, so that JPEG is what one would pick.
QImage photoImage(int seed)
{
    QImage image(800, 600, QImage::Format_RGB32);
    QPainter painter(&image);
    QLinearGradient gradient(0, 0, 800, 600);
    gradient.setColorAt(0, QColor::fromHsv((seed * 61) % 360, 180, 230));
    gradient.setColorAt(1, QColor::fromHsv((seed * 61 + 120) % 360, 160, 90));
    painter.fillRect(image.rect(), gradient);
    painter.setBrush(QColor(240, 240, 240));
    painter.drawEllipse(QPoint(200 + seed * 60, 300), 120, 90);
    return image;
}

bool allLoaded(const QList<QImage> &images)
{
    return std::none_of(images.begin(), images.end(), [](const QImage &image) { return image.isNull(); });
}

// Mean absolute difference per channel; images of different sizes differ by 255.
double meanDifference(const QImage &a, const QImage &b)
{
    if (a.size() != b.size())
        return 255;
    const QImage x = a.convertToFormat(QImage::Format_RGB32);
    const QImage y = b.convertToFormat(QImage::Format_RGB32);
    double sum = 0;
    for (int row = 0; row < x.height(); ++row) {
        for (int column = 0; column < x.width(); ++column) {
            const QRgb p = x.pixel(column, row);
            const QRgb q = y.pixel(column, row);
            sum +=
                std::abs(qRed(p) - qRed(q)) + std::abs(qGreen(p) - qGreen(q)) + std::abs(qBlue(p) - qBlue(q));
        }
    }
    return sum / (3.0 * x.width() * x.height());
}

} // namespace

class TestThumbnailCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void firstPassDecodesAndStores();
    void newInstanceServesStoredPixelsWithoutOriginals();
    void changedImageIsDecodedAgain_data();
    void changedImageIsDecodedAgain();
    void photoThumbnailsAreStoredAsJpeg();
    void sizesAreKeptApart();
    void projectsDoNotShareThumbnails();
    void corruptCacheFileIsReplacedAndDecodingGoesOn();
    void unwritableCacheFolderFallsBackToDecoding();

private:
    void writeFixtures(const char *format, int count = kCount);
    std::unique_ptr<ThumbnailCache> makeCache(QSize size = kSize, const QString &project = {});
    QList<QImage> loadAll(ThumbnailCache &cache);
    QList<QImage> decodeWithoutDiskCache();
    void removeOriginals();
    QString cacheFile() const { return ThumbnailDiskCache::fileFor(m_cacheDir, m_project); }
    qint64 storedRows() const;
    QByteArray storedBlob(int sample) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_cacheDir;
    QString m_project;
    QStringList m_paths;
};

void TestThumbnailCache::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestThumbnailCache::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_cacheDir = m_dir->filePath(QStringLiteral("cache/thumbnails"));
    m_project = m_dir->filePath(QStringLiteral("project.loupe"));
    m_paths.clear();
    // Any warning not announced with ignoreMessage fails the test: the cache warns at most once.
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void TestThumbnailCache::cleanup()
{
    m_dir.reset();
}

void TestThumbnailCache::writeFixtures(const char *format, int count)
{
    QDir().mkpath(m_dir->filePath(QStringLiteral("images")));
    for (int i = 0; i < count; ++i) {
        const QString path =
            m_dir->filePath(QStringLiteral("images/%1.%2").arg(i).arg(QString::fromLatin1(format).toLower()));
        const QImage image = qstrcmp(format, "JPEG") == 0 ? photoImage(i) : fixtureImage(i);
        QVERIFY(image.save(path, format));
        m_paths << path;
    }
}

std::unique_ptr<ThumbnailCache> TestThumbnailCache::makeCache(QSize size, const QString &project)
{
    auto cache = std::make_unique<ThumbnailCache>();
    cache->setDiskCacheDirectory(m_cacheDir);
    cache->setThumbnailSize(size);
    const QStringList paths = m_paths;
    cache->reset([paths](qint64 sample) { return paths.at(sample); },
                 project.isEmpty() ? m_project : project);
    return cache;
}

// Requests every sample as the grid does and waits for all of them; then the cache has
// written what it decoded.
QList<QImage> TestThumbnailCache::loadAll(ThumbnailCache &cache)
{
    QList<QImage> images(m_paths.size());
    const QDeadlineTimer deadline(20000);
    while (!allLoaded(images) && !deadline.hasExpired()) {
        for (int i = 0; i < images.size(); ++i) {
            if (images[i].isNull())
                images[i] = cache.thumbnail(i);
        }
        if (!allLoaded(images))
            QTest::qWait(5);
    }
    cache.waitForDone();
    return images;
}

// What the originals decode to with no disk tier at all.
QList<QImage> TestThumbnailCache::decodeWithoutDiskCache()
{
    ThumbnailCache cache;
    cache.setDiskCacheDirectory({});
    cache.setThumbnailSize(kSize);
    const QStringList paths = m_paths;
    cache.reset([paths](qint64 sample) { return paths.at(sample); }, m_project);
    return loadAll(cache);
}

void TestThumbnailCache::removeOriginals()
{
    for (const QString &path : std::as_const(m_paths))
        QVERIFY(QFile::remove(path));
}

qint64 TestThumbnailCache::storedRows() const
{
    SqliteDatabase db(cacheFile(), SqliteDatabase::Mode::ReadOnly);
    return db.queryInt(QStringLiteral("SELECT count(*) FROM thumbnails"));
}

QByteArray TestThumbnailCache::storedBlob(int sample) const
{
    SqliteDatabase db(cacheFile(), SqliteDatabase::Mode::ReadOnly);
    auto statement = db.prepare(QStringLiteral("SELECT image FROM thumbnails WHERE path = ?1"));
    statement.bind(1, m_paths.at(sample));
    return statement.step() ? statement.columnBlob(0) : QByteArray();
}

void TestThumbnailCache::firstPassDecodesAndStores()
{
    writeFixtures("PNG");
    const QList<QImage> expected = decodeWithoutDiskCache();
    QVERIFY(allLoaded(expected));

    auto cache = makeCache();
    const QList<QImage> images = loadAll(*cache);
    QVERIFY(allLoaded(images));
    QCOMPARE(images, expected);
    QCOMPARE(images.first().size(), kSize); // 24 px enlarged 4x

    QVERIFY(QFileInfo(cacheFile())
                .fileName()
                .contains(QRegularExpression(QStringLiteral("^[0-9a-f]{40}\\.sqlite$"))));
    QCOMPARE(storedRows(), qint64(kCount));
    // Small originals shown enlarged are stored losslessly.
    QVERIFY(storedBlob(0).startsWith("\x89PNG"));
}

void TestThumbnailCache::newInstanceServesStoredPixelsWithoutOriginals()
{
    writeFixtures("PNG");
    QList<QImage> first;
    {
        auto cache = makeCache();
        first = loadAll(*cache);
    }
    QVERIFY(allLoaded(first));
    removeOriginals();

    auto cache = makeCache();
    const QList<QImage> second = loadAll(*cache);
    QCOMPARE(second, first);
}

void TestThumbnailCache::changedImageIsDecodedAgain_data()
{
    QTest::addColumn<bool>("sizeChanges");
    QTest::addColumn<bool>("mtimeChanges");
    QTest::newRow("same size, newer mtime") << false << true;
    QTest::newRow("other size, same mtime") << true << false;
}

void TestThumbnailCache::changedImageIsDecodedAgain()
{
    QFETCH(bool, sizeChanges);
    QFETCH(bool, mtimeChanges);
    // BMP: a file's size depends only on the image's dimensions, so content can change alone.
    writeFixtures("BMP");
    QList<QImage> first;
    {
        auto cache = makeCache();
        first = loadAll(*cache);
    }
    QVERIFY(allLoaded(first));

    const QString edited = m_paths.at(1);
    // Read now: QFileInfo stats lazily, on first use.
    const qint64 sizeBefore = QFileInfo(edited).size();
    const QDateTime mtimeBefore = QFileInfo(edited).lastModified();
    const QImage replacement = fixtureImage(40, sizeChanges ? 20 : 24);
    QVERIFY(replacement.save(edited, "BMP"));
    {
        QFile file(edited);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(mtimeChanges ? mtimeBefore.addSecs(5) : mtimeBefore,
                                 QFileDevice::FileModificationTime));
    }
    const QFileInfo after(edited);
    QCOMPARE(after.size() != sizeBefore, sizeChanges);
    QCOMPARE(after.lastModified() != mtimeBefore, mtimeChanges);

    const QList<QImage> expected = decodeWithoutDiskCache();
    QVERIFY(expected.at(1) != first.at(1));
    auto cache = makeCache();
    const QList<QImage> second = loadAll(*cache);
    QCOMPARE(second, expected);
    // ...and the new thumbnail replaced the old one on disk.
    QCOMPARE(storedRows(), qint64(kCount));
}

void TestThumbnailCache::photoThumbnailsAreStoredAsJpeg()
{
    writeFixtures("JPEG", 3);
    QList<QImage> first;
    {
        auto cache = makeCache();
        first = loadAll(*cache);
    }
    QVERIFY(allLoaded(first));
    QCOMPARE(first.first().size(), QSize(96, 72));
    QVERIFY(storedBlob(0).startsWith("\xFF\xD8"));
    removeOriginals();

    auto cache = makeCache();
    const QList<QImage> second = loadAll(*cache);
    for (int i = 0; i < second.size(); ++i)
        QVERIFY2(meanDifference(second.at(i), first.at(i)) < 3.0, qPrintable(QString::number(i)));
}

void TestThumbnailCache::sizesAreKeptApart()
{
    writeFixtures("PNG");
    QList<QImage> small;
    QList<QImage> large;
    {
        auto cache = makeCache(QSize(48, 48));
        small = loadAll(*cache);
        cache->setThumbnailSize(kSize);
        large = loadAll(*cache);
    }
    QCOMPARE(small.first().size(), QSize(24, 24)); // not enlarged: not under half the tile
    QCOMPARE(large.first().size(), kSize);
    QCOMPARE(storedRows(), qint64(2 * kCount));
    removeOriginals();

    auto cache = makeCache(QSize(48, 48));
    QCOMPARE(loadAll(*cache), small);
    cache->setThumbnailSize(kSize);
    QCOMPARE(loadAll(*cache), large);
    // A size never stored is decoded, and with the originals gone that is the placeholder.
    cache->setThumbnailSize(QSize(64, 64));
    const QList<QImage> other = loadAll(*cache);
    QCOMPARE(other.first().size(), QSize(64, 64));
    QCOMPARE(qAlpha(other.first().pixel(0, 0)), 0);
}

void TestThumbnailCache::projectsDoNotShareThumbnails()
{
    writeFixtures("PNG");
    const QString otherProject = m_dir->filePath(QStringLiteral("other.loupe"));
    QVERIFY(ThumbnailDiskCache::fileFor(m_cacheDir, otherProject) != cacheFile());
    QCOMPARE(ThumbnailDiskCache::fileFor(m_cacheDir, m_project), cacheFile());
    {
        auto cache = makeCache();
        QVERIFY(allLoaded(loadAll(*cache)));
    }
    removeOriginals();

    auto cache = makeCache(kSize, otherProject);
    const QList<QImage> images = loadAll(*cache);
    QCOMPARE(qAlpha(images.first().pixel(0, 0)), 0); // the placeholder
}

void TestThumbnailCache::corruptCacheFileIsReplacedAndDecodingGoesOn()
{
    writeFixtures("PNG");
    const QList<QImage> expected = decodeWithoutDiskCache();
    {
        auto cache = makeCache();
        QVERIFY(allLoaded(loadAll(*cache)));
    }
    QFile file(cacheFile());
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QByteArray garbage(8192, Qt::Uninitialized);
    for (char &byte : garbage)
        byte = char(QRandomGenerator::global()->bounded(256));
    file.write(garbage);
    file.close();

    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("Thumbnail cache .* was unreadable")));
    {
        auto cache = makeCache();
        QCOMPARE(loadAll(*cache), expected);
    }
    // The replacement holds this pass's thumbnails.
    QCOMPARE(storedRows(), qint64(kCount));
}

void TestThumbnailCache::unwritableCacheFolderFallsBackToDecoding()
{
    writeFixtures("PNG");
    const QList<QImage> expected = decodeWithoutDiskCache();
    // A folder cannot be created under a regular file (this holds for root too).
    QFile blocker(m_dir->filePath(QStringLiteral("blocker")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    m_cacheDir = blocker.fileName() + QStringLiteral("/thumbnails");

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Thumbnail cache .* is off")));
    auto cache = makeCache();
    QCOMPARE(loadAll(*cache), expected);
    cache->setThumbnailSize(QSize(48, 48));
    QVERIFY(allLoaded(loadAll(*cache))); // still decoding, and no second warning
}

QTEST_MAIN(TestThumbnailCache)
#include "tst_thumbnailcache.moc"
