#include <cmath>
#include <filesystem>
#include <limits>
#include <system_error>
#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include "storage/runarrays.h"
#include "common/error.h"
#include "common/progress.h"
#include "formats/npyfile.h"
#include "import/imagepathchecker.h"
#include "import/loupefolderimporter.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

using loupe::ImportOptions;
using loupe::ImportSummary;
using loupe::LoupeFolderImporter;
using loupe::MetadataColumn;
using loupe::Progress;
using loupe::Project;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// The importer only checks that image files exist, but a real 1x1 PNG keeps the fixture honest.
QByteArray pngBytes()
{
    return QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}

struct Array
{
    qint64 rows = 0;
    qint64 cols = 0;
    std::vector<float> values;
    bool integer = false; // written as int32
};

/**
 * A Loupe folder described in memory: text files, .npy arrays, images and symbolic links by
 * path relative to the folder. The builders return a changed copy, so a data row reads as
 * "the good folder, but with this file".
 */
class FolderSpec
{
public:
    FolderSpec withFile(const QString &path, const QByteArray &contents) const
    {
        FolderSpec copy = without(path);
        copy.m_files.insert(path, contents);
        return copy;
    }
    FolderSpec withImage(const QString &path) const { return withFile(path, pngBytes()); }
    FolderSpec withArray(const QString &path, qint64 rows, qint64 cols, std::vector<float> values) const
    {
        Q_ASSERT(qint64(values.size()) == rows * cols);
        FolderSpec copy = without(path);
        copy.m_arrays.insert(path, {rows, cols, std::move(values)});
        return copy;
    }
    /** An int32 array (ids), as an external engine writes them. */
    FolderSpec withIntArray(const QString &path, qint64 rows, qint64 cols, std::vector<float> values) const
    {
        FolderSpec copy = withArray(path, rows, cols, std::move(values));
        copy.m_arrays[path].integer = true;
        return copy;
    }
    /** A symbolic link at path whose target is stored as given (relative to the link's folder). */
    FolderSpec withSymlink(const QString &path, const QString &target) const
    {
        FolderSpec copy = without(path);
        copy.m_links.insert(path, target);
        return copy;
    }
    FolderSpec without(const QString &path) const
    {
        FolderSpec copy = *this;
        copy.m_files.remove(path);
        copy.m_arrays.remove(path);
        copy.m_links.remove(path);
        return copy;
    }

    /** Writes the folder below root; returns the first failure, empty on success. */
    QString writeTo(const QString &root) const
    {
        const QDir dir(root);
        const auto makeParent = [&dir](const QString &path) {
            return dir.mkpath(QFileInfo(dir.filePath(path)).path());
        };
        for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
            QFile file(dir.filePath(it.key()));
            if (!makeParent(it.key()) || !file.open(QIODevice::WriteOnly) ||
                file.write(it.value()) != it.value().size())
                return it.key() + QStringLiteral(": ") + file.errorString();
        }
        for (auto it = m_arrays.cbegin(); it != m_arrays.cend(); ++it) {
            if (!makeParent(it.key()))
                return it.key() + QStringLiteral(": cannot create its folder");
            try {
                if (it->integer) {
                    const std::vector<qint32> ids(it->values.begin(), it->values.end());
                    loupe::writeNpy(dir.filePath(it.key()), ids.data(), it->rows, it->cols);
                } else {
                    loupe::writeNpy(dir.filePath(it.key()), it->values.data(), it->rows, it->cols);
                }
            } catch (const loupe::Error &error) {
                return error.message();
            }
        }
        for (auto it = m_links.cbegin(); it != m_links.cend(); ++it) {
            if (!makeParent(it.key()))
                return it.key() + QStringLiteral(": cannot create its folder");
            std::error_code error;
            std::filesystem::create_symlink(QFile::encodeName(it.value()).toStdString(),
                                            QFile::encodeName(dir.filePath(it.key())).toStdString(), error);
            if (error)
                return it.key() + QStringLiteral(": ") + QString::fromStdString(error.message());
        }
        return {};
    }

