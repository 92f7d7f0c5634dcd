#include <cmath>
#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include "storage/runarrays.h"
#include "common/error.h"
#include "common/progress.h"
#include "import/loupefolderimporter.h"
#include "loupefolderspec.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

using loupe::ImportOptions;
using loupe::ImportSummary;
using loupe::LoupeFolderImporter;
using loupe::MetadataColumn;
using loupe::Progress;
using loupe::Project;
using namespace loupe::test;

namespace {

/** Each row's cells joined by '|', NULL as "NULL": compact and exact for text and integers. */
QStringList textRows(loupe::SqliteDatabase &db, const QString &sql)
{
    QStringList rows;
    auto statement = db.prepare(sql);
    while (statement.step()) {
        QStringList cells;
        for (int c = 0; c < statement.columnCount(); ++c)
            cells << (statement.isNull(c) ? QStringLiteral("NULL") : statement.columnText(c));
        rows << cells.join(QLatin1Char('|'));
    }
    return rows;
}

/** Every cell of the result, row by row, NULL as NaN. */
std::vector<double> numbers(loupe::SqliteDatabase &db, const QString &sql)
{
    std::vector<double> values;
    auto statement = db.prepare(sql);
    while (statement.step()) {
        for (int c = 0; c < statement.columnCount(); ++c)
            values.push_back(statement.isNull(c) ? std::nan("") : statement.columnDouble(c));
    }
    return values;
}

/** Table rows one after the other. */
std::vector<double> flatten(std::initializer_list<std::initializer_list<double>> rows)
{
    std::vector<double> values;
    for (const auto &row : rows)
        values.insert(values.end(), row.begin(), row.end());
    return values;
}

/** Empty when actual and expected match within tolerance (NaN matching NaN), else where they differ. */
template<typename A, typename E>
QString differenceBetween(const A &actual, const E &expected, double tolerance)
{
    if (actual.size() != expected.size())
        return QStringLiteral("%1 values, expected %2").arg(actual.size()).arg(expected.size());
    for (size_t i = 0; i < size_t(actual.size()); ++i) {
        const double a = actual[i];
        const double e = expected[i];
        const bool same = std::isnan(e) ? std::isnan(a) : std::abs(a - e) <= tolerance;
        if (!same)
            return QStringLiteral("value %1 is %2, expected %3").arg(i).arg(a, 0, 'g', 10).arg(e, 0, 'g', 10);
    }
    return {};
}

#define COMPARE_NEAR(actual, expected, tolerance)                                                            \
    do {                                                                                                     \
        const QString problem_ = differenceBetween(actual, expected, tolerance);                             \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                                  \
    } while (false)

} // namespace

class TestLoupeFolderImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void importsACompleteFolder();
    void appliesSoftmaxToLogits();
    void renormalisesNearlyNormalisedRows();
    void acceptsBomAndCrlf();
    void acceptsSpacesAndNonAsciiInPaths();
    void storesTrimmedSplitsAndCleanedImagePaths();
    void acceptsLinksThatStayInsideTheFolder();
    void refusesToReplaceAProjectWithoutOverwrite();
    void overwriteReplacesTheProject();
    void failedOverwriteKeepsThePreviousProject();
    void cancelLeavesNoProject_data();
    void cancelLeavesNoProject();

private:
    QString dataFolder() const { return m_sandbox.dataFolder(); }
    QString outputFolder() const { return m_sandbox.outputFolder(); }
    QString projectPath() const { return m_sandbox.projectPath(); }
    ImportSummary import(const QString &folder, bool overwrite = false) const
    {
        return m_sandbox.import(folder, overwrite);
    }
    QString importError(const QString &folder, bool overwrite = false) const
    {
        return m_sandbox.importError(folder, overwrite);
    }

    ImportSandbox m_sandbox;
};

