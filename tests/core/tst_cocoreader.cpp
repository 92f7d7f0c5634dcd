// The streaming JSON reader and the COCO reader: a good instances file (metadata keys,
// segmentations skipped, ids in any order, escapes), a results file with probabilities,
// and one bad file per problem, each refused with the file, line and entry named.

#include "common/error.h"
#include "errorof.h"
#include "common/progress.h"
#include "formats/cocoreader.h"
#include "formats/jsonstream.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using loupe::test::errorOf;

namespace {

const char *const kInstances = R"json({
  "info": {"description": "a fixture", "year": 2026},
  "licenses": [{"id": 1, "name": "CC"}],
  "categories": [{"id": 3, "name": "plane", "supercategory": "vehicle"},
                 {"id": 7, "name": "stop sign"}],
  "annotations": [
    {"id": 11, "image_id": 20, "category_id": 3, "bbox": [10, 20, 30.5, 40], "area": 1200, "iscrowd": 0,
     "segmentation": [[10, 20, 40, 20, 40, 60, 10, 60]]},
    {"id": 12, "image_id": 10, "category_id": 7, "bbox": [0, 0, 64, 48], "iscrowd": 1,
     "segmentation": {"counts": [1, 2, 3], "size": [48, 64]}},
    {"id": 13, "image_id": 20, "category_id": 7, "bbox": [1e1, 2.5E1, 5, 5]}
  ],
  "images": [
    {"id": 10, "file_name": "a/runway \u00e9t\u00e9.jpg", "width": 64, "height": 48, "split": "train",
     "camera": 2, "night": true, "gps": [1.5, 2.5], "date_captured": null},
    {"id": 20, "file_name": "b.png", "width": 100, "height": 80, "split": "val"}
  ]
}
)json";

struct Fixture
{
    QTemporaryDir dir;

    QString write(const QString &name, const QByteArray &text)
    {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write the fixture");
        file.write(text);
        return file.fileName();
    }
};

} // namespace

class TestCocoReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonTokensAndSkipping();
    void jsonSyntaxErrorsNameTheLine_data();
    void jsonSyntaxErrorsNameTheLine();
    void readsInstances();
    void readsResultsWithProbabilities();
    void refusesBadInstances_data();
    void refusesBadInstances();
    void refusesBadResults_data();
    void refusesBadResults();

private:
    Fixture m_fixture;
};

void TestCocoReader::jsonTokensAndSkipping()
{
    const QString path = m_fixture.write(
        QStringLiteral("tokens.json"),
        R"({"a": [1, -2.5e3, "x\"\\\/\n\u0041\ud83d\ude00"], "skip": {"deep": [[{}], []]}, "b": false})");
    JsonStream json(path);
    QStringList keys;
    QList<double> numbers;
    QString text;
    json.readObject(
        [&](const QString &key) {
            keys << key;
            if (key == QLatin1String("a")) {
                json.readArray(
                    [&](qint64 i) {
                        if (i < 2)
                            numbers << json.readNumber(QStringLiteral("a"));
                        else
                            text = json.readString(QStringLiteral("a"));
                    },
                    QStringLiteral("a"));
            } else if (key == QLatin1String("b")) {
                QVERIFY(!json.readBool(QStringLiteral("b")));
            } else {
                json.skipValue();
            }
        },
        QStringLiteral("doc"));
    json.expectEnd();
    QCOMPARE(keys, (QStringList{QStringLiteral("a"), QStringLiteral("skip"), QStringLiteral("b")}));
    QCOMPARE(numbers, (QList<double>{1.0, -2500.0}));
    QCOMPARE(text, QStringLiteral("x\"\\/\nA") + QString::fromUcs4(U"\U0001F600", 1));
}

void TestCocoReader::jsonSyntaxErrorsNameTheLine_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing comma") << QByteArray("{\"a\": 1\n \"b\": 2}")
                                   << QStringLiteral(":2: expected ','");
    QTest::newRow("trailing comma") << QByteArray("[1, 2,\n]") << QStringLiteral(":2: expected a value");
    QTest::newRow("unterminated string") << QByteArray("[\"abc") << QStringLiteral("not closed");
    QTest::newRow("bad escape") << QByteArray("[\"a\\qb\"]") << QStringLiteral("invalid escape");
    QTest::newRow("lone surrogate") << QByteArray("[\"\\udc00\"]") << QStringLiteral("lone low surrogate");
    QTest::newRow("leading zero") << QByteArray("[012]") << QStringLiteral("is not a number");
    QTest::newRow("two documents") << QByteArray("{} {}") << QStringLiteral("after the end of the document");
    QTest::newRow("invalid UTF-8") << QByteArray("[\"\xff\xfe\"]") << QStringLiteral("invalid UTF-8");
    QTest::newRow("truncated") << QByteArray("{\"a\": [1, 2") << QStringLiteral("the end of the file");
    QTest::newRow("bare word") << QByteArray("[nul]") << QStringLiteral("expected null");
}