private:
    QMap<QString, QByteArray> m_files;
    QMap<QString, Array> m_arrays;
    QMap<QString, QString> m_links;
};

const QString kClasses = QStringLiteral("classes.txt");
const QString kSamples = QStringLiteral("samples.csv");
const QString kPredictions = QStringLiteral("predictions.npy");
const QString kLogits = QStringLiteral("logits.npy");
const QString kEmbeddings = QStringLiteral("embeddings.npy");
const QString kCoords = QStringLiteral("coords.npy");
const QString kHistory = QStringLiteral("history.csv");

/** Three classes and four labelled samples (lines 2-5 of samples.csv), no model outputs. */
FolderSpec labelsOnlyFolder()
{
    return FolderSpec()
        .withFile(kClasses, "cat\ndog\nbird\n")
        .withFile(kSamples, "id,image,label\n"
                            "s1,img/s1.png,cat\n"
                            "s2,img/s2.png,dog\n"
                            "s3,img/s3.png,bird\n"
                            "s4,img/s4.png,cat\n")
        .withImage(QStringLiteral("img/s1.png"))
        .withImage(QStringLiteral("img/s2.png"))
        .withImage(QStringLiteral("img/s3.png"))
        .withImage(QStringLiteral("img/s4.png"));
}

// Row i is sample s(i+1): labels cat, dog, (none), bird.
const std::vector<float> kProbabilities = {
    0.7f, 0.2f, 0.1f, // s1, cat: right, loss -ln 0.7, margin 0.7 - 0.2
    0.6f, 0.3f, 0.1f, // s2, dog: predicted cat, loss -ln 0.3, margin 0.3 - 0.6
    0.1f, 0.1f, 0.8f, // s3, unlabeled: predicted bird, no loss or margin
    0.2f, 0.3f, 0.5f, // s4, bird: right, loss -ln 0.5, margin 0.5 - 0.3
};
const std::vector<float> kEmbeddingValues = {0.5f,  -1.0f, 2.0f, 3.0f, 4.0f,  5.0f,
                                             -6.0f, 7.25f, 8.0f, 0.0f, 1e-3f, 1e6f};
const std::vector<float> kCoordValues = {0.0f, 1.0f, -2.5f, 3.0f, 4.0f, -5.0f, 6.125f, 7.0f};

/** Everything the format allows: splits, typed metadata, an unlabeled sample, model outputs. */
FolderSpec completeFolder()
{
    return labelsOnlyFolder()
        .withFile(kSamples, "id,image,label,split,age,weight,note,loss\n"
                            "s1,img/s1.png,cat,train,3,1.5,hello,0.1\n"
                            "s2,img/s2.png,dog,val,4,2,\"a, b\",0.2\n"
                            "s3,img/s3.png,,test,,3.25,x,\n"
                            "s4,img/s4.png,bird,,7,,\"\",0.4\n")
        .withArray(kPredictions, 4, 3, kProbabilities)
        .withArray(kEmbeddings, 4, 3, kEmbeddingValues)
        .withArray(kCoords, 4, 2, kCoordValues)
        .withFile(kHistory, "epoch,train_loss,val_loss,val_accuracy\n"
                            "1,0.9,1.25,0.5\n"
                            "2,0.5,0.75,\n");
}

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

/** Writes spec below folder, failing the test if that fails. */
#define WRITE_FOLDER(spec, folder)                                                                           \
    do {                                                                                                     \
        const QString problem_ = (spec).writeTo(folder);                                                     \
        QVERIFY2(problem_.isEmpty(), qPrintable(QStringLiteral("cannot write the fixture: ") + problem_));   \
    } while (false)

QStringList entriesOf(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                                  QDir::Name);
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

