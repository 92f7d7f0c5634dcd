#include "import/classfolderimporter.h"

#include "common/error.h"
#include "common/progress.h"
#include "import/loupefolderimporter.h"
#include "import/projectwriter.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace loupe {

namespace {

const QStringList kImagePatterns = {
    QStringLiteral("*.png"),  QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.bmp"),
    QStringLiteral("*.webp"), QStringLiteral("*.tif"), QStringLiteral("*.tiff"), QStringLiteral("*.PNG"),
    QStringLiteral("*.JPG"),  QStringLiteral("*.JPEG")};

bool isSplitName(const QString &name)
{
    static const QSet<QString> splits = {QStringLiteral("train"), QStringLiteral("val"),
                                         QStringLiteral("validation"), QStringLiteral("test")};
    return splits.contains(name.toLower());
}

QStringList subfolders(const QString &folder)
{
    return QDir(folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

struct FoundImage
{
    QString relativePath;
    QString split;
    QString className;
};

/**
 * Image files below classFolder, recursively. Links are followed, even out of the tree:
 * symlinked subsets of a large dataset are a common way to build class-folder trees.
 */
void collectImages(const QDir &root, const QString &classFolder, const QString &split,
                   const QString &className, std::vector<FoundImage> &out)
{
    QDirIterator it(classFolder, kImagePatterns, QDir::Files, QDirIterator::Subdirectories);
    std::vector<FoundImage> found;
    while (it.hasNext()) {
        const QString path = it.next();
        found.push_back({root.relativeFilePath(path), split, className});
    }
    std::sort(found.begin(), found.end(),
              [](const FoundImage &a, const FoundImage &b) { return a.relativePath < b.relativePath; });
    out.insert(out.end(), found.begin(), found.end());
}

} // namespace

ClassFolderImporter::ClassFolderImporter(const QString &folder)
    : m_folder(QFileInfo(folder).absoluteFilePath())
{
}

bool ClassFolderImporter::looksLikeClassFolders(const QString &folder)
{
    return QFileInfo(folder).isDir() &&
           !QFileInfo::exists(QDir(folder).filePath(QStringLiteral("samples.csv"))) &&
           !subfolders(folder).isEmpty();
}

ImportSummary ClassFolderImporter::run(const QString &projectPath, const ImportOptions &options,
                                       Progress &progress)
{
    if (!QFileInfo(m_folder).isDir())
        throw Error(QStringLiteral("%1: not a folder").arg(m_folder));
    progress.setStep(QStringLiteral("Scanning class folders"));
    const QDir root(m_folder);
    const QStringList top = subfolders(m_folder);
    const bool splitLevel = !top.isEmpty() && std::all_of(top.begin(), top.end(), isSplitName);

    std::vector<FoundImage> images;
    QStringList classes;
    const QStringList splits = splitLevel ? top : QStringList{QString()};
    for (const QString &split : splits) {
        const QString splitFolder = split.isEmpty() ? m_folder : root.filePath(split);
        for (const QString &className : subfolders(splitFolder)) {
            if (!classes.contains(className))
                classes << className;
            collectImages(root, QDir(splitFolder).filePath(className), split, className, images);
            progress.throwIfCancelled();
        }
    }
    std::sort(classes.begin(), classes.end());
    if (classes.isEmpty())
        throw Error(QStringLiteral("%1: has no class folders (expected root/<class>/<image>)").arg(m_folder));
    if (images.empty())
        throw Error(
            QStringLiteral("%1: the class folders hold no images (png, jpg, bmp, webp, tif)").arg(m_folder));

    ProjectWriter writer(projectPath, options.overwrite);
    writer.setDatasetRoot(m_folder);
    writer.project().setInfo(QStringLiteral("source_format"), QStringLiteral("class-folders"));
    writer.writeClasses(classes);
    writer.writeMetadataColumns({});
    progress.setStep(QStringLiteral("Writing samples"));
    auto insert = writer.project().database().prepare(
        QStringLiteral("INSERT INTO samples(sample_index, id, image, label, original_label, split) VALUES "
                       "(?, ?, ?, ?, ?, ?)"));
    auto insertMetadata = writer.project().database().prepare(
        QStringLiteral("INSERT INTO sample_metadata(sample_index) VALUES (?)"));
    for (size_t i = 0; i < images.size(); ++i) {
        const FoundImage &image = images[i];
        const int label = int(classes.indexOf(image.className));
        insert.bind(1, qint64(i))
            .bind(2, image.relativePath)
            .bind(3, image.relativePath)
            .bind(4, label)
            .bind(5, label);
        image.split.isEmpty() ? insert.bindNull(6) : insert.bind(6, image.split);
        insert.execute();
        insertMetadata.bind(1, qint64(i)).execute();
        if ((i & 0xfff) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(qint64(i), qint64(images.size()));
        }
    }
    writer.commit();

    ImportSummary summary;
    summary.samples = qint64(images.size());
    summary.classes = int(classes.size());
    return summary;
}

} // namespace loupe