void TestCocoReader::jsonSyntaxErrorsNameTheLine()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const QString path = m_fixture.write(QStringLiteral("bad.json"), text);
    const QString message = errorOf([&] {
        JsonStream json(path);
        json.skipValue();
        json.expectEnd();
    });
    QVERIFY2(message.startsWith(QStringLiteral("bad.json:")), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestCocoReader::readsInstances()
{
    const QString path = m_fixture.write(QStringLiteral("instances.json"), kInstances);
    Progress progress;
    const CocoDataset dataset = CocoReader::readInstances(path, progress);
    QCOMPARE(dataset.images.size(), size_t(2));
    QCOMPARE(dataset.categories.size(), size_t(2));
    QCOMPARE(dataset.annotations.size(), size_t(3));

    const CocoImage &first = dataset.images[0];
    QCOMPARE(first.fileName, QStringLiteral("a/runway été.jpg"));
    QCOMPARE(first.width, 64);
    QCOMPARE(first.height, 48);
    // Scalar keys are metadata as text; a list (gps) is not; null is empty.
    QCOMPARE(first.metadata.size(), size_t(4));
    QCOMPARE(first.metadata[0], std::make_pair(QStringLiteral("split"), QStringLiteral("train")));
    QCOMPARE(first.metadata[1], std::make_pair(QStringLiteral("camera"), QStringLiteral("2")));
    QCOMPARE(first.metadata[2], std::make_pair(QStringLiteral("night"), QStringLiteral("true")));
    QCOMPARE(first.metadata[3], std::make_pair(QStringLiteral("date_captured"), QString()));

    QCOMPARE(dataset.categories[1].name, QStringLiteral("stop sign"));
    QCOMPARE(dataset.categoryIndex(7), 1);
    QCOMPARE(dataset.imageIndex(20), qint64(1));
    QCOMPARE(dataset.imageIndex(99), qint64(-1));

    // Annotations came before the images: their ids are resolved after the whole file.
    const CocoAnnotation &plane = dataset.annotations[0];
    QCOMPARE(plane.id, qint64(11));
    QCOMPARE(plane.image, qint64(1));
    QCOMPARE(plane.category, 0);
    QCOMPARE(plane.box.width, 30.5);
    QCOMPARE(plane.area, 1200.0);
    QVERIFY(!plane.crowd);
    QVERIFY(dataset.annotations[1].crowd);
    QCOMPARE(dataset.annotations[2].box.x, 10.0);
    QCOMPARE(dataset.annotations[2].box.y, 25.0);
}

void TestCocoReader::readsResultsWithProbabilities()
{
    Progress progress;
    const CocoDataset dataset =
        CocoReader::readInstances(m_fixture.write(QStringLiteral("instances.json"), kInstances), progress);
    const QString path =
        m_fixture.write(QStringLiteral("results.json"),
                        R"([{"image_id": 20, "category_id": 3, "bbox": [10, 20, 30, 40], "score": 0.91,
             "probabilities": [0.8, 0.2], "embedding": 4},
            {"image_id": 10, "category_id": 7, "bbox": [1, 1, 5, 5], "score": 0.2}])");
    const std::vector<CocoResult> results = CocoReader::readResults(path, dataset, progress);
    QCOMPARE(results.size(), size_t(2));
    QCOMPARE(results[0].image, qint64(1));
    QCOMPARE(results[0].category, 0);
    QCOMPARE(results[0].score, 0.91);
    QCOMPARE(results[0].probabilities, (std::vector<float>{0.8f, 0.2f}));
    QCOMPARE(results[0].embeddingRow, qint64(4));
    QVERIFY(results[1].probabilities.empty());
    QCOMPARE(results[1].embeddingRow, qint64(-1));
}