Q_DECLARE_METATYPE(FolderSpec)

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
    void acceptsLinksThatStayInsideTheFolder();
    void rejectsBadFolders_data();
    void rejectsBadFolders();
    void listsEveryProblemAtOnce();
    void checksImagesInAListedFolder();
    void capsTheListOfProblems();
    void refusesToReplaceAProjectWithoutOverwrite();
    void overwriteReplacesTheProject();
    void failedOverwriteKeepsThePreviousProject();
    void cancelLeavesNoProject_data();
    void cancelLeavesNoProject();

private:
    QString dataFolder() const { return m_root->filePath(QStringLiteral("data")); }
    QString outputFolder() const { return m_root->filePath(QStringLiteral("out")); }
    QString projectPath() const { return QDir(outputFolder()).filePath(QStringLiteral("project.loupe")); }
    ImportSummary import(const QString &folder, bool overwrite = false);
    /** The import's error message, or an empty string when the import succeeded. */
    QString importError(const QString &folder, bool overwrite = false);

    std::unique_ptr<QTemporaryDir> m_root;
};

void TestLoupeFolderImporter::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    QVERIFY(QDir(m_root->path()).mkpath(QStringLiteral("out")));
    // Files beside the dataset folder, for the paths and links that try to reach them.
    const QString outside = FolderSpec()
                                .withImage(QStringLiteral("outside.png"))
                                .withImage(QStringLiteral("outsidedir/x.png"))
                                .writeTo(m_root->path());
    QVERIFY2(outside.isEmpty(), qPrintable(outside));
}

void TestLoupeFolderImporter::cleanup()
{
    m_root.reset();
}

ImportSummary TestLoupeFolderImporter::import(const QString &folder, bool overwrite)
{
    ImportOptions options;
    options.runName = QStringLiteral("resnet18");
    options.overwrite = overwrite;
    Progress progress;
    return LoupeFolderImporter(folder).run(projectPath(), options, progress);
}

