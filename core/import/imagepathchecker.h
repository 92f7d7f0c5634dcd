#pragma once

#include <QDir>
#include <QHash>
#include <QString>

#include <mutex>

namespace loupe {

/**
 * Checks that an image path stays inside the dataset folder and names a file: relative,
 * no NUL, no "..", and no link (to the file or a folder on its way) leading out. Safe to
 * call from several threads.
 */
class ImagePathChecker
{
public:
    explicit ImagePathChecker(const QString &folder);

    /** Empty when the path is fine, else the problem ("image \"a.png\" does not exist"). */
    QString check(const QString &path) const;

private:
    bool isPlainFileInPlainFolder(const QString &absolute) const;
    static bool isLinkLoop(const QString &absolute);
    QString canonicalFolder(const QString &folder) const;
    // Tells checkers apart in the per-thread cache, even one created where another was freed.
    static quint64 nextSerial();

    QDir m_root;
    QString m_canonicalRoot;
    quint64 m_serial;
    mutable std::mutex m_mutex; // check() runs on several threads
    mutable QHash<QString, QString>
        m_canonicalFolders; // folder as written -> canonical path; guarded by m_mutex
};

} // namespace loupe
