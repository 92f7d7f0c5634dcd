#include "export/cocoexport.h"

#include "common/error.h"
#include "edits/boxeditrepository.h"
#include "formats/cocoreader.h"
#include "formats/csvwriter.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QSaveFile>

namespace loupe {

namespace {

/** A JSON string literal: quotes, backslashes and control characters escaped. */
QByteArray jsonString(const QString &text)
{
    QByteArray out("\"");
    for (const char c : text.toUtf8()) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += QStringLiteral("\\u%1").arg(int(c), 4, 16, QLatin1Char('0')).toLatin1();
            else
                out += c;
        }
    }
    return out + '"';
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', 12);
}

class CocoWriter
{
public:
    explicit CocoWriter(const QString &path) : m_file(path)
    {
        if (!m_file.open(QIODevice::WriteOnly))
            throw Error(QStringLiteral("%1: cannot write (%2)").arg(path, m_file.errorString()));
    }
    void write(const QByteArray &bytes)
    {
        if (m_file.write(bytes) != bytes.size())
            throw Error(QStringLiteral("%1: cannot write (%2)").arg(m_file.fileName(), m_file.errorString()));
    }
    void commit()
    {
        if (!m_file.commit())
            throw Error(QStringLiteral("%1: cannot write (%2)").arg(m_file.fileName(), m_file.errorString()));
    }

private:
    QSaveFile m_file;
};

void writeImages(SqliteDatabase &db, CocoWriter &out, std::vector<qint64> &ids)
{
    auto query =
        db.prepare(QStringLiteral("SELECT s.sample_index, s.id, s.image, z.width, z.height FROM samples s "
                                  "LEFT JOIN image_sizes z USING (sample_index) ORDER BY s.sample_index"));
    out.write("\"images\":[");
    bool first = true;
    while (query.step()) {
        const qint64 sample = query.columnInt64(0);
        ids.push_back(cocoImageId(query.columnText(1), sample));
        QByteArray entry = (first ? "" : ",") + QByteArray("\n{\"id\":") + QByteArray::number(ids.back()) +
                           ",\"file_name\":" + jsonString(query.columnText(2));
        if (!query.isNull(3))
            entry += ",\"width\":" + QByteArray::number(query.columnInt64(3)) +
                     ",\"height\":" + QByteArray::number(query.columnInt64(4));
        out.write(entry + '}');
        first = false;
    }
    out.write("],\n");
}

void writeAnnotations(SqliteDatabase &db, CocoWriter &out, const std::vector<qint64> &imageIds)
{
    auto query = db.prepare(QStringLiteral("SELECT box_id, sample_index, class_index, x, y, width, height, "
                                           "area, crowd FROM boxes ORDER BY box_id"));
    out.write("\"annotations\":[");
    bool first = true;
    while (query.step()) {
        const double width = query.columnDouble(5), height = query.columnDouble(6);
        const double area = query.isNull(7) ? width * height : query.columnDouble(7);
        out.write((first ? "" : ",") + QByteArray("\n{\"id\":") + QByteArray::number(query.columnInt64(0)) +
                  ",\"image_id\":" + QByteArray::number(imageIds[size_t(query.columnInt64(1))]) +
                  ",\"category_id\":" + QByteArray::number(query.columnInt64(2) + 1) + ",\"bbox\":[" +
                  number(query.columnDouble(3)) + ',' + number(query.columnDouble(4)) + ',' + number(width) +
                  ',' + number(height) + "],\"area\":" + number(area) +
                  ",\"iscrowd\":" + QByteArray::number(query.columnInt(8)) + '}');
        first = false;
    }
    out.write("],\n");
}

QString boxText(const std::optional<Annotation> &box)
{
    if (!box)
        return {};
    return QStringLiteral("%1 %2 %3 %4")
        .arg(box->box.x)
        .arg(box->box.y)
        .arg(box->box.width)
        .arg(box->box.height);
}

} // namespace

void exportCoco(Project &project, const QString &path)
{
    if (project.task() != ProjectTask::Detection)
        throw Error(
            QStringLiteral("%1: not a detection project: nothing to write as COCO").arg(project.fileName()));
    SqliteDatabase &db = project.database();
    CocoWriter out(path);
    out.write("{");
    std::vector<qint64> imageIds;
    writeImages(db, out, imageIds);
    writeAnnotations(db, out, imageIds);
    out.write("\"categories\":[");
    const QStringList classes = project.classNames();
    for (int c = 0; c < classes.size(); ++c)
        out.write((c > 0 ? "," : "") + QByteArray("\n{\"id\":") + QByteArray::number(c + 1) +
                  ",\"name\":" + jsonString(classes[c]) + '}');
    out.write("]}\n");
    out.commit();
}

void exportBoxEditLog(Project &project, const QString &path)
{
    const QStringList classes = project.classNames();
    std::vector<QString> ids;
    auto query = project.database().prepare(QStringLiteral("SELECT id FROM samples ORDER BY sample_index"));
    while (query.step())
        ids.push_back(query.columnText(0));
    CsvWriter csv(path);
    csv.writeRow({QStringLiteral("time"), QStringLiteral("user"), QStringLiteral("source"),
                  QStringLiteral("box_id"), QStringLiteral("image_id"), QStringLiteral("action"),
                  QStringLiteral("old_class"), QStringLiteral("new_class"), QStringLiteral("old_box"),
                  QStringLiteral("new_box"), QStringLiteral("note")});
    for (const BoxEdit &edit : BoxEditRepository(project).history()) {
        const qint64 image = edit.before ? edit.before->image : edit.after->image;
        csv.writeRow({edit.time, edit.user, edit.source, QString::number(edit.boxId), ids[size_t(image)],
                      boxActionName(edit.action),
                      edit.before ? classes.value(edit.before->category) : QString(),
                      edit.after ? classes.value(edit.after->category) : QString(), boxText(edit.before),
                      boxText(edit.after), edit.note});
    }
    csv.commit();
}

} // namespace loupe