QString TestLoupeFolderImporter::importError(const QString &folder, bool overwrite)
{
    try {
        import(folder, overwrite);
    } catch (const loupe::Error &error) {
        return error.message();
    }
    return {};
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
    const QString folder = m_root->filePath(QStringLiteral("donn\u00e9es avec espaces"));
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

void TestLoupeFolderImporter::rejectsBadFolders_data()
{
    QTest::addColumn<FolderSpec>("spec");
    QTest::addColumn<QString>("expected");

    const FolderSpec labels = labelsOnlyFolder();
    const FolderSpec complete = completeFolder();
    const auto samples = [&labels](const char *csv) {
        return labels.withFile(kSamples, csv);
    };
    const auto history = [&complete](const char *csv) {
        return complete.withFile(kHistory, csv);
    };
    const auto fourByThree = [](std::initializer_list<std::pair<size_t, float>> changes) {
        std::vector<float> values = kProbabilities;
        for (const auto &[index, value] : changes)
            values[index] = value;
        return values;
    };

    // classes.txt
    QTest::newRow("classes.txt missing")
        << labels.without(kClasses) << QStringLiteral("classes.txt: missing");
    QTest::newRow("classes.txt empty")
        << labels.withFile(kClasses, "") << QStringLiteral("classes.txt: lists no classes");
    QTest::newRow("classes.txt duplicate")
        << labels.withFile(kClasses, "cat\ndog\ncat\nbird\n")
        << QStringLiteral("classes.txt:3: class \"cat\" is already on line 1");
    QTest::newRow("classes.txt blank line") << labels.withFile(kClasses, "cat\n\ndog\nbird\n")
                                            << QStringLiteral("classes.txt:2: empty class name");

    // samples.csv as a whole, and its header
    QTest::newRow("samples.csv missing")
        << labels.without(kSamples) << QStringLiteral("samples.csv: missing");
    QTest::newRow("samples.csv empty")
        << samples("") << QStringLiteral("samples.csv: is empty; expected a header line with id,image,label");
    QTest::newRow("header only") << samples("id,image,label\n")
                                 << QStringLiteral("samples.csv: has a header but no samples");
    QTest::newRow("no label column") << samples("id,image\ns1,img/s1.png\n")
                                     << QStringLiteral("samples.csv:1: missing required column \"label\"");
    QTest::newRow("no id column") << samples("image,label\nimg/s1.png,cat\n")
                                  << QStringLiteral("samples.csv:1: missing required column \"id\"");
    QTest::newRow("no image column") << samples("id,label\ns1,cat\n")
                                     << QStringLiteral("samples.csv:1: missing required column \"image\"");
    QTest::newRow("column twice, any case") << samples("id,image,label,Age,age\ns1,img/s1.png,cat,1,2\n")
                                            << QStringLiteral("samples.csv:1: column \"age\" appears twice");
    QTest::newRow("unnamed column") << samples("id,image,label,\ns1,img/s1.png,cat,1\n")
                                    << QStringLiteral("samples.csv:1: column 4 has no name");
    QTest::newRow("renamed column collides")
        << samples("id,image,label,loss,meta_loss\ns1,img/s1.png,cat,1,2\n")
        << QStringLiteral(
               "samples.csv:1: metadata columns \"loss\" and \"meta_loss\" would both be stored as "
               "\"meta_loss\"");
    QTest::newRow("unterminated quote") << samples("id,image,label\ns1,img/s1.png,cat\ns2,\"img/s2.png,dog\n")
                                        << QStringLiteral("samples.csv:3: unterminated quoted field");

    // samples.csv rows
    QTest::newRow("unknown class") << samples("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,fish\n")
                                   << QStringLiteral(
                                          "samples.csv:3: unknown class \"fish\" (not in classes.txt)");
    QTest::newRow("class names are case-sensitive")
        << samples("id,image,label\ns1,img/s1.png,Cat\n")
        << QStringLiteral("samples.csv:2: unknown class \"Cat\" (not in classes.txt)");
    QTest::newRow("ragged row") << samples("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png\n")
                                << QStringLiteral("samples.csv:3: has 2 fields; the header has 3");
    QTest::newRow("row too long") << samples("id,image,label\ns1,img/s1.png,cat,extra\n")
                                  << QStringLiteral("samples.csv:2: has 4 fields; the header has 3");
    QTest::newRow("blank line") << samples("id,image,label\ns1,img/s1.png,cat\n\ns2,img/s2.png,dog\n")
                                << QStringLiteral("samples.csv:3: empty line");
    QTest::newRow("duplicate id")
        << samples("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,dog\ns1,img/s3.png,bird\n")
        << QStringLiteral("samples.csv:4: id \"s1\" is already on line 2");
    QTest::newRow("empty id") << samples("id,image,label\ns1,img/s1.png,cat\n,img/s2.png,dog\n")
                              << QStringLiteral("samples.csv:3: empty id");
    QTest::newRow("empty image path")
        << samples("id,image,label\ns1,,cat\n") << QStringLiteral("samples.csv:2: empty image path");
    QTest::newRow("missing image") << samples("id,image,label\ns1,img/s1.png,cat\ns2,img/nothere.png,dog\n")
                                   << QStringLiteral(
                                          "samples.csv:3: image \"img/nothere.png\" does not exist");
    QTest::newRow("absolute path") << samples("id,image,label\ns1,/etc/passwd,cat\n")
                                   << QStringLiteral(
                                          "samples.csv:2: image path \"/etc/passwd\" is absolute; paths "
                                          "must be relative to the dataset folder");
    QTest::newRow("../ escapes") << samples("id,image,label\ns1,../outside.png,cat\n")
                                 << QStringLiteral(
                                        "samples.csv:2: image path \"../outside.png\" escapes the dataset "
                                        "folder");
    QTest::newRow("inner ../ escapes")
        << samples("id,image,label\ns1,img/../../outside.png,cat\n")
        << QStringLiteral("samples.csv:2: image path \"img/../../outside.png\" escapes "
                          "the dataset folder");
    QTest::newRow("image is a folder") << samples("id,image,label\ns1,img,cat\n")
                                       << QStringLiteral("samples.csv:2: image \"img\" is not a file");
    QTest::newRow("link to a file outside")
        << samples("id,image,label\ns1,img/link.png,cat\n")
               .withSymlink(QStringLiteral("img/link.png"), QStringLiteral("../../outside.png"))
        << QStringLiteral("samples.csv:2: image \"img/link.png\" links outside the dataset folder");
    QTest::newRow("link to a folder outside")
        << samples("id,image,label\ns1,linked/x.png,cat\n")
               .withSymlink(QStringLiteral("linked"), QStringLiteral("../outsidedir"))
        << QStringLiteral("samples.csv:2: image \"linked/x.png\" links outside the dataset folder");
    QTest::newRow("link loop") << samples("id,image,label\ns1,img/a.png,cat\n")
                                      .withSymlink(QStringLiteral("img/a.png"), QStringLiteral("b.png"))
                                      .withSymlink(QStringLiteral("img/b.png"), QStringLiteral("a.png"))
                               << QStringLiteral(
                                      "samples.csv:2: image \"img/a.png\" is a broken link or a link loop");
    QTest::newRow("broken link") << samples("id,image,label\ns1,img/gone.png,cat\n")
                                        .withSymlink(QStringLiteral("img/gone.png"),
                                                     QStringLiteral("nothere.png"))
                                 << QStringLiteral(
                                        "samples.csv:2: image \"img/gone.png\" is a broken link or a link "
                                        "loop");

    // predictions.npy / logits.npy
    QTest::newRow("predictions and logits")
        << complete.withArray(kLogits, 4, 3, kProbabilities)
        << QStringLiteral("logits.npy: give predictions.npy or logits.npy, not both");
    QTest::newRow("predictions: too few rows")
        << complete.withArray(kPredictions, 3, 3,
                              std::vector<float>(kProbabilities.begin(), kProbabilities.begin() + 9))
        << QStringLiteral("predictions.npy: has 3 rows but samples.csv has 4 samples");
    QTest::newRow("predictions: wrong columns")
        << complete.withArray(kPredictions, 4, 2, {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f})
        << QStringLiteral("predictions.npy: has 2 columns but classes.txt lists 3 classes");
    QTest::newRow("logits: wrong columns")
        << complete.without(kPredictions).withArray(kLogits, 4, 1, {1, 2, 3, 4})
        << QStringLiteral("logits.npy: has 1 columns but classes.txt lists 3 classes");
    QTest::newRow("predictions: not .npy")
        << complete.withFile(kPredictions, "0.7,0.2,0.1\n")
        << QStringLiteral("predictions.npy: not a NumPy .npy file (bad magic number)");
    QTest::newRow("predictions: NaN") << complete.withArray(kPredictions, 4, 3, fourByThree({{5, kNaN}}))
                                      << QStringLiteral("predictions.npy: row 1: NaN in column 2");
    QTest::newRow("predictions: infinity") << complete.withArray(kPredictions, 4, 3, fourByThree({{0, kInf}}))
                                           << QStringLiteral("predictions.npy: row 0: infinity in column 0");
    QTest::newRow("predictions: negative")
        << complete.withArray(kPredictions, 4, 3, fourByThree({{6, -0.1f}, {8, 1.0f}}))
        << QStringLiteral("predictions.npy: row 2: negative probability -0.1 in column 0");
    QTest::newRow("predictions: row sums to 0.8")
        << complete.withArray(kPredictions, 4, 3, fourByThree({{9, 0.0f}}))
        << QStringLiteral("predictions.npy: row 3: probabilities sum to 0.8, not 1 (tolerance 0.001); save "
                          "unnormalised scores as logits.npy instead");
    QTest::newRow("predictions: row sums to 0")
        << complete.withArray(kPredictions, 4, 3, fourByThree({{0, 0.0f}, {1, 0.0f}, {2, 0.0f}}))
        << QStringLiteral("predictions.npy: row 0: probabilities sum to 0, not 1");
    QTest::newRow("predictions: just outside tolerance")
        << complete.withArray(kPredictions, 4, 3, fourByThree({{0, 0.702f}}))
        << QStringLiteral("predictions.npy: row 0: probabilities sum to 1.002, not 1");
    QTest::newRow("logits: NaN")
        << complete.without(kPredictions).withArray(kLogits, 4, 3, fourByThree({{11, kNaN}}))
        << QStringLiteral("logits.npy: row 3: NaN in column 2");

    // embeddings.npy and coords.npy
    QTest::newRow("embeddings: infinity")
        << complete.withArray(kEmbeddings, 4, 3, {0, 0, 0, 0, 0, 0, 0, 0, 0, -kInf, 0, 0})
        << QStringLiteral("embeddings.npy: row 3: infinity in column 0");
    QTest::newRow("embeddings: NaN") << complete.withArray(kEmbeddings, 4, 3,
                                                           {0, 0, 0, 0, kNaN, 0, 0, 0, 0, 0, 0, 0})
                                     << QStringLiteral("embeddings.npy: row 1: NaN in column 1");
    QTest::newRow("embeddings: too many rows")
        << complete.withArray(kEmbeddings, 5, 1, {1, 2, 3, 4, 5})
        << QStringLiteral("embeddings.npy: has 5 rows but samples.csv has 4 samples");
    QTest::newRow("coords: 3 columns") << complete.withArray(kCoords, 4, 3, kEmbeddingValues)
                                       << QStringLiteral("coords.npy: has 3 columns; expected 2 (x, y)");
    QTest::newRow("coords: too few rows")
        << complete.withArray(kCoords, 2, 2, {1, 2, 3, 4})
        << QStringLiteral("coords.npy: has 2 rows but samples.csv has 4 samples");
    QTest::newRow("coords: infinity") << complete.withArray(kCoords, 4, 2, {0, 0, 0, 0, 0, kInf, 0, 0})
                                      << QStringLiteral("coords.npy: row 2: infinity in column 1");
    QTest::newRow("embeddings without predictions")
        << labels.withArray(kEmbeddings, 4, 3, kEmbeddingValues)
        << QStringLiteral("embeddings.npy: belongs to a model run: add predictions.npy or logits.npy too");
    QTest::newRow("coords without predictions")
        << labels.withArray(kCoords, 4, 2, kCoordValues)
        << QStringLiteral("coords.npy: belongs to a model run: add predictions.npy or logits.npy too");

    // Columns computed elsewhere (PrecomputedColumns)
    const std::vector<float> graph = {1, 2, 0, 3, 3, 0, 2, -1};
    const std::vector<float> distances = {1, 2, 1, 3, 3, 2, 1, kInf};
    const FolderSpec withGraph = complete.withIntArray(QStringLiteral("knn_indices.npy"), 4, 2, graph)
                                     .withArray(QStringLiteral("knn_distances.npy"), 4, 2, distances);
    QTest::newRow("knn indices without distances")
        << complete.withIntArray(QStringLiteral("knn_indices.npy"), 4, 2, graph)
        << QStringLiteral("knn_indices.npy: comes with knn_distances.npy: the kNN graph needs both");
    QTest::newRow("knn indices: beyond the samples")
        << withGraph.withIntArray(QStringLiteral("knn_indices.npy"), 4, 2, {1, 2, 0, 3, 3, 4, 2, -1})
        << QStringLiteral("knn_indices.npy: row 2: sample index 4 is outside -1 .. 3 in column 1");
    QTest::newRow("knn indices: floats")
        << withGraph.withArray(QStringLiteral("knn_indices.npy"), 4, 2, graph)
        << QStringLiteral("knn_indices.npy: holds <f4; expected integer sample indices");
    QTest::newRow("knn distances: other k")
        << withGraph.withArray(QStringLiteral("knn_distances.npy"), 4, 1, {1, 1, 1, 1})
        << QStringLiteral("knn_distances.npy: has 1 columns but knn_indices.npy has 2");
    QTest::newRow("knn distances: negative")
        << withGraph.withArray(QStringLiteral("knn_distances.npy"), 4, 2, {1, 2, 1, -3, 3, 2, 1, 0})
        << QStringLiteral("knn_distances.npy: row 1: distance -3 is not >= 0 in column 1");
    QTest::newRow("clusters: two columns")
        << complete.withIntArray(QStringLiteral("clusters.npy"), 4, 2, graph)
        << QStringLiteral("clusters.npy: has 2 columns; expected one value per sample");
    QTest::newRow("clusters: below -1")
        << complete.withIntArray(QStringLiteral("clusters.npy"), 4, 1, {0, 1, -2, 1})
        << QStringLiteral("clusters.npy: row 2: cluster id -2 is outside -1 .. 16777215 in column 0");
    QTest::newRow("issue scores: above 1")
        << complete.withArray(QStringLiteral("issue_scores.npy"), 4, 1, {0.5f, kNaN, 1.5f, 0})
        << QStringLiteral("issue_scores.npy: row 2: score 1.5 is outside 0 .. 1 (NaN for none) in column 0");
    QTest::newRow("issue scores without predictions")
        << labels.withArray(QStringLiteral("issue_scores.npy"), 4, 1, {0.5f, kNaN, 1.0f, 0})
        << QStringLiteral("issue_scores.npy: belongs to a model run: add predictions.npy or logits.npy too");

    // history.csv
    QTest::newRow("history without predictions")
        << labels.withFile(kHistory, "epoch,train_loss,val_loss\n1,0.5,0.6\n")
        << QStringLiteral("history.csv: belongs to a model run: add predictions.npy or logits.npy too");
    QTest::newRow("history: empty") << history("")
                                    << QStringLiteral(
                                           "history.csv: is empty; expected epoch,train_loss,val_loss");
    QTest::newRow("history: no val_loss")
        << history("epoch,train_loss,accuracy\n1,0.5,0.6\n")
        << QStringLiteral("history.csv:1: the header must start with epoch and name train_loss and val_loss");
    QTest::newRow("history: epoch not first")
        << history("train_loss,epoch,val_loss\n0.5,1,0.6\n")
        << QStringLiteral("history.csv:1: the header must start with epoch and name train_loss and val_loss");
    QTest::newRow("history: not a number")
        << history("epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.4,abc\n")
        << QStringLiteral("history.csv:3: \"abc\" in column val_loss is not a number");
    QTest::newRow("history: fractional epoch")
        << history("epoch,train_loss,val_loss\n1.5,0.5,0.6\n")
        << QStringLiteral("history.csv:2: epoch must be a whole number");
    QTest::newRow("history: ragged row") << history("epoch,train_loss,val_loss\n1,0.5\n")
                                         << QStringLiteral("history.csv:2: has 2 fields; the header has 3");
    QTest::newRow("history: epoch twice")
        << history("epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.4,0.5\n1,0.3,0.4\n")
        << QStringLiteral("history.csv:4: epoch 1 is already on line 2");
    QTest::newRow("history: metric twice")
        << history("epoch,train_loss,val_loss,val_loss\n1,0.5,0.6,0.7\n")
        << QStringLiteral("history.csv:1: column \"val_loss\" appears twice");
}

void TestLoupeFolderImporter::rejectsBadFolders()
{
    QFETCH(FolderSpec, spec);
    QFETCH(QString, expected);
    WRITE_FOLDER(spec, dataFolder());

    const QString message = importError(dataFolder());
    QVERIFY2(!message.isEmpty(), "the import succeeded");
    QVERIFY2(message.contains(expected), qPrintable(QStringLiteral("the message was:\n") + message));
    // Nothing is written: no project, no temporary file.
    QCOMPARE(entriesOf(outputFolder()), QStringList());
}

void TestLoupeFolderImporter::listsEveryProblemAtOnce()
{
    WRITE_FOLDER(labelsOnlyFolder().withFile(kSamples, "id,image,label\n"
                                                       "s1,img/s1.png,fish\n"
                                                       ",img/s2.png,dog\n"
                                                       "s3,img/none.png,bird\n"),
                 dataFolder());
    const QStringList lines = importError(dataFolder()).split(QLatin1Char('\n'));
    QCOMPARE(lines, (QStringList{QStringLiteral("samples.csv:2: unknown class \"fish\" (not in classes.txt)"),
                                 QStringLiteral("samples.csv:3: empty id"),
                                 QStringLiteral("samples.csv:4: image \"img/none.png\" does not exist")}));
}

// Past ImagePathChecker::kListAfterImages images, a folder's images are looked up in its
// listing: the same problems must still be found, with the same words.
void TestLoupeFolderImporter::checksImagesInAListedFolder()
{
    const int plain = 2 * loupe::ImagePathChecker::kListAfterImages;
    FolderSpec spec = labelsOnlyFolder();
    QByteArray csv = "id,image,label\n";
    for (int i = 0; i < plain; ++i) {
        const QString image = QStringLiteral("img/p%1.png").arg(i);
        spec = spec.withImage(image);
        csv += "p" + QByteArray::number(i) + "," + image.toUtf8() + ",cat\n";
    }
    spec = spec.withSymlink(QStringLiteral("img/alias.png"), QStringLiteral("p0.png"))
               .withSymlink(QStringLiteral("img/out.png"), QStringLiteral("../../outside.png"))
               .withSymlink(QStringLiteral("img/gone.png"), QStringLiteral("nothere.png"))
               .withImage(QStringLiteral("img/sub/x.png"));
    csv += "a,img/alias.png,dog\n"
           "b,img/out.png,dog\n"
           "c,img/none.png,dog\n"
           "d,img/sub,dog\n"
           "e,img/gone.png,dog\n"
           "f,img/sub/x.png,dog\n";
    WRITE_FOLDER(spec.withFile(kSamples, csv), dataFolder());
    const int first = plain + 2; // line of the first row after the plain images
    QCOMPARE(
        importError(dataFolder()).split(QLatin1Char('\n')),
        (QStringList{QStringLiteral("samples.csv:%1: image \"img/out.png\" links outside the dataset folder")
                         .arg(first + 1),
                     QStringLiteral("samples.csv:%1: image \"img/none.png\" does not exist").arg(first + 2),
                     QStringLiteral("samples.csv:%1: image \"img/sub\" is not a file").arg(first + 3),
                     QStringLiteral("samples.csv:%1: image \"img/gone.png\" is a broken link or a link loop")
                         .arg(first + 4)}));

    // Without the bad rows, every image passes, the link inside included.
    const QList<QByteArray> lines = csv.split('\n');
    QByteArray good;
    for (const QByteArray &line : lines) {
        if (!line.startsWith("b,") && !line.startsWith("c,") && !line.startsWith("d,") &&
            !line.startsWith("e,"))
            good += line + "\n";
    }
    const QString goodFolder = m_root->filePath(QStringLiteral("good"));
    WRITE_FOLDER(spec.withFile(kSamples, good.trimmed() + "\n"), goodFolder);
    QCOMPARE(import(goodFolder).samples, plain + 2);
}

void TestLoupeFolderImporter::capsTheListOfProblems()
{
    QByteArray csv = "id,image,label\n";
    for (int i = 0; i < 30; ++i)
        csv += "s" + QByteArray::number(i) + ",img/s1.png,fish\n";
    WRITE_FOLDER(labelsOnlyFolder().withFile(kSamples, csv), dataFolder());
    const QStringList lines = importError(dataFolder()).split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 26);
    QVERIFY(lines.first().startsWith(QStringLiteral("samples.csv:2: unknown class")));
    QVERIFY(lines.at(24).startsWith(QStringLiteral("samples.csv:26: unknown class")));
    QCOMPARE(lines.last(), QStringLiteral("... and 5 more problems"));
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

    const QString other = m_root->filePath(QStringLiteral("other"));
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

    const QString bad = m_root->filePath(QStringLiteral("bad"));
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
    QTest::newRow("complete, writing embeddings") << completeFolder() << QStringLiteral("Writing embeddings");
    QTest::newRow("complete, checking samples.csv")
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
