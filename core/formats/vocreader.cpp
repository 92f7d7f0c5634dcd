#include "formats/vocreader.h"

#include "common/error.h"
#include "common/progress.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QXmlStreamReader>

#include <algorithm>
#include <cmath>
#include <map>

namespace loupe {

namespace {

/** One object as read, its class by name. */
struct VocObject
{
    QString name;
    Box box;
    bool difficult = false;
};

struct VocFile
{
    CocoImage image;
    std::vector<VocObject> objects;
};

class VocParser
{
public:
    VocParser(const QString &path, const QString &shown) : m_file(path), m_shown(shown)
    {
        if (!m_file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("%1: cannot read (%2)").arg(shown, m_file.errorString()));
        m_xml.setDevice(&m_file);
    }

    VocFile parse()
    {
        VocFile file;
        if (!m_xml.readNextStartElement() || m_xml.name() != QLatin1String("annotation"))
            fail(QStringLiteral("not a VOC annotation (its root must be <annotation>)"));
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() == QLatin1String("filename"))
                file.image.fileName = m_xml.readElementText().trimmed();
            else if (m_xml.name() == QLatin1String("size"))
                readSize(file.image);
            else if (m_xml.name() == QLatin1String("object"))
                file.objects.push_back(readObject());
            else
                m_xml.skipCurrentElement();
        }
        if (m_xml.hasError())
            fail(m_xml.errorString());
        if (file.image.fileName.isEmpty())
            fail(QStringLiteral("no <filename>"));
        return file;
    }

private:
    [[noreturn]] void fail(const QString &problem) const
    {
        throw Error(locatedMessage(m_shown, m_xml.lineNumber(), problem));
    }

    double number(const QString &what)
    {
        bool ok = false;
        const QString text = m_xml.readElementText().trimmed();
        const double value = text.toDouble(&ok);
        if (!ok || !std::isfinite(value))
            fail(QStringLiteral("<%1> \"%2\" is not a number").arg(what, text));
        return value;
    }

    void readSize(CocoImage &image)
    {
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() == QLatin1String("width") || m_xml.name() == QLatin1String("height")) {
                const QString what = m_xml.name().toString();
                const double v = number(what);
                if (!(v > 0.0) || v != std::floor(v) || v > 1e6)
                    fail(QStringLiteral("<%1> must be a positive whole number").arg(what));
                (what == QLatin1String("width") ? image.width : image.height) = int(v);
            } else {
                m_xml.skipCurrentElement();
            }
        }
    }

    VocObject readObject()
    {
        VocObject object;
        double xmin = NAN, ymin = NAN, xmax = NAN, ymax = NAN;
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() == QLatin1String("name")) {
                object.name = m_xml.readElementText().trimmed();
            } else if (m_xml.name() == QLatin1String("difficult")) {
                object.difficult = number(QStringLiteral("difficult")) != 0.0;
            } else if (m_xml.name() == QLatin1String("bndbox")) {
                while (m_xml.readNextStartElement()) {
                    const QString what = m_xml.name().toString();
                    double &target = what == QLatin1String("xmin")   ? xmin
                                     : what == QLatin1String("ymin") ? ymin
                                     : what == QLatin1String("xmax") ? xmax
                                                                     : ymax;
                    if (what != QLatin1String("xmin") && what != QLatin1String("ymin") &&
                        what != QLatin1String("xmax") && what != QLatin1String("ymax")) {
                        m_xml.skipCurrentElement();
                        continue;
                    }
                    target = number(what);
                }
            } else {
                m_xml.skipCurrentElement();
            }
        }
        if (object.name.isEmpty())
            fail(QStringLiteral("an <object> without a <name>"));
        if (std::isnan(xmin) || std::isnan(ymin) || std::isnan(xmax) || std::isnan(ymax))
            fail(QStringLiteral("an <object> needs a <bndbox> with xmin, ymin, xmax and ymax"));
        if (xmax < xmin)
            fail(QStringLiteral("xmax %1 is less than xmin %2").arg(xmax).arg(xmin));
        if (ymax < ymin)
            fail(QStringLiteral("ymax %1 is less than ymin %2").arg(ymax).arg(ymin));
        object.box = {xmin - 1.0, ymin - 1.0, xmax - xmin + 1.0, ymax - ymin + 1.0};
        return object;
    }

    QFile m_file;
    QString m_shown;
    QXmlStreamReader m_xml;
};

QStringList listedClasses(const QDir &folder)
{
    QFile file(folder.filePath(QStringLiteral("classes.txt")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList names;
    for (const QString &line : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty())
            names << line.trimmed();
    return names;
}

} // namespace

bool VocReader::isVocFolder(const QString &folder)
{
    return QFileInfo(QDir(folder).filePath(QStringLiteral("Annotations"))).isDir();
}

QString VocReader::imageRoot(const QString &folder)
{
    const QDir dir(folder);
    return QFileInfo(dir.filePath(QStringLiteral("JPEGImages"))).isDir()
               ? dir.filePath(QStringLiteral("JPEGImages"))
               : dir.path();
}

CocoDataset VocReader::read(const QString &folder, Progress &progress)
{
    const QDir dir(folder);
    const QDir annotations(dir.filePath(QStringLiteral("Annotations")));
    QStringList files = annotations.entryList({QStringLiteral("*.xml")}, QDir::Files, QDir::Name);
    std::vector<VocFile> parsed;
    for (qsizetype i = 0; i < files.size(); ++i) {
        parsed.push_back(
            VocParser(annotations.filePath(files[i]), QStringLiteral("Annotations/") + files[i]).parse());
        if ((i & 0xff) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(qint64(i), qint64(files.size()));
        }
    }
    QStringList classes = listedClasses(dir);
    const bool listed = !classes.isEmpty();
    if (!listed) {
        for (const VocFile &file : parsed)
            for (const VocObject &object : file.objects)
                if (!classes.contains(object.name))
                    classes << object.name;
        std::sort(classes.begin(), classes.end());
    }
    CocoDataset dataset;
    for (int c = 0; c < classes.size(); ++c)
        dataset.categories.push_back({c, classes[c], {}});
    for (size_t i = 0; i < parsed.size(); ++i) {
        CocoImage image = parsed[i].image;
        image.id = qint64(i) + 1;
        dataset.images.push_back(image);
        for (const VocObject &object : parsed[i].objects) {
            const int category = int(classes.indexOf(object.name));
            if (category < 0)
                throw Error(QStringLiteral("Annotations/%1: the class \"%2\" is not in classes.txt")
                                .arg(files[qsizetype(i)], object.name));
            dataset.annotations.push_back({-1, qint64(i), category, object.box, 0.0, object.difficult});
        }
    }
    dataset.indexIds(QStringLiteral("Annotations"));
    return dataset;
}

} // namespace loupe
