#pragma once

#include <QString>
#include <QStringList>

namespace loupe {

class Progress;
struct SampleTable;

/** How the exported tree refers to the images. */
enum class ClassFolderMode {
    Copy,    // independent of the dataset; costs the disk space
    Symlink, // instant and free; follows the dataset folder (absolute links)
};

/** What exportClassFolders() wrote and left out. */
struct ClassFolderExportSummary
{
    qint64 written = 0;
    qint64 unlabeled = 0; // left out: no class folder to go in
    qint64 excluded = 0;  // left out: marked excluded in review
    QStringList missing;  // images that were not found; left out
};

/**
 * Writes the current labels as an ImageNet-style class-folder tree, the layout most
 * training pipelines read: folder/<split>/<class>/<file> when the project has splits,
 * folder/<class>/<file> otherwise. Files are named after the sample id (made safe for
 * a file name, the image's extension kept), so ids stay traceable and never collide.
 * Unlabeled and excluded samples are left out and counted.
 *
 * folder must not exist or be empty. The tree is built in a temporary sibling folder
 * and renamed into place, so a failure or cancel (Progress) leaves nothing behind.
 * imageRoot is the dataset folder the table's image paths are relative to.
 * Throws loupe::Error or Cancelled.
 */
ClassFolderExportSummary exportClassFolders(const SampleTable &table, const QString &imageRoot,
                                            const QString &folder, ClassFolderMode mode, Progress &progress);

/** name made safe as one path component: separators and control characters become '_'. */
QString safeFileName(const QString &name);

} // namespace loupe
