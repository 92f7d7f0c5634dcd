#include "export/detectionexports.h"

#include "analysis/labels/annotationneighbours.h"
#include "common/error.h"
#include "detection/annotationerrors.h"
#include "formats/csvwriter.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <vector>

namespace loupe {

namespace {

QStringList boxFields(const Box &box)
{
    return {QString::number(box.x, 'g', 10), QString::number(box.y, 'g', 10),
            QString::number(box.width, 'g', 10), QString::number(box.height, 'g', 10)};
}

/** Per sample: its id and image, in sample order. */
void readImages(SqliteDatabase &db, std::vector<QString> &ids, std::vector<QString> &images)
{
    auto query = db.prepare(QStringLiteral("SELECT id, image FROM samples ORDER BY sample_index"));
    while (query.step()) {
        ids.push_back(query.columnText(0));
        images.push_back(query.columnText(1));
    }
}

} // namespace

void exportAnnotationSuggestions(Project &project, const QString &path, double minimum)
{
    if (project.task() != ProjectTask::Detection)
        throw Error(QStringLiteral("%1: not a detection project").arg(project.fileName()));
    const int runId = project.latestRunId();
    if (runId < 0)
        throw Error(
            QStringLiteral("%1: no predicted boxes to find annotation errors with").arg(project.fileName()));
    const DetectionStore store(project.database());
    const DetectionSet set = store.load(runId);
    const AnnotationErrors errors = findAnnotationErrors(set, store.boxEvidence(runId));
    const QStringList classes = project.classNames();
    std::vector<QString> ids, images;
    readImages(project.database(), ids, images);
    const std::vector<qint64> boxId = store.annotationIds();

    CsvWriter csv(path);
    csv.writeRow({QStringLiteral("rank"), QStringLiteral("image_id"), QStringLiteral("image"),
                  QStringLiteral("issue"), QStringLiteral("score"), QStringLiteral("box_id"),
                  QStringLiteral("class"), QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("width"),
                  QStringLiteral("height"), QStringLiteral("suggested_class"), QStringLiteral("suggested_x"),
                  QStringLiteral("suggested_y"), QStringLiteral("suggested_width"),
                  QStringLiteral("suggested_height")});
    qint64 rank = 0;
    for (const AnnotationSuggestion &s : errors.ranked(set, minimum)) {
        QStringList row{QString::number(++rank), ids[size_t(s.image)], images[size_t(s.image)],
                        annotationIssueName(s.issue), QString::number(s.score, 'f', 4)};
        if (s.annotation >= 0) {
            const Annotation &a = set.annotations[size_t(s.annotation)];
            row << QString::number(boxId[size_t(s.annotation)]) << classes.value(a.category)
                << boxFields(a.box);
        } else {
            row << QString() << QString() << QString() << QString() << QString() << QString();
        }
        row << (s.newClass >= 0 ? classes.value(s.newClass) : QString());
        const bool moves = s.issue == AnnotationIssue::BadLocation || s.issue == AnnotationIssue::Overlooked;
        row << (moves ? boxFields(s.newBox) : QStringList{QString(), QString(), QString(), QString()});
        csv.writeRow(row);
    }
    csv.commit();
}

} // namespace loupe
