#include "import/imagepathchecker.h"

#include "import/folderlisting.h"

#include <QFile>
#include <QFileInfo>

#include <atomic>
#include <cerrno>

#include <sys/stat.h>

namespace loupe {

ImagePathChecker::ImagePathChecker(const QString &folder)
    : m_root(folder), m_canonicalRoot(QFileInfo(folder).canonicalFilePath() + QLatin1Char('/')),
      m_serial(nextSerial())
{
}

ImagePathChecker::~ImagePathChecker() = default;

QString ImagePathChecker::check(const QString &path) const
{
    if (path.isEmpty())
        return QStringLiteral("empty image path");
    // The file system would see only the part before the NUL: "a.png<NUL>x" must not pass as a.png.
    if (path.contains(QChar(0)))
        return QStringLiteral("image path \"%1\" contains a NUL character")
            .arg(QString(path).replace(QChar(0), QStringLiteral("\\0")));
    if (QDir::isAbsolutePath(path) || path.startsWith(QLatin1Char('\\')))
        return QStringLiteral("image path \"%1\" is absolute; paths must be relative to the dataset folder")
            .arg(path);
    const QString clean = QDir::cleanPath(path);
    if (clean == QLatin1String("..") || clean.startsWith(QLatin1String("../")))
        return QStringLiteral("image path \"%1\" escapes the dataset folder").arg(path);
    const QString absolute = m_root.filePath(clean);
    if (isPlainFileInPlainFolder(absolute))
        return {};
    const QFileInfo info(absolute);
    // exists() follows links, so it is false for a broken link and for a link loop
    // (whose canonical path Qt does not report as empty). A loop through a folder link
    // on the way (img/self/self/x.png) shows only in stat()'s ELOOP.
    if (!info.exists())
        return info.isSymLink() || isLinkLoop(absolute)
                   ? QStringLiteral("image \"%1\" is a broken link or a link loop").arg(path)
                   : QStringLiteral("image \"%1\" does not exist").arg(path);
    // A link to the file, or to a folder on its way, must not lead out of the dataset folder.
    // Folders are few, so their canonical paths are cached rather than resolved per sample.
    const QString canonical = info.isSymLink()
                                  ? info.canonicalFilePath()
                                  : folderState(info.path()).canonical + QLatin1Char('/') + info.fileName();
    if (!canonical.startsWith(m_canonicalRoot))
        return QStringLiteral("image \"%1\" links outside the dataset folder").arg(path);
    if (!info.isFile())
        return QStringLiteral("image \"%1\" is not a file").arg(path);
    return {};
}

// The common case: a regular file (not a link) in a folder already found to resolve inside
// the dataset, seen in the folder's listing or, before it is listed, by one lstat().
// Everything else takes the careful path.
bool ImagePathChecker::isPlainFileInPlainFolder(const QString &absolute) const
{
    const qsizetype slash = absolute.lastIndexOf(QLatin1Char('/'));
    const QStringView folder = QStringView(absolute).left(slash);
    // Consecutive images mostly share a folder: remembering the last one per thread spares
    // the shared table's lock, which the threads otherwise queue on.
    struct LastFolder
    {
        quint64 checker = 0;
        QString path;
        Folder *state = nullptr;
    };
    thread_local LastFolder last;
    if (last.checker != m_serial || last.path != folder) {
        const QString path = folder.toString();
        last = {m_serial, path, &folderState(path)};
    }
    if (!last.state->inside)
        return false;
    if (const FolderListing *listing = listingFor(*last.state, last.path))
        return listing->entry(QFile::encodeName(absolute.mid(slash + 1))) ==
               FolderListing::Entry::RegularFile;
    struct stat info;
    return ::lstat(QFile::encodeName(absolute).constData(), &info) == 0 && S_ISREG(info.st_mode);
}

// The folder's listing once kListAfterImages of its images were checked (null before, or
// when it cannot be read): a folder of one image costs one lstat(), not a listing.
const FolderListing *ImagePathChecker::listingFor(Folder &folder, const QString &path) const
{
    if (const FolderListing *listing = folder.listing.load(std::memory_order_acquire))
        return listing;
    if (folder.images.fetch_add(1, std::memory_order_relaxed) + 1 < kListAfterImages)
        return nullptr;
    std::call_once(folder.listed, [&] {
        auto listing = std::make_unique<const FolderListing>(QFile::encodeName(path));
        if (!listing->isValid())
            return;
        folder.ownedListing = std::move(listing);
        folder.listing.store(folder.ownedListing.get(), std::memory_order_release);
    });
    return folder.listing.load(std::memory_order_acquire);
}

quint64 ImagePathChecker::nextSerial()
{
    static std::atomic<quint64> serial{0};
    return ++serial;
}

bool ImagePathChecker::isLinkLoop(const QString &absolute)
{
    struct stat info;
    return ::stat(QFile::encodeName(absolute).constData(), &info) != 0 && errno == ELOOP;
}

ImagePathChecker::Folder &ImagePathChecker::folderState(const QString &folder) const
{
    std::lock_guard lock(m_mutex);
    std::shared_ptr<Folder> &state = m_folders[folder];
    if (!state) {
        state = std::make_shared<Folder>();
        state->canonical = QFileInfo(folder).canonicalFilePath();
        state->inside = QString(state->canonical + QLatin1Char('/')).startsWith(m_canonicalRoot);
    }
    return *state;
}

} // namespace loupe
