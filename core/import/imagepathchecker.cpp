#include "import/imagepathchecker.h"

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
                                  : canonicalFolder(info.path()) + QLatin1Char('/') + info.fileName();
    if (!canonical.startsWith(m_canonicalRoot))
        return QStringLiteral("image \"%1\" links outside the dataset folder").arg(path);
    if (!info.isFile())
        return QStringLiteral("image \"%1\" is not a file").arg(path);
    return {};
}

// The common case in one lstat(): a regular file (not a link) whose folder was already
// found to resolve inside the dataset. Everything else takes the careful path.
bool ImagePathChecker::isPlainFileInPlainFolder(const QString &absolute) const
{
    struct stat info;
    if (::lstat(QFile::encodeName(absolute).constData(), &info) != 0 || !S_ISREG(info.st_mode))
        return false;
    const QStringView folder = QStringView(absolute).left(absolute.lastIndexOf(QLatin1Char('/')));
    // Consecutive images mostly share a folder: remembering the last one per thread spares
    // the shared cache's lock, which the threads otherwise queue on.
    struct LastFolder
    {
        quint64 checker = 0;
        QString folder;
        bool inside = false;
    };
    thread_local LastFolder last;
    if (last.checker != m_serial || last.folder != folder) {
        const QString canonical = canonicalFolder(folder.toString()) + QLatin1Char('/');
        last = {m_serial, folder.toString(), canonical.startsWith(m_canonicalRoot)};
    }
    return last.inside;
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

QString ImagePathChecker::canonicalFolder(const QString &folder) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_canonicalFolders.constFind(folder);
    if (it == m_canonicalFolders.cend())
        it = m_canonicalFolders.insert(folder, QFileInfo(folder).canonicalFilePath());
    return *it;
}

} // namespace loupe
