#include "export/classfolderexport.h"

#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

namespace loupe {

namespace {

void requireEmptyOrAbsent(const QString &folder)
{
    const QFileInfo info(folder);
    if (!info.exists())
        return;
    if (!info.isDir())
        throw Error(QStringLiteral("%1 exists and is not a folder").arg(folder));
    if (!QDir(folder).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
        throw Error(QStringLiteral("%1 is not empty; choose a new or empty folder so that no file is mixed "
                                   "into or overwritten")
                        .arg(folder));
}

/** A fresh folder beside target to build the tree in. */
QString makeStagingFolder(const QString &target)
{
    const QFileInfo info(QDir::cleanPath(target));
    const QDir parent(info.absolutePath());
    if (!parent.exists() && !QDir().mkpath(parent.path()))
        throw Error(QStringLiteral("cannot create %1").arg(parent.path()));
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const QString name = QStringLiteral(".%1.partial-%2").arg(info.fileName()).arg(attempt);
        if (!parent.exists(name) && parent.mkdir(name))
            return parent.filePath(name);
    }
    throw Error(QStringLiteral("cannot create a temporary folder in %1").arg(parent.path()));
}

/** The file name of sample in the tree: its id made safe, with the image's extension. */
QString exportedName(const SampleTable &table, qint64 sample)
{
    QString name = safeFileName(table.ids.at(sample));
    const QString suffix = QFileInfo(table.images.at(sample)).suffix();
    if (!suffix.isEmpty() && !name.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive))
        name += QLatin1Char('.') + suffix;
    return name;
}

void placeFile(const QString &source, const QString &target, ClassFolderMode mode)
{
    const bool ok = mode == ClassFolderMode::Copy ? QFile::copy(source, target) : QFile::link(source, target);
    if (!ok)
        throw Error(QStringLiteral("cannot %1 %2 to %3")
                        .arg(mode == ClassFolderMode::Copy ? QStringLiteral("copy") : QStringLiteral("link"),
                             source, target));
}

} // namespace

QString safeFileName(const QString &name)
{
    QString safe;
    safe.reserve(name.size());
    for (const QChar c : name) {
        const bool unsafe = c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char(':') ||
                            c.category() == QChar::Other_Control;
        safe += unsafe ? QLatin1Char('_') : c;
    }
    if (safe.isEmpty() || safe == QLatin1String(".") || safe == QLatin1String(".."))
        safe.prepend(QLatin1Char('_'));
    return safe;
}

ClassFolderExportSummary exportClassFolders(const SampleTable &table, const QString &imageRoot,
                                            const QString &folder, ClassFolderMode mode, Progress &progress)
{
    requireEmptyOrAbsent(folder);
    progress.setStep(QStringLiteral("Writing class folders"));
    const QString staging = makeStagingFolder(folder);
    const QDir root(staging);
    const QDir images(imageRoot);
    ClassFolderExportSummary summary;
    QSet<QString> created;
    QSet<QString> used; // case-folded relative paths: ids differing in case only must not collide
    try {
        for (qint64 sample = 0; sample < table.size(); ++sample) {
            if ((sample & 255) == 0) {
                progress.throwIfCancelled();
                progress.setProgress(sample, table.size());
            }
            const int label = table.labels[size_t(sample)];
            if (label < 0) {
                ++summary.unlabeled;
                continue;
            }
            if (table.isExcluded(sample)) {
                ++summary.excluded;
                continue;
            }
            const QString source = images.absoluteFilePath(table.images.at(sample));
            if (!QFileInfo::exists(source)) {
                summary.missing << table.images.at(sample);
                continue;
            }
            const int split = table.splitIndex[size_t(sample)];
            QString directory = safeFileName(table.classNames.value(label));
            if (!table.splitNames.isEmpty())
                directory.prepend(
                    safeFileName(split < 0 ? QStringLiteral("unsplit") : table.splitNames.at(split)) +
                    QLatin1Char('/'));
            if (!created.contains(directory)) {
                if (!root.mkpath(directory))
                    throw Error(QStringLiteral("cannot create %1").arg(root.filePath(directory)));
                created.insert(directory);
            }
            QString relative = directory + QLatin1Char('/') + exportedName(table, sample);
            if (used.contains(relative.toCaseFolded()))
                relative = directory + QStringLiteral("/%1-%2").arg(sample).arg(exportedName(table, sample));
            used.insert(relative.toCaseFolded());
            placeFile(source, root.filePath(relative), mode);
            ++summary.written;
        }
        progress.setProgress(1.0);
        // An empty folder that exists is replaced by the tree; rmdir fails if files appeared meanwhile.
        if (QFileInfo::exists(folder) && !QDir().rmdir(folder))
            throw Error(QStringLiteral("%1 is no longer empty; nothing was exported").arg(folder));
        if (!QDir().rename(staging, folder))
            throw Error(QStringLiteral("cannot move the exported tree to %1").arg(folder));
    } catch (...) {
        QDir(staging).removeRecursively();
        throw;
    }
    return summary;
}

} // namespace loupe