void TestCocoReader::refusesBadInstances_data()
{
    QTest::addColumn<QByteArray>("from");
    QTest::addColumn<QByteArray>("to");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown category") << QByteArray("\"category_id\": 3, \"bbox\": [10, 20")
                                      << QByteArray("\"category_id\": 5, \"bbox\": [10, 20")
                                      << QStringLiteral("annotations[0] (id 11): category_id 5 is not among");
    QTest::newRow("unknown image") << QByteArray("\"id\": 13, \"image_id\": 20")
                                   << QByteArray("\"id\": 13, \"image_id\": 21")
                                   << QStringLiteral(
                                          "annotations[2] (id 13): image_id 21 is not among the images");
    QTest::newRow("box past the width")
        << QByteArray("[10, 20, 30.5, 40]") << QByteArray("[80, 20, 30.5, 40]")
        << QStringLiteral("reaches past the image's width 100");
    QTest::newRow("negative size") << QByteArray("[10, 20, 30.5, 40]") << QByteArray("[10, 20, -3, 40]")
                                   << QStringLiteral("annotations[0]: the box [10, 20, -3, 40] has no area");
    QTest::newRow("three numbers") << QByteArray("[10, 20, 30.5, 40]") << QByteArray("[10, 20, 30.5]")
                                   << QStringLiteral("bbox must be four numbers");
    QTest::newRow("duplicate image id") << QByteArray("{\"id\": 20, \"file_name\": \"b.png\"")
                                        << QByteArray("{\"id\": 10, \"file_name\": \"b.png\"")
                                        << QStringLiteral("images[1] (id 10): the id 10 is used twice");
    QTest::newRow("duplicate annotation id")
        << QByteArray("\"id\": 13,") << QByteArray("\"id\": 11,")
        << QStringLiteral("annotations[2] (id 11): the id 11 is used by another");
    QTest::newRow("no file name") << QByteArray("\"file_name\": \"b.png\",") << QByteArray("")
                                  << QStringLiteral("images[1]: an image needs an id and a file_name");
    QTest::newRow("string id") << QByteArray("{\"id\": 20,") << QByteArray("{\"id\": \"20\",")
                               << QStringLiteral("images[1]: id: expected a number");
    QTest::newRow("no categories") << QByteArray("\"categories\"") << QByteArray("\"kategorien\"")
                                   << QStringLiteral("not a COCO instances file");
    QTest::newRow("malformed") << QByteArray("\"iscrowd\": 0,") << QByteArray("\"iscrowd\": 0")
                               << QStringLiteral("instances.json:8: expected ','");
}

void TestCocoReader::refusesBadInstances()
{
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, to);
    QFETCH(QString, expected);
    QByteArray text(kInstances);
    QVERIFY2(text.contains(from), from.constData());
    text.replace(text.indexOf(from), from.size(), to);
    const QString path = m_fixture.write(QStringLiteral("instances.json"), text);
    Progress progress;
    const QString message = errorOf([&] { CocoReader::readInstances(path, progress); });
    QVERIFY2(message.startsWith(QStringLiteral("instances.json")), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestCocoReader::refusesBadResults_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not a list") << QByteArray("{}") << QStringLiteral("expected an array");
    QTest::newRow("no score") << QByteArray(R"([{"image_id": 10, "category_id": 3, "bbox": [1, 1, 2, 2]}])")
                              << QStringLiteral(
                                     "results[0]: a result needs image_id, category_id, bbox and score");
    QTest::newRow("NaN score")
        << QByteArray(R"([{"image_id": 10, "category_id": 3, "bbox": [1, 1, 2, 2], "score": null}])")
        << QStringLiteral("the score must be a number in [0, 1]");
    QTest::newRow("unknown image")
        << QByteArray(R"([{"image_id": 99, "category_id": 3, "bbox": [1, 1, 2, 2], "score": 0.5}])")
        << QStringLiteral("image_id 99 is not among the dataset's images");
    QTest::newRow("wrong probability count")
        << QByteArray(R"([{"image_id": 10, "category_id": 3, "bbox": [1, 1, 2, 2], "score": 0.5,
                          "probabilities": [1]}])")
        << QStringLiteral("1 probabilities for 2 categories");
    QTest::newRow("probabilities not summing to 1")
        << QByteArray(R"([{"image_id": 10, "category_id": 3, "bbox": [1, 1, 2, 2], "score": 0.5,
                          "probabilities": [0.5, 0.2]}])")
        << QStringLiteral("probabilities sum to 0.7");
}

void TestCocoReader::refusesBadResults()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    Progress progress;
    const CocoDataset dataset =
        CocoReader::readInstances(m_fixture.write(QStringLiteral("instances.json"), kInstances), progress);
    const QString path = m_fixture.write(QStringLiteral("results.json"), text);
    const QString message = errorOf([&] { CocoReader::readResults(path, dataset, progress); });
    QVERIFY2(message.startsWith(QStringLiteral("results.json:")), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

QTEST_MAIN(TestCocoReader)
#include "tst_cocoreader.moc"
