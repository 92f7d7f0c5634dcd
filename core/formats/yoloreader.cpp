#include "formats/yoloreader.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/imageheader.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

const QStringList kImageSuffixes = {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"),
                                    QStringLiteral("bmp")};

QStringList readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            QStringLiteral("%1: cannot read (%2)").arg(QFileInfo(path).fileName(), file.errorString()));
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
}

QString unquoted(QString text)
{
    text = text.trimmed();
    if (text.size() >= 2 && (text.startsWith(QLatin1Char('"')) || text.startsWith(QLatin1Char('\''))))
        text = text.mid(1, text.size() - 2);
    return text;
}

/** The class names: classes.txt, else data.yaml's names in one of its three usual forms. */
QStringList classNames(const QDir &folder)
{
    QStringList names;
    if (QFileInfo::exists(folder.filePath(QStringLiteral("classes.txt")))) {
        for (const QString &line : readLines(folder.filePath(QStringLiteral("classes.txt"))))
            if (!line.trimmed().isEmpty())
                names << line.trimmed();
        return names;
    }
    const QStringList lines = readLines(folder.filePath(QStringLiteral("data.yaml")));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (!line.startsWith(QLatin1String("names:")))
            continue;
        const QString rest = line.mid(6).trimmed();
        if (rest.startsWith(QLatin1Char('['))) {
            for (const QString &name :
                 rest.mid(1, rest.lastIndexOf(QLatin1Char(']')) - 1).split(QLatin1Char(',')))
                names << unquoted(name);
            return names;
        }
        static const QRegularExpression numbered(QStringLiteral("^\\d+\\s*:\\s*(.+)$"));
        for (qsizetype j = i + 1; j < lines.size(); ++j) {
            const QString item = lines[j].trimmed();
            if (item.startsWith(QLatin1String("- ")))
                names << unquoted(item.mid(2));
            else if (const auto match = numbered.match(item); match.hasMatch())
                names << unquoted(match.captured(1));
            else if (!item.isEmpty())
                break;
        }
        return names;
    }
    throw Error(QStringLiteral("data.yaml: no \"names\" list of the classes"));
}

/** Every image below images/, as a path relative to it, sorted. */
QStringList imagePaths(const QDir &images)
{
    QStringList paths;
    QDirIterator it(images.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (kImageSuffixes.contains(QFileInfo(path).suffix().toLower()))
            paths << images.relativeFilePath(path);
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::pair<int, int> imageSize(const QString &path, const QString &shown)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read (%2)").arg(shown, file.errorString()));
    const auto [width, height] = imageHeaderSize(file.read(1 << 16));
    if (width <= 0 || height <= 0 || width > 1000000 || height > 1000000)
        throw Error(
            QStringLiteral("%1: not a PNG or JPEG whose size can be read (YOLO boxes are relative to it)")
                .arg(shown));
    return {int(width), int(height)};
}

/** The label file of an image: labels/<same path>.txt. */
QString labelPath(const QString &imagePath, const QString &root)
{
    const QFileInfo info(imagePath);
    const QString stem = info.path() == QLatin1String(".")
                             ? info.completeBaseName()
                             : info.path() + QLatin1Char('/') + info.completeBaseName();
    return root + QLatin1Char('/') + stem + QStringLiteral(".txt");
}

/** One image's label or prediction lines into boxes (and scores when withScore). */
void readBoxes(const QString &path, const QString &shown, qint64 image, const CocoImage &size, int classes,
               bool withScore, CocoDataset &dataset, std::vector<CocoResult> &predictions)
{
    if (!QFileInfo::exists(path))
        return;
    const QStringList lines = readLines(path);
    const int expected = withScore ? 6 : 5;
    for (qsizetype l = 0; l < lines.size(); ++l) {
        const QString line = lines[l].trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const auto fail = [&](const QString &problem) {
            return Error(locatedMessage(shown, l + 1, problem));
        };
        const QStringList fields = line.split(QRegularExpression(QStringLiteral("\\s+")));
        if (fields.size() != expected)
            throw fail(QStringLiteral("expected %1 numbers (class cx cy w h%2), found %3")
                           .arg(expected)
                           .arg(withScore ? QStringLiteral(" confidence") : QString())
                           .arg(fields.size()));
        bool ok = false;
        const int category = fields[0].toInt(&ok);
        if (!ok || category < 0 || category >= classes)
            throw fail(QStringLiteral("class %1 is not one of the %2 classes").arg(fields[0]).arg(classes));
        double v[5] = {};
        for (int k = 1; k < expected; ++k) {
            v[k - 1] = fields[k].toDouble(&ok);
            if (!ok || !std::isfinite(v[k - 1]) || v[k - 1] < 0.0 || v[k - 1] > 1.0)
                throw fail(QStringLiteral("\"%1\" is not a number in [0, 1]").arg(fields[k]));
        }
        if (v[2] <= 0.0 || v[3] <= 0.0)
            throw fail(QStringLiteral("the box has no area (width and height must be positive)"));
        const Box box{(v[0] - v[2] / 2) * size.width, (v[1] - v[3] / 2) * size.height, v[2] * size.width,
                      v[3] * size.height};
        if (withScore)
            predictions.push_back({image, category, box, v[4], {}, -1});
        else
            dataset.annotations.push_back({-1, image, category, box, 0.0, false});
    }
}

} // namespace

bool YoloReader::isYoloFolder(const QString &folder)
{
    const QDir dir(folder);
    return QFileInfo(dir.filePath(QStringLiteral("images"))).isDir() &&
           QFileInfo(dir.filePath(QStringLiteral("labels"))).isDir() &&
           (QFileInfo::exists(dir.filePath(QStringLiteral("classes.txt"))) ||
            QFileInfo::exists(dir.filePath(QStringLiteral("data.yaml"))));
}

YoloFolder YoloReader::read(const QString &folder, Progress &progress)
{
    const QDir dir(folder);
    YoloFolder result;
    CocoDataset &dataset = result.dataset;
    const QStringList names = classNames(dir);
    if (names.isEmpty())
        throw Error(QStringLiteral("%1: no class names").arg(folder));
    for (int c = 0; c < names.size(); ++c)
        dataset.categories.push_back({c, names[c], {}});
    const QDir images(dir.filePath(QStringLiteral("images")));
    const QStringList paths = imagePaths(images);
    result.hasPredictions = QFileInfo(dir.filePath(QStringLiteral("predictions"))).isDir();
    for (qsizetype i = 0; i < paths.size(); ++i) {
        CocoImage image;
        image.id = qint64(i) + 1;
        image.fileName = paths[i];
        std::tie(image.width, image.height) =
            imageSize(images.filePath(paths[i]), QStringLiteral("images/") + paths[i]);
        dataset.images.push_back(image);
        const QString label = labelPath(paths[i], QStringLiteral("labels"));
        readBoxes(dir.filePath(label), label, qint64(i), image, int(names.size()), false, dataset,
                  result.predictions);
        if (result.hasPredictions) {
            const QString prediction = labelPath(paths[i], QStringLiteral("predictions"));
            readBoxes(dir.filePath(prediction), prediction, qint64(i), image, int(names.size()), true,
                      dataset, result.predictions);
        }
        if ((i & 0xff) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(qint64(i), qint64(paths.size()));
        }
    }
    dataset.indexIds(QStringLiteral("labels"));
    return result;
}

} // namespace loupe
