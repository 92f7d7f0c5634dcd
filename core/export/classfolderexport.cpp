#include "export/classfolderexport.h"

#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "export/stagedfolder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

namespace loupe {

namespace {

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
    StagedFolder staged(folder);
    progress.setStep(QStringLiteral("Writing class folders"));
    const QDir root(staged.path());
    const QDir images(imageRoot);
    ClassFolderExportSummary summary;
    QSet<QString> created;
    QSet<QString> used; // case-folded relative paths: ids differing in case only must not collide
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
    staged.commit();
    return summary;
}

} // namespace loupe
