// Box edits of a detection project: relabel, move, delete and add, each batch one transaction
// with one audit row per change; a refused change (unknown box, unknown class, a box outside
// its image) writes nothing; undo brings a deleted box back with its id; the audit trail
// refuses to be rewritten; the COCO export writes the boxes as they are now and reads back.

#include "common/error.h"
#include "errorof.h"
#include "common/progress.h"
#include "edits/boxeditrepository.h"
#include "export/cocoexport.h"
#include "formats/cocoreader.h"
#include "import/datasetimport.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using loupe::test::errorOf;

namespace {

const char *const kAnnotations = R"({
  "images": [{"id": 7, "file_name": "a.png", "width": 64, "height": 48},
             {"id": 9, "file_name": "b.png", "width": 32, "height": 32}],
  "categories": [{"id": 1, "name": "plane"}, {"id": 2, "name": "car"}],
  "annotations": [{"id": 1, "image_id": 7, "category_id": 1, "bbox": [2, 2, 20, 20], "area": 300},
                  {"id": 2, "image_id": 7, "category_id": 2, "bbox": [30, 10, 20, 20]},
                  {"id": 3, "image_id": 9, "category_id": 1, "bbox": [5, 5, 10, 10]}]
})";

} // namespace

class TestBoxEdits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void editsAreAuditedAndUndone();
    void refusedBatchWritesNothing();
    void auditTrailCannotBeRewritten();
    void cocoExportReadsBack();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Project> m_project;
    qint64 boxCount() { return m_project->database().queryInt(QStringLiteral("SELECT count(*) FROM boxes")); }
};

void TestBoxEdits::init()
{
    m_project.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    const QDir folder(m_dir->filePath(QStringLiteral("coco")));
    folder.mkpath(QStringLiteral("."));
    for (const char *name : {"a.png", "b.png"}) {
        QFile image(folder.filePath(QLatin1String(name)));
        QVERIFY(image.open(QIODevice::WriteOnly));
        image.write("x");
    }
    QFile annotations(folder.filePath(QStringLiteral("annotations.json")));
    QVERIFY(annotations.open(QIODevice::WriteOnly));
    annotations.write(kAnnotations);
    annotations.close();
    Progress progress;
    importDataset(folder.path(), m_dir->filePath(QStringLiteral("d.loupe")), {}, progress);
    m_project = Project::open(m_dir->filePath(QStringLiteral("d.loupe")));
}

void TestBoxEdits::editsAreAuditedAndUndone()
{
    BoxEditRepository boxes(*m_project);
    QList<BoxChange> changes = {
        {BoxChange::Action::Relabel, 1, {0, 1, {}, 0.0, false}},
        {BoxChange::Action::Move, 2, {0, 0, {32, 12, 20, 20}, 0.0, false}},
        {BoxChange::Action::Delete, 3, {}},
        {BoxChange::Action::Add, -1, {1, 1, {1, 1, 8, 8}, 0.0, false}},
    };
    changes = boxes.apply(changes, {QStringLiteral("test"), QStringLiteral("fixing")});
    QCOMPARE(changes[3].boxId, qint64(4)); // ids are never reused
    QCOMPARE(boxes.current(1)->category, 1);
    QCOMPARE(boxes.current(2)->box.x, 32.0);
    QCOMPARE(boxes.current(2)->category, 1); // moving keeps the class
    QVERIFY(!boxes.current(3));
    QCOMPARE(boxes.current(4)->image, qint64(1));
    QCOMPARE(
        m_project->database().queryInt(QStringLiteral("SELECT area IS NULL FROM boxes WHERE box_id = 2")), 1);

    const QList<BoxEdit> history = boxes.history();
    QCOMPARE(history.size(), 4);
    QCOMPARE(history[0].before->category, 0);
    QCOMPARE(history[0].after->category, 1);
    QCOMPARE(history[2].action, BoxChange::Action::Delete);
    QVERIFY(!history[2].after);
    QCOMPARE(history[2].before->box.width, 10.0);
    QCOMPARE(history[3].source, QStringLiteral("test"));
    QCOMPARE(history[3].note, QStringLiteral("fixing"));

    // Undo all four, newest first: the deleted box comes back with its id, the added one goes.
    boxes.undo({history[0].editId, history[1].editId, history[2].editId, history[3].editId},
               {QStringLiteral("test-undo"), {}});
    QCOMPARE(boxes.current(1)->category, 0);
    QCOMPARE(boxes.current(2)->box.x, 30.0);
    QCOMPARE(boxes.current(3)->box.x, 5.0);
    QVERIFY(!boxes.current(4));
    QCOMPARE(boxes.history().size(), 8); // the trail keeps both
    QCOMPARE(boxes.history().last().source, QStringLiteral("test-undo"));
}

void TestBoxEdits::refusedBatchWritesNothing()
{
    BoxEditRepository boxes(*m_project);
    const auto refused = [&](BoxChange change, const QString &expected) {
        const QString message = errorOf([&] {
            boxes.apply({{BoxChange::Action::Relabel, 1, {0, 1, {}, 0.0, false}}, change},
                        {QStringLiteral("test"), {}});
        });
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("change 2 of 2")), qPrintable(message));
        QCOMPARE(boxes.current(1)->category, 0); // the first change was rolled back
        QCOMPARE(boxes.history().size(), 0);
    };
    refused({BoxChange::Action::Delete, 99, {}}, QStringLiteral("box 99 does not exist"));
    refused({BoxChange::Action::Relabel, 2, {0, 5, {}, 0.0, false}},
            QStringLiteral("class 5 does not exist"));
    refused({BoxChange::Action::Move, 3, {1, 0, {20, 20, 20, 20}, 0.0, false}},
            QStringLiteral("not inside its image"));
    refused({BoxChange::Action::Add, -1, {0, 0, {1, 1, 0, 5}, 0.0, false}}, QStringLiteral("positive width"));
    QCOMPARE(boxCount(), qint64(3));
}

void TestBoxEdits::auditTrailCannotBeRewritten()
{
    BoxEditRepository(*m_project).apply({{BoxChange::Action::Delete, 3, {}}}, {QStringLiteral("test"), {}});
    SqliteDatabase &db = m_project->database();
    QVERIFY(errorOf([&] {
                db.exec(QStringLiteral("DELETE FROM box_edits"));
            }).contains(QStringLiteral("audit trail")));
    QVERIFY(errorOf([&] {
                db.exec(QStringLiteral("UPDATE box_edits SET note = 'x'"));
            }).contains(QStringLiteral("audit trail")));
}

void TestBoxEdits::cocoExportReadsBack()
{
    BoxEditRepository(*m_project)
        .apply({{BoxChange::Action::Relabel, 2, {0, 0, {}, 0.0, false}}, {BoxChange::Action::Delete, 3, {}}},
               {QStringLiteral("test"), {}});
    const QString path = m_dir->filePath(QStringLiteral("coco/exported.json"));
    exportCoco(*m_project, path);
    Progress progress;
    const CocoDataset back = CocoReader::readInstances(path, progress);
    QCOMPARE(back.images.size(), size_t(2));
    QCOMPARE(back.images[0].id, qint64(7)); // the COCO ids survive
    QCOMPARE(back.images[1].width, 32);
    QCOMPARE(back.annotations.size(), size_t(2));
    QCOMPARE(back.annotations[1].category, 0); // relabelled to plane
    QCOMPARE(back.annotations[0].area, 300.0); // the imported area, kept for an untouched box
    QCOMPARE(back.categories[1].name, QStringLiteral("car"));
}

QTEST_MAIN(TestBoxEdits)
#include "tst_boxedits.moc"
