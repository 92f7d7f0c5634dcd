#include "export/yoloexport.h"

#include "common/error.h"
#include "common/progress.h"
#include "export/stagedfolder.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <vector>

namespace loupe {

namespace {

struct ImageEntry
{
    QString path; ///< as stored: relative to the dataset folder
    double width = 0.0;
    double height = 0.0;
    QByteArray lines;
};

/** The image's path inside images/ and labels/: its dataset path without a leading images/. */
QString layoutPath(const QString &imagePath)
{
    QString path = QDir::cleanPath(imagePath);
    if (path.startsWith(QLatin1String("images/")))
        path.remove(0, 7);
    return path;
}

std::vector<ImageEntry> readImages(SqliteDatabase &db)
{
    std::vector<ImageEntry> images;
    auto query =
        db.prepare(QStringLiteral("SELECT s.image, z.width, z.height FROM samples s "
                                  "LEFT JOIN image_sizes z USING (sample_index) ORDER BY s.sample_index"));
    while (query.step()) {
        if (query.isNull(1))
            throw Error(QStringLiteral("%1: the image's size is not known; YOLO boxes are relative to it")
                            .arg(query.columnText(0)));
        images.push_back({query.columnText(0), query.columnDouble(1), query.columnDouble(2), {}});
    }
    return images;
}

QByteArray fraction(double value)
{
    return QByteArray::number(value, 'f', 6);
}

/** Appends each box's line to its image; returns the crowd regions left out. */
qint64 collectBoxes(SqliteDatabase &db, std::vector<ImageEntry> &images, YoloExportSummary &summary)
{
    auto query = db.prepare(QStringLiteral("SELECT sample_index, class_index, x, y, width, height, crowd "
                                           "FROM boxes ORDER BY sample_index, box_id"));
    qint64 crowd = 0;
    while (query.step()) {
        if (query.columnInt(6) != 0) {
            ++crowd;
            continue;
        }
        ImageEntry &image = images[size_t(query.columnInt64(0))];
        const double x = query.columnDouble(2), y = query.columnDouble(3);
        const double w = query.columnDouble(4), h = query.columnDouble(5);
        image.lines += QByteArray::number(query.columnInt(1)) + ' ' + fraction((x + w / 2) / image.width) +
                       ' ' + fraction((y + h / 2) / image.height) + ' ' + fraction(w / image.width) + ' ' +
                       fraction(h / image.height) + '\n';
        ++summary.boxes;
    }
    return crowd;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString()));
}

void writeClassNames(const QDir &root, const QStringList &names)
{
    QByteArray lines, yaml("names:\n");
    for (const QString &name : names) {
        lines += name.toUtf8() + '\n';
        // Quoted, so a name like "yes" or "1" stays a string.
        yaml += "  - \"" + QString(name).replace(QLatin1Char('"'), QLatin1String("\\\"")).toUtf8() + "\"\n";
    }
    writeFile(root.filePath(QStringLiteral("classes.txt")), lines);
    writeFile(root.filePath(QStringLiteral("data.yaml")),
              "path: .\ntrain: images\nval: images\nnc: " + QByteArray::number(names.size()) + '\n' + yaml);
}

void writeImage(const QDir &root, const QDir &dataset, const ImageEntry &image, ClassFolderMode mode)
{
    const QString path = layoutPath(image.path);
    const QString label =
        QStringLiteral("labels/%1.txt")
            .arg(QFileInfo(path).path() + QLatin1Char('/') + QFileInfo(path).completeBaseName());
    const QString linked = QStringLiteral("images/") + path;
    for (const QString &file : {label, linked}) {
        if (!root.mkpath(QFileInfo(root.filePath(file)).path()))
            throw Error(QStringLiteral("cannot create the folder of %1").arg(root.filePath(file)));
    }
    if (QFileInfo::exists(root.filePath(QDir::cleanPath(label))))
        throw Error(QStringLiteral("%1: another image has the same name and folder; YOLO would read one "
                                   "label file for both")
                        .arg(image.path));
    writeFile(root.filePath(QDir::cleanPath(label)), image.lines);
    const QString source = dataset.absoluteFilePath(image.path);
    const bool copy = mode == ClassFolderMode::Copy;
    if (!(copy ? QFile::copy(source, root.filePath(linked)) : QFile::link(source, root.filePath(linked))))
        throw Error(
            QStringLiteral("cannot %1 %2 to %3")
                .arg(copy ? QStringLiteral("copy") : QStringLiteral("link"), source, root.filePath(linked)));
}

} // namespace

YoloExportSummary exportYolo(Project &project, const QString &folder, ClassFolderMode mode,
                             Progress &progress)
{
    if (project.task() != ProjectTask::Detection)
        throw Error(
            QStringLiteral("%1: not a detection project: nothing to write as YOLO").arg(project.fileName()));
    SqliteDatabase &db = project.database();
    std::vector<ImageEntry> images = readImages(db);
    YoloExportSummary summary;
    summary.crowdRegions = collectBoxes(db, images, summary);
    StagedFolder staged(folder);
    progress.setStep(QStringLiteral("Writing the YOLO folder"));
    const QDir root(staged.path());
    writeClassNames(root, project.classNames());
    const QDir dataset(project.datasetRoot());
    for (size_t i = 0; i < images.size(); ++i) {
        if ((i & 255) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(qint64(i), qint64(images.size()));
        }
        writeImage(root, dataset, images[i], mode);
        ++summary.images;
    }
    progress.setProgress(1.0);
    staged.commit();
    return summary;
}

} // namespace loupe
