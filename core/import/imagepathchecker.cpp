#include "import/imagepathchecker.h"

#include "import/folderlisting.h"

#include <QFile>
#include <QFileInfo>

#include <atomic>
#include <cerrno>

#include <sys/stat.h>

namespace loupe {

ImagePathChecker::ImagePathChecker(const QString &folder)
    : m_root(folder), m_encodedRoot(QFile::encodeName(m_root.filePath(QStringLiteral("x"))).chopped(1)),
      m_canonicalRoot(QFileInfo(folder).canonicalFilePath() + QLatin1Char('/')), m_serial(nextSerial())
{
}

bool ImagePathChecker::isCleanRelative(QByteArrayView utf8)
{
    if (utf8.isEmpty() || utf8.front() == '/' || utf8.front() == '\\' || utf8.front() == ':')
        return false;
    qsizetype partStart = 0;
    for (qsizetype i = 0; i <= utf8.size(); ++i) {
        const char c = i < utf8.size() ? utf8[i] : '/';
        if (c == '\0')
            return false;
        if (c != '/')
            continue;
        const QByteArrayView part = utf8.sliced(partStart, i - partStart);
        if (part.isEmpty() || part == ".." || part == ".")
            return false;
        partStart = i + 1;
    }
    return true;
}

QString ImagePathChecker::check(QByteArrayView utf8) const
{
    if (isCleanRelative(utf8)) {
        // Reused per thread: this runs a million times on a large import.
        thread_local QByteArray absolute;
        absolute.resize(0);
        absolute.append(m_encodedRoot).append(utf8);
        if (isPlainFileInPlainFolder(absolute))
            return {};
    }
    // Anything unusual, a problem included, is worked out (and worded) by the careful path.
    return check(QString::fromUtf8(utf8));
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
    if (isPlainFileInPlainFolder(QFile::encodeName(absolute)))
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
bool ImagePathChecker::isPlainFileInPlainFolder(QByteArrayView absolute) const
{
    const qsizetype slash = absolute.lastIndexOf('/');
    if (slash < 0)
        return false;
    const QByteArrayView folder = absolute.first(slash);
    // Consecutive images mostly share a folder: remembering the last one per thread spares
    // the shared table's lock, which the threads otherwise queue on.
    struct LastFolder
    {
        quint64 checker = 0;
        QByteArray path;
        Folder *state = nullptr;
    };
    thread_local LastFolder last;
    if (last.checker != m_serial || last.path != folder) {
        const QByteArray path = folder.toByteArray();
        last = {m_serial, path, &folderState(QFile::decodeName(path))};
    }
    if (!last.state->inside)
        return false;
    if (const FolderListing *listing = listingFor(*last.state, last.path))
        return listing->entry(absolute.sliced(slash + 1)) == FolderListing::Entry::RegularFile;
    struct stat info;
    return ::lstat(absolute.toByteArray().constData(), &info) == 0 && S_ISREG(info.st_mode);
}

// The folder's listing once kListAfterImages of its images were checked (null before, or
// when it cannot be read): a folder of one image costs one lstat(), not a listing.
const FolderListing *ImagePathChecker::listingFor(Folder &folder, const QByteArray &path) const
{
    if (const FolderListing *listing = folder.listing.load(std::memory_order_acquire))
        return listing;
    if (folder.images.fetch_add(1, std::memory_order_relaxed) + 1 < kListAfterImages)
        return nullptr;
    std::call_once(folder.listed, [&] {
        auto listing = std::make_unique<const FolderListing>(path);
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
