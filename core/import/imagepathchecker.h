#pragma once

#include <QDir>
#include <QHash>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>

namespace loupe {

class FolderListing;

/**
 * Checks that an image path stays inside the dataset folder and names a file: relative,
 * no NUL, no "..", and no link (to the file or a folder on its way) leading out. Safe to
 * call from several threads.
 *
 * A folder that many images share is listed once (FolderListing) and its images are looked
 * up in the listing; the first few images of a folder, and anything that is not a plain
 * file in a plain folder, are checked with the file system's own calls.
 */
class ImagePathChecker
{
public:
    explicit ImagePathChecker(const QString &folder);
    ~ImagePathChecker();

    /** Empty when the path is fine, else the problem ("image \"a.png\" does not exist"). */
    QString check(const QString &path) const;
    /**
     * The same for the path's UTF-8 bytes. A clean relative path to a plain file, nearly
     * every path of a real dataset, is checked without becoming a QString.
     */
    QString check(QByteArrayView utf8) const;

    /**
     * True when QDir::cleanPath() would return path unchanged and it is relative: no empty,
     * "." or ".." part, no leading '/', '\\' or ':' (a Qt resource), no NUL.
     */
    static bool isCleanRelative(QByteArrayView utf8);

    /** Images of one folder checked one by one before the folder is listed instead. */
    static constexpr int kListAfterImages = 16;

private:
    /** What the checker knows of a folder images are in; created once, never moved or freed. */
    struct Folder
    {
        QString canonical;
        bool inside = false; // its canonical path is in the dataset folder
        std::atomic<int> images{0};
        std::once_flag listed;
        std::unique_ptr<const FolderListing> ownedListing;
        std::atomic<const FolderListing *> listing{nullptr};
    };

    // absolute: the encoded path.
    bool isPlainFileInPlainFolder(QByteArrayView absolute) const;
    const FolderListing *listingFor(Folder &folder, const QByteArray &path) const;
    static bool isLinkLoop(const QString &absolute);
    Folder &folderState(const QString &folder) const;
    // Tells checkers apart in the per-thread cache, even one created where another was freed.
    static quint64 nextSerial();

    QDir m_root;
    QByteArray m_encodedRoot; // what m_root.filePath() puts before a name, encoded
    QString m_canonicalRoot;
    quint64 m_serial;
    mutable std::mutex m_mutex;                                // check() runs on several threads
    mutable QHash<QString, std::shared_ptr<Folder>> m_folders; // folder as written; guarded by m_mutex
};

} // namespace loupe