void TestLoupeFolderImporter::init()
{
    const QString problem = m_sandbox.setUp();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestLoupeFolderImporter::cleanup()
{
    m_sandbox.tearDown();
}

void TestLoupeFolderImporter::importsACompleteFolder()
{
    WRITE_FOLDER(completeFolder(), dataFolder());
    const ImportSummary summary = import(dataFolder());

    QCOMPARE(summary.samples, 4);
    QCOMPARE(summary.unlabeled, 1);
    QCOMPARE(summary.classes, 3);
    QVERIFY(summary.hasPredictions);
    QVERIFY(summary.hasEmbeddings);
    QVERIFY(summary.hasCoords);
    QVERIFY(summary.hasHistory);
    QCOMPARE(summary.notes,
             QStringList{QStringLiteral(
                 "samples.csv: metadata column \"loss\" is stored as \"meta_loss\" (the name is reserved)")});
    QCOMPARE(entriesOf(outputFolder()), QStringList{QStringLiteral("project.loupe")});

    const auto project = Project::open(projectPath());
    // Written without SQLite's foreign-key checks (ProjectWriter): every reference must hold.
    QCOMPARE(project->database().queryInt(QStringLiteral("SELECT count(*) FROM pragma_foreign_key_check")),
             0);
    loupe::SqliteDatabase &db = project->database();
    QCOMPARE(project->info(QStringLiteral("source_format")), QStringLiteral("loupe-folder"));
    QCOMPARE(project->datasetRoot(), QDir::cleanPath(dataFolder()));
    QCOMPARE(project->classNames(),
             (QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bird")}));
    QCOMPARE(project->sampleCount(), 4);

    // Samples: ids, cleaned image paths, splits (empty is NULL) and labels (empty is NULL, i.e. unlabeled).
    QCOMPARE(
        textRows(db, QStringLiteral("SELECT id, image, split, label, label_index, original_label, edited "
                                    "FROM sample_view ORDER BY sample_index")),
        (QStringList{QStringLiteral("s1|img/s1.png|train|cat|0|cat|0"),
                     QStringLiteral("s2|img/s2.png|val|dog|1|dog|0"),
                     QStringLiteral("s3|img/s3.png|test|NULL|NULL|NULL|0"),
                     QStringLiteral("s4|img/s4.png|NULL|bird|2|bird|0")}));

    // Metadata: types inferred from every value (empty cells are NULL and do not vote).
    const QList<MetadataColumn> columns = project->metadataColumns();
    QCOMPARE(columns.size(), 4);
    const QList<std::pair<QString, MetadataColumn::Type>> expectedColumns = {
        {QStringLiteral("age"), MetadataColumn::Type::Integer},
        {QStringLiteral("weight"), MetadataColumn::Type::Real},
        {QStringLiteral("note"), MetadataColumn::Type::Text},
        {QStringLiteral("meta_loss"), MetadataColumn::Type::Real},
    };
    for (int i = 0; i < columns.size(); ++i) {
        QCOMPARE(columns.at(i).name, expectedColumns.at(i).first);
        QCOMPARE(columns.at(i).type, expectedColumns.at(i).second);
        QCOMPARE(summary.metadata.at(i).name, expectedColumns.at(i).first);
        QCOMPARE(summary.metadata.at(i).type, expectedColumns.at(i).second);
    }
    QCOMPARE(
        textRows(db, QStringLiteral("SELECT age, typeof(age), weight, typeof(weight), note, typeof(note), "
                                    "meta_loss FROM sample_view ORDER BY sample_index")),
        (QStringList{QStringLiteral("3|integer|1.5|real|hello|text|0.1"),
                     QStringLiteral("4|integer|2.0|real|a, b|text|0.2"),
                     QStringLiteral("NULL|null|3.25|real|x|text|NULL"),
                     QStringLiteral("7|integer|NULL|null|NULL|null|0.4")}));

    // The run and its per-sample scores, against hand-computed values.
    const QList<loupe::RunInfo> runs = project->runs();
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.at(0).name, QStringLiteral("resnet18"));
    QCOMPARE(runs.at(0).numClasses, 3);
    QCOMPARE(runs.at(0).source, QStringLiteral("predictions.npy"));
    const int runId = runs.at(0).id;
    QCOMPARE(project->latestRunId(), runId);
    QCOMPARE(textRows(db, QStringLiteral("SELECT predicted, predicted_index, is_error, run_id = %1 "
                                         "FROM sample_view ORDER BY sample_index")
                              .arg(runId)),
             (QStringList{QStringLiteral("cat|0|0|1"), QStringLiteral("cat|0|1|1"),
                          QStringLiteral("bird|2|NULL|1"), QStringLiteral("bird|2|0|1")}));
    const std::vector<double> expectedScores = flatten({
        // confidence, given_probability, loss, margin
        {0.7, 0.7, -std::log(0.7), 0.7 - 0.2},
        {0.6, 0.3, -std::log(0.3), 0.3 - 0.6},
        {0.8, NAN, NAN, NAN},
        {0.5, 0.5, -std::log(0.5), 0.5 - 0.3},
    });
    COMPARE_NEAR(numbers(db, QStringLiteral("SELECT confidence, given_probability, loss, margin "
                                            "FROM sample_view ORDER BY sample_index")),
                 expectedScores, 1e-6);

    // The arrays under the names docs/project-format.md documents, read through RunArrays.
    QCOMPARE(textRows(db, QStringLiteral("SELECT name FROM arrays ORDER BY name")),
             (QStringList{QStringLiteral("coords"), QStringLiteral("embeddings"),
                          QStringLiteral("probabilities")}));
    const loupe::RunArrays arrays(db, runId);
    for (const auto array :
         {loupe::RunArray::ImportedCoords, loupe::RunArray::Embeddings, loupe::RunArray::Probabilities})
        QVERIFY(
            textRows(db, QStringLiteral("SELECT name FROM arrays")).contains(loupe::RunArrays::name(array)));
    const auto probabilitiesShape = arrays.shape(loupe::RunArray::Probabilities);
    QVERIFY(probabilitiesShape);
    QCOMPARE(probabilitiesShape->rows, 4);
    QCOMPARE(probabilitiesShape->cols, 3);
    COMPARE_NEAR(arrays.read(loupe::RunArray::Probabilities), kProbabilities, 1e-6);
    const auto embeddingsShape = arrays.shape(loupe::RunArray::Embeddings);
    QVERIFY(embeddingsShape);
    QCOMPARE(embeddingsShape->rows, 4);
    QCOMPARE(embeddingsShape->cols, 3);
    QCOMPARE(arrays.read(loupe::RunArray::Embeddings), kEmbeddingValues);
    QCOMPARE(arrays.readRow(loupe::RunArray::Embeddings, 3), (std::vector<float>{0.0f, 1e-3f, 1e6f}));
    const auto coordsShape = arrays.shape(loupe::RunArray::ImportedCoords);
    QVERIFY(coordsShape);
    QCOMPARE(coordsShape->rows, 4);
    QCOMPARE(coordsShape->cols, 2);
    QCOMPARE(arrays.read(loupe::RunArray::ImportedCoords), kCoordValues);
    QCOMPARE(arrays.readRow(loupe::RunArray::ImportedCoords, 2), (std::vector<float>{4.0f, -5.0f}));

    // Training history: one row per epoch and metric; an empty cell is NULL.
    QCOMPARE(
        textRows(db, QStringLiteral("SELECT epoch, metric, value FROM training_history WHERE run_id = %1 "
                                    "ORDER BY epoch, metric")
                         .arg(runId)),
        (QStringList{QStringLiteral("1|train_loss|0.9"), QStringLiteral("1|val_accuracy|0.5"),
                     QStringLiteral("1|val_loss|1.25"), QStringLiteral("2|train_loss|0.5"),
                     QStringLiteral("2|val_accuracy|NULL"), QStringLiteral("2|val_loss|0.75")}));
}

void TestLoupeFolderImporter::appliesSoftmaxToLogits()
{
    const FolderSpec spec = completeFolder()
                                .without(kPredictions)
                                .withArray(kLogits, 4, 3,
                                           {
                                               1.0f, 2.0f, 3.0f,   // s1, cat
                                               0.0f, 0.0f, 0.0f,   // s2, dog: a tie
                                               -1.0f, 5.0f, -1.0f, // s3, unlabeled
                                               10.0f, 0.0f, 0.0f,  // s4, bird
                                           });
    WRITE_FOLDER(spec, dataFolder());
    const ImportSummary summary = import(dataFolder());
    QVERIFY(summary.hasPredictions);
    QVERIFY(summary.notes.contains(
        QStringLiteral("logits.npy: softmax applied to turn logits into probabilities")));

    const auto project = Project::open(projectPath());
    loupe::SqliteDatabase &db = project->database();
    const int runId = project->latestRunId();
    QCOMPARE(project->runs().value(0).source, QStringLiteral("logits.npy"));
    // softmax(x)_k = exp(x_k) / sum_j exp(x_j), worked out by hand.
    const double e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0), e6 = std::exp(-6.0),
                 e10 = std::exp(-10.0);
    const std::vector<double> expectedProbabilities = {
        e1 / (e1 + e2 + e3), e2 / (e1 + e2 + e3), e3 / (e1 + e2 + e3), //
        1.0 / 3.0,           1.0 / 3.0,           1.0 / 3.0,           //
        e6 / (1 + 2 * e6),   1 / (1 + 2 * e6),    e6 / (1 + 2 * e6),   //
        1 / (1 + 2 * e10),   e10 / (1 + 2 * e10), e10 / (1 + 2 * e10), //
    };
    COMPARE_NEAR(loupe::RunArrays(db, runId).read(loupe::RunArray::Probabilities), expectedProbabilities,
                 1e-6);

    // A tie predicts the lowest class index.
    QCOMPARE(
        textRows(db, QStringLiteral("SELECT predicted, is_error FROM sample_view ORDER BY sample_index")),
        (QStringList{QStringLiteral("bird|1"), QStringLiteral("cat|1"), QStringLiteral("dog|NULL"),
                     QStringLiteral("cat|1")}));
    const std::vector<double> &p = expectedProbabilities;
    const std::vector<double> expectedScores = flatten({
        // confidence, given_probability, loss, margin
        {p[2], p[0], -std::log(p[0]), p[0] - p[2]},
        {1.0 / 3.0, 1.0 / 3.0, std::log(3.0), 0.0},
        {p[7], NAN, NAN, NAN},
        {p[9], p[11], -std::log(p[11]), p[11] - p[9]},
    });
    COMPARE_NEAR(numbers(db, QStringLiteral("SELECT confidence, given_probability, loss, margin "
                                            "FROM sample_view ORDER BY sample_index")),
                 expectedScores, 1e-5);
}

void TestLoupeFolderImporter::renormalisesNearlyNormalisedRows()
{
    // Rows off by less than the 1e-3 tolerance (float rounding, a softmax in half precision) are rescaled.
    const std::vector<float> rows = {
        0.5f, 0.3005f, 0.2f,    // sums to 1.0005
        0.3f, 0.3f,    0.3995f, // sums to 0.9995
        0.7f, 0.2f,    0.1f,    // sums to 1
        0.2f, 0.2f,    0.6f,    // sums to 1
    };
    WRITE_FOLDER(labelsOnlyFolder().withArray(kPredictions, 4, 3, rows), dataFolder());
    import(dataFolder());

    const auto project = Project::open(projectPath());
    const std::vector<float> stored =
        loupe::RunArrays(project->database(), project->latestRunId()).read(loupe::RunArray::Probabilities);
    std::vector<double> expected;
    for (size_t r = 0; r < 4; ++r) {
        const double sum = double(rows[3 * r]) + double(rows[3 * r + 1]) + double(rows[3 * r + 2]);
        for (size_t k = 0; k < 3; ++k)
            expected.push_back(rows[3 * r + k] / sum);
    }
    COMPARE_NEAR(stored, expected, 1e-7);
    for (size_t r = 0; r < 4; ++r)
        QVERIFY(std::abs(double(stored[3 * r]) + stored[3 * r + 1] + stored[3 * r + 2] - 1.0) < 1e-6);
    // The scores come from the renormalised row: s1 (cat) has p = 0.5 / 1.0005.
    COMPARE_NEAR(numbers(project->database(), QStringLiteral("SELECT given_probability FROM sample_view "
                                                             "WHERE id = 's1'")),
                 std::vector<double>{0.5 / 1.0005}, 1e-7);
}

void TestLoupeFolderImporter::acceptsBomAndCrlf()
{
    // As written by Excel on Windows: a UTF-8 byte order mark and CRLF line ends.
    const FolderSpec spec = labelsOnlyFolder()
                                .withFile(kClasses, "\xEF\xBB\xBF"
                                                    "cat\r\ndog\r\nbird\r\n")
                                .withFile(kSamples, "\xEF\xBB\xBF"
                                                    "id,image,label,split\r\n"
                                                    "s1,img/s1.png,cat,train\r\n"
                                                    "s2,img/s2.png,dog,test\r\n");
    WRITE_FOLDER(spec, dataFolder());
    const ImportSummary summary = import(dataFolder());
    QCOMPARE(summary.samples, 2);
    QVERIFY(summary.metadata.isEmpty());

    const auto project = Project::open(projectPath());
    QCOMPARE(project->classNames(),
             (QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bird")}));
    QCOMPARE(textRows(project->database(), QStringLiteral("SELECT id, split, label FROM sample_view "
                                                          "ORDER BY sample_index")),
             (QStringList{QStringLiteral("s1|train|cat"), QStringLiteral("s2|test|dog")}));
}

void TestLoupeFolderImporter::acceptsSpacesAndNonAsciiInPaths()
{
    const QString image1 = QStringLiteral("Bilder mit Leerzeichen/chat noir \u00e9t\u00e9.png");
    const QString image2 = QStringLiteral("\u65e5\u672c/\u732b 2.png");
    const FolderSpec spec = FolderSpec()
                                .withFile(kClasses, QStringLiteral("chat noir\n\u732b\n").toUtf8())
                                .withFile(kSamples, QStringLiteral("id,image,label\n"
                                                                   "\u00e9chantillon 1,\"%1\",chat noir\n"
                                                                   "\u00e9chantillon 2,%2,\u732b\n")
                                                        .arg(image1, image2)
                                                        .toUtf8())
                                .withImage(image1)
                                .withImage(image2);
    const QString folder = m_sandbox.filePath(QStringLiteral("donn\u00e9es avec espaces"));
    WRITE_FOLDER(spec, folder);
    Progress progress;
    QCOMPARE(LoupeFolderImporter(folder).run(projectPath(), ImportOptions(), progress).samples, 2);

    const auto project = Project::open(projectPath());
    QCOMPARE(project->classNames(), (QStringList{QStringLiteral("chat noir"), QStringLiteral("\u732b")}));
    QCOMPARE(textRows(project->database(), QStringLiteral("SELECT id, image, label FROM sample_view "
                                                          "ORDER BY sample_index")),
             (QStringList{QStringLiteral("\u00e9chantillon 1|%1|chat noir").arg(image1),
                          QStringLiteral("\u00e9chantillon 2|%1|\u732b").arg(image2)}));
    QVERIFY(QFileInfo::exists(project->absoluteImagePath(image1)));
    QVERIFY(QFileInfo::exists(project->absoluteImagePath(image2)));
}

// The importer trims and cleans samples.csv's bytes without decoding them where it can; the
// result must be what QString::trimmed() and QDir::cleanPath() give, Unicode spaces included.
void TestLoupeFolderImporter::storesTrimmedSplitsAndCleanedImagePaths()
{
    const QByteArray nbsp = "\xC2\xA0";
    const FolderSpec spec = labelsOnlyFolder().withFile(kSamples, "id,image,label,split\n"
                                                                  "s1,./img/s1.png,cat, train \n"
                                                                  "s2,img//s2.png,dog," +
                                                                      nbsp + "val" + nbsp +
                                                                      "\n"
                                                                      "s3,img/x/../s3.png,cat,\ttest\n"
                                                                      "s4,img/s4.png,bird,\" \"\n");
    WRITE_FOLDER(spec, dataFolder());
    import(dataFolder());
    const auto project = Project::open(projectPath());
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT id, image, split FROM samples ORDER BY sample_index")),
             (QStringList{QStringLiteral("s1|img/s1.png|train"), QStringLiteral("s2|img/s2.png|val"),
                          QStringLiteral("s3|img/s3.png|test"), QStringLiteral("s4|img/s4.png|NULL")}));
}

void TestLoupeFolderImporter::acceptsLinksThatStayInsideTheFolder()
{
    const FolderSpec spec = labelsOnlyFolder()
                                .withSymlink(QStringLiteral("img/s2.png"), QStringLiteral("s1.png"))
                                .withSymlink(QStringLiteral("alias"), QStringLiteral("img"))
                                .withFile(kSamples, "id,image,label\n"
                                                    "s1,img/s1.png,cat\n"
                                                    "s2,img/s2.png,dog\n"
                                                    "s3,alias/s3.png,bird\n"
                                                    "s4,./img/../img/s4.png,cat\n");
    WRITE_FOLDER(spec, dataFolder());
    QCOMPARE(import(dataFolder()).samples, 4);
    const auto project = Project::open(projectPath());
    // Paths are stored cleaned, links as written.
    QCOMPARE(textRows(project->database(), QStringLiteral("SELECT image FROM samples ORDER BY sample_index")),
             (QStringList{QStringLiteral("img/s1.png"), QStringLiteral("img/s2.png"),
                          QStringLiteral("alias/s3.png"), QStringLiteral("img/s4.png")}));
}

void TestLoupeFolderImporter::refusesToReplaceAProjectWithoutOverwrite()
{
    WRITE_FOLDER(labelsOnlyFolder(), dataFolder());
    import(dataFolder());
    const QByteArray before = readBytes(projectPath());
    QVERIFY(!before.isEmpty());

    const QString message = importError(dataFolder());
    QVERIFY2(message.contains(QStringLiteral("project.loupe: already exists")), qPrintable(message));
    QCOMPARE(readBytes(projectPath()), before);
    QCOMPARE(entriesOf(outputFolder()), QStringList{QStringLiteral("project.loupe")});
}

void TestLoupeFolderImporter::overwriteReplacesTheProject()
{
    WRITE_FOLDER(labelsOnlyFolder(), dataFolder());
    import(dataFolder());
    // A write-ahead log left by the old project would be replayed into the new one.
    QFile staleWal(projectPath() + QStringLiteral("-wal"));
    QVERIFY(staleWal.open(QIODevice::WriteOnly));
    staleWal.write(QByteArray(4096, 'x'));
    staleWal.close();

    const QString other = m_sandbox.filePath(QStringLiteral("other"));
    WRITE_FOLDER(completeFolder(), other);
    Progress progress;
    const ImportSummary summary = LoupeFolderImporter(other).run(
        projectPath(), ImportOptions{QStringLiteral("second"), /*overwrite=*/true}, progress);
    QVERIFY(summary.hasPredictions);
    QCOMPARE(entriesOf(outputFolder()), QStringList{QStringLiteral("project.loupe")});

    const auto project = Project::open(projectPath());
    QCOMPARE(project->datasetRoot(), QDir::cleanPath(other));
    QCOMPARE(project->runs().size(), 1);
    QCOMPARE(project->runs().at(0).name, QStringLiteral("second"));
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT id, label FROM sample_view ORDER BY sample_index")),
             (QStringList{QStringLiteral("s1|cat"), QStringLiteral("s2|dog"), QStringLiteral("s3|NULL"),
                          QStringLiteral("s4|bird")}));
}

void TestLoupeFolderImporter::failedOverwriteKeepsThePreviousProject()
{
    WRITE_FOLDER(labelsOnlyFolder(), dataFolder());
    import(dataFolder());
    const QByteArray before = readBytes(projectPath());

    const QString bad = m_sandbox.filePath(QStringLiteral("bad"));
    WRITE_FOLDER(completeFolder().withArray(kEmbeddings, 4, 1, {0, kNaN, 0, 0}), bad);
    const QString message = importError(bad, /*overwrite=*/true);
    QVERIFY2(message.contains(QStringLiteral("embeddings.npy: row 1: NaN in column 0")), qPrintable(message));
    QCOMPARE(readBytes(projectPath()), before);
    QCOMPARE(entriesOf(outputFolder()), QStringList{QStringLiteral("project.loupe")});
}

void TestLoupeFolderImporter::cancelLeavesNoProject_data()
{
    QTest::addColumn<FolderSpec>("spec");
    QTest::addColumn<QString>("cancelAt");

    QTest::newRow("labels only, writing samples") << labelsOnlyFolder() << QStringLiteral("Writing samples");
    QTest::newRow("complete, writing samples") << completeFolder() << QStringLiteral("Writing samples");
    QTest::newRow("complete, writing predictions")
        << completeFolder() << QStringLiteral("Writing predictions");
    // The project is created and the arrays written beside the check of samples.csv.
    QTest::newRow("complete, checking samples.csv, arrays written aside")
        << completeFolder() << QStringLiteral("Checking samples.csv");
}

void TestLoupeFolderImporter::cancelLeavesNoProject()
{
    QFETCH(FolderSpec, spec);
    QFETCH(QString, cancelAt);
    WRITE_FOLDER(spec, dataFolder());

    Progress *target = nullptr;
    QString cancelledAt;
    Progress progress([&target, &cancelledAt, &cancelAt](double, const QString &step) {
        // The first step whose name starts with cancelAt: as if the user pressed Cancel just then.
        if (cancelledAt.isEmpty() && step.startsWith(cancelAt)) {
            cancelledAt = step;
            target->cancel();
        }
    });
    target = &progress;
    QVERIFY_THROWS_EXCEPTION(loupe::Cancelled,
                             LoupeFolderImporter(dataFolder()).run(projectPath(), ImportOptions(), progress));
    QCOMPARE(cancelledAt, cancelAt);
    QCOMPARE(entriesOf(outputFolder()), QStringList());
}

QTEST_APPLESS_MAIN(TestLoupeFolderImporter)
#include "tst_loupefolderimporter.moc"
