// The bad-input catalogue (issue 5): one case per kind of bad file a pipeline can hand
// Loupe, each asserting the exact outcome: a loupe::Error naming the file, the row or
// field and the problem, or a documented conversion (docs/import-format.md). Imports
// that fail must leave no project and no temporary file behind, and an existing
// project must keep every byte.
//
// This file holds the imports; tst_badimages the images as the analysis reads them, and
// tst_badprojectfiles the project files; their fixtures are in tests/support/badinputfixtures.h.
// Cases the older per-class tests already pin down are not repeated here; they count
// towards the catalogue and are listed in docs/import-format.md ("Bad input").

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "badinputfixtures.h"
#include "errorof.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "export/exports.h"
#include "formats/csvreader.h"
#include "import/datasetimport.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/projectschema.h"
#include "storage/runarrays.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

using loupe::Project;

using loupe::test::errorOf;

using namespace loupe::test;

Q_DECLARE_METATYPE(FolderSpec)

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // Imports that must fail, naming file, row and problem, and write nothing.
    void refusedImports_data();
    void refusedImports();
    // Imports that succeed with a documented conversion.
    void acceptedImports_data();
    void acceptedImports();
    void npyConversions_data();
    void npyConversions();
    void tenMegabyteFieldIsKept();
    void formulaCellsStayTextThroughExport();
    void classFolderLinkLoopTerminates();

private:
    QString dataFolder() const { return m_root->filePath(QStringLiteral("data")); }
    QString outputFolder() const { return m_root->filePath(QStringLiteral("out")); }
    QString projectPath() const { return QDir(outputFolder()).filePath(QStringLiteral("project.loupe")); }
    /** Imports dataFolder() into projectPath(); the error message, or empty on success. */
    QString importError(bool overwrite = false);
    /** A real project in outputFolder(), from a good folder; returns its path. */
    QString makeProject(const QString &name);

    std::unique_ptr<QTemporaryDir> m_root;
};

void TestBadInput::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    QVERIFY(QDir(m_root->path()).mkpath(QStringLiteral("out")));
    // A file beside the dataset folder, for the paths that try to reach it.
    WRITE_FOLDER(FolderSpec().withFile(QStringLiteral("outside.png"), png(2, 2)), m_root->path());
}

void TestBadInput::cleanup()
{
    m_root.reset();
}

QString TestBadInput::importError(bool overwrite)
{
    loupe::ImportOptions options;
    options.overwrite = overwrite;
    loupe::Progress progress;
    return errorOf([&] { loupe::importDataset(dataFolder(), projectPath(), options, progress); });
}

QString TestBadInput::makeProject(const QString &name)
{
    return makeGoodProject(m_root->filePath(QStringLiteral("good")), QDir(outputFolder()).filePath(name));
}

// ---- refused imports ----------------------------------------------------------------------

void TestBadInput::refusedImports_data()
{
    QTest::addColumn<FolderSpec>("folder");
    QTest::addColumn<QString>("expected");

    const FolderSpec labels = labelsOnly();
    const FolderSpec model = withPredictions();
    const auto csv = [&labels](const char *text) {
        return labels.withFile(kSamples, text);
    };
    const auto predictions = [&model](const QByteArray &bytes) {
        return model.withFile(kPredictions, bytes);
    };

    // samples.csv
    QTest::newRow("csv: missing required column")
        << csv("id,image,split\ns1,img/s1.png,train\n")
        << QStringLiteral("samples.csv:1: missing required column \"label\"");
    QTest::newRow("csv: unknown class name")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,Dog\n")
        << QStringLiteral("samples.csv:3: unknown class \"Dog\" (not in classes.txt)");
    QTest::newRow("csv: duplicate id")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,dog\ns2,img/s3.png,bird\n")
        << QStringLiteral("samples.csv:4: id \"s2\" is already on line 3");
    QTest::newRow("csv: ragged row")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png\ns3,img/s3.png,bird\n")
        << QStringLiteral("samples.csv:3: has 2 fields; the header has 3");
    QTest::newRow("csv: quote inside an unquoted field")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/s\"2\".png,dog\n")
        << QStringLiteral("samples.csv:3: field 2: unexpected '\"' in an unquoted field (a field containing "
                          "quotes must be quoted, with each quote inside it doubled)");
    QTest::newRow("csv: text after a closing quote")
        << csv("id,image,label\n\"s1\"x,img/s1.png,cat\n")
        << QStringLiteral("samples.csv:2: field 1: unexpected text after the closing quote (a quote inside a "
                          "quoted field must be doubled)");
    QTest::newRow("csv: unterminated quote")
        << csv("id,image,label\ns1,img/s1.png,cat\n\"s2,img/s2.png,dog\ns3,img/s3.png,bird\n")
        << QStringLiteral("samples.csv:3: unterminated quoted field");
    QTest::newRow("csv: empty file")
        << csv("") << QStringLiteral("samples.csv: is empty; expected a header line with id,image,label");
    QTest::newRow("csv: only a byte order mark")
        << csv("\xEF\xBB\xBF")
        << QStringLiteral("samples.csv: is empty; expected a header line with id,image,label");
    QTest::newRow("csv: header only")
        << csv("id,image,label\r\n") << QStringLiteral("samples.csv: has a header but no samples");
    QTest::newRow("csv: Latin-1 bytes")
        << labels.withFile(kClasses, "cat\ndog\nbird\n")
               .withFile(kSamples, "id,image,label,note\ns1,img/s1.png,cat,caf\xE9\n")
        << QStringLiteral("samples.csv:2: invalid UTF-8 text in field 4 (save the file as UTF-8)");
    QTest::newRow("csv: invalid UTF-8 in a quoted field")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,\"img/\xC3\x28.png\",dog\n")
        << QStringLiteral("samples.csv:3: invalid UTF-8 text in field 2 (save the file as UTF-8)");
    QTest::newRow("classes.txt: Latin-1 bytes")
        << labels.withFile(kClasses, "cat\ndog\nbird\ncaf\xE9\n")
        << QStringLiteral("classes.txt:4: invalid UTF-8 text (save the file as UTF-8)");

    // .npy files
    QTest::newRow("npy: wrong magic")
        << predictions(predictionsF4().replace(0, 6, "NUMPY!"))
        << QStringLiteral("predictions.npy: not a NumPy .npy file (bad magic number)");
    QTest::newRow("npy: zero bytes") << predictions(QByteArray())
                                     << QStringLiteral(
                                            "predictions.npy: not a NumPy .npy file: the file is empty");
    QTest::newRow("npy: version 4.0")
        << predictions(predictionsF4().replace(6, 1, "\x04"))
        << QStringLiteral(
               "predictions.npy: unsupported .npy format version 4.0 (supported: 1.0, 2.0 and 3.0)");
    QTest::newRow("npy: 3-D")
        << predictions(npy(1, dict("<f4", "(4, 3, 1)"), encode<float>(kProbabilities)))
        << QStringLiteral(
               "predictions.npy: only 1-D and 2-D arrays are supported, this one has shape (4, 3, 1)");
    QTest::newRow("npy: transposed shape")
        << predictions(npy(1, dict("<f4", "(3, 4)"), encode<float>(kProbabilities)))
        << QStringLiteral("predictions.npy: has 3 rows but samples.csv has 4 samples\n"
                          "predictions.npy: has 4 columns but classes.txt lists 3 classes");
    QTest::newRow("npy: truncated data")
        << predictions(predictionsF4().chopped(8))
        << QStringLiteral("predictions.npy: data is truncated: expected 48 bytes, found 40");
    QTest::newRow("npy: truncated header")
        << predictions(predictionsF4().left(30))
        << QStringLiteral(
               "predictions.npy: the header is truncated: it declares 118 bytes, the file has 20 after "
               "the preamble");
    QTest::newRow("npy: complex dtype")
        << predictions(npy(1, dict("<c8", "(4, 3)"), QByteArray(96, '\0')))
        << QStringLiteral(
               "predictions.npy: unsupported dtype '<c8' (complex numbers); only float16/32/64 and "
               "(u)int8/16/32/64 are supported");
    QTest::newRow("npy: NaN in float64")
        << predictions(
               npy(1, dict("<f8", "(4, 3)"),
                   encode<double>({0.5, 0.25, 0.25, 0.25, kNaN, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125, 0.125})))
        << QStringLiteral("predictions.npy: row 1: NaN in column 1");
    QTest::newRow("npy: infinity in float16 embeddings")
        << model.withFile(kEmbeddings,
                          npy(1, dict("<f2", "(4, 2)"), encode<qfloat16>({0, 1, 2, 3, 4, 1e6, 6, 7})))
        << QStringLiteral("embeddings.npy: row 2: infinity in column 1");
    QTest::newRow("npy: float64 beyond float32 range")
        << model.withFile(kEmbeddings, npy(1, dict("<f8", "(4, 1)"), encode<double>({0, 1e300, 0, 0})))
        << QStringLiteral("embeddings.npy: row 1: infinity in column 0");
    QTest::newRow("npy: row sums to 1.0011 (outside 0.001)")
        << predictions(
               npy(1, dict("<f8", "(4, 3)"),
                   encode<double>({0.5, 0.25, 0.2511, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125, 0.125})))
        << QStringLiteral(
               "predictions.npy: row 0: probabilities sum to 1.0011, not 1 (tolerance 0.001); save "
               "unnormalised scores as logits.npy instead");
    QTest::newRow("npy: sigmoid outputs")
        << predictions(
               npy(1, dict("<f4", "(4, 3)"),
                   encode<float>({0.9, 0.8, 0.1, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125, 0.125})))
        << QStringLiteral("predictions.npy: row 0: probabilities sum to 1.8, not 1 (tolerance 0.001); save "
                          "unnormalised scores as logits.npy instead");
    QTest::newRow("npy: more rows than samples")
        << predictions(npy(1, dict("<f4", "(5, 3)"),
                           encode<float>({0.5, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5, 0.75, 0.125,
                                          0.125, 1, 0, 0})))
        << QStringLiteral("predictions.npy: has 5 rows but samples.csv has 4 samples");
    QTest::newRow("npy: fewer rows than samples (one sample dropped from samples.csv)")
        << model.withFile(kSamples,
                          "id,image,label\ns1,img/s1.png,cat\ns2,img/s2.png,dog\ns3,img/s3.png,bird\n")
        << QStringLiteral("predictions.npy: has 4 rows but samples.csv has 3 samples");

    // Image files, as far as the importer looks (it does not decode them).
    QTest::newRow("image: missing") << labels.without(QStringLiteral("img/s3.png"))
                                    << QStringLiteral("samples.csv:4: image \"img/s3.png\" does not exist");

    // Paths
    QTest::newRow("path: absolute")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,/etc/hostname,dog\n")
        << QStringLiteral(
               "samples.csv:3: image path \"/etc/hostname\" is absolute; paths must be relative to the "
               "dataset folder");
    QTest::newRow("path: absolute, to a file inside the folder")
        << labels.withFile(kSamples, "id,image,label\ns1,DATA/img/s1.png,cat\n")
        << QStringLiteral(
               "samples.csv:2: image path \"DATA/img/s1.png\" is absolute; paths must be relative to "
               "the dataset folder");
    QTest::newRow("path: .. escapes")
        << csv("id,image,label\ns1,../outside.png,cat\n")
        << QStringLiteral("samples.csv:2: image path \"../outside.png\" escapes the dataset folder");
    QTest::newRow("path: .. escapes and comes back")
        << csv("id,image,label\ns1,img/../../data/img/s1.png,cat\n")
        << QStringLiteral(
               "samples.csv:2: image path \"img/../../data/img/s1.png\" escapes the dataset folder");
    QTest::newRow("path: symlink loop")
        << csv("id,image,label\ns1,img/s1.png,cat\ns2,img/loop.png,dog\n")
               .withSymlink(QStringLiteral("img/loop.png"), QStringLiteral("loop.png"))
        << QStringLiteral("samples.csv:3: image \"img/loop.png\" is a broken link or a link loop");
    QTest::newRow("path: folder link loop")
        << csv("id,image,label\ns1,img/self/self/self/s1.png,cat\n")
               .withSymlink(QStringLiteral("img/self"), QStringLiteral("../img/self"))
        << QStringLiteral(
               "samples.csv:2: image \"img/self/self/self/s1.png\" is a broken link or a link loop");
    QTest::newRow("path: backslashes")
        << csv("id,image,label\ns1,img\\s1.png,cat\n")
        << QStringLiteral("samples.csv:2: image \"img\\s1.png\" does not exist");
}

void TestBadInput::refusedImports()
{
    QFETCH(FolderSpec, folder);
    QFETCH(QString, expected);
    WRITE_FOLDER(folder, dataFolder());
    // "DATA/" stands for the dataset folder's absolute path, which the table cannot know.
    const QString data = dataFolder() + QLatin1Char('/');
    if (expected.contains(QStringLiteral("\"DATA/"))) {
        expected.replace(QStringLiteral("\"DATA/"), QLatin1Char('"') + data);
        QFile file(QDir(dataFolder()).filePath(kSamples));
        QVERIFY(file.open(QIODevice::ReadWrite));
        const QByteArray text = file.readAll().replace("DATA/", QFile::encodeName(data));
        QVERIFY(file.resize(0) && file.write(text) == text.size());
    }
    const QByteArray datasetBefore = treeHash(dataFolder());

    // Into a new project: the exact message, and nothing written.
    QString message = importError();
    QVERIFY2(message == expected, qPrintable(QStringLiteral("the message was:\n") + message));
    QCOMPARE(entriesBelow(outputFolder()), QStringList());

    // Over an existing project (--force): it keeps every byte, and no temporary file is left.
    const QString existing = makeProject(QStringLiteral("project.loupe"));
    QVERIFY(QFileInfo::exists(existing));
    const QByteArray projectBefore = fileHash(existing);
    message = importError(true);
    QVERIFY2(message == expected, qPrintable(QStringLiteral("the message was:\n") + message));
    QCOMPARE(fileHash(existing), projectBefore);
    QCOMPARE(entriesBelow(outputFolder()), QStringList{QStringLiteral("project.loupe")});
    QCOMPARE(treeHash(dataFolder()), datasetBefore);
}

// ---- accepted imports -------------------------------------------------------------------

void TestBadInput::acceptedImports_data()
{
    QTest::addColumn<FolderSpec>("folder");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("rows");

    const FolderSpec labels = labelsOnly();
    const QString samplesSql = QStringLiteral("SELECT id, image, label FROM samples ORDER BY sample_index");
    const QString predictionsSql = QStringLiteral(
        "SELECT sample_index, predicted, printf('%.5f', confidence) FROM predictions ORDER BY sample_index");

    QTest::newRow("csv: byte order mark")
        << labels.withFile(kSamples, "\xEF\xBB\xBFid,image,label\ns1,img/s1.png,cat\n") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0")};
    QTest::newRow("csv: CRLF, with a CRLF kept inside a quoted cell")
        << labels.withFile(kSamples, "id,image,label,note\r\ns1,img/s1.png,cat,\"two\r\nlines\"\r\n"
                                     "s2,img/s2.png,dog,x\r\n")
        << QStringLiteral("SELECT s.id, s.label, m.note FROM samples s JOIN sample_metadata m USING "
                          "(sample_index) ORDER BY s.sample_index")
        << QStringList{QStringLiteral("s1|0|two\r\nlines"), QStringLiteral("s2|1|x")};
    QTest::newRow("csv: lone CR line ends (classic Mac)")
        << labels.withFile(kSamples, "id,image,label\rs1,img/s1.png,cat\rs2,img/s2.png,dog\r") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0"), QStringLiteral("s2|img/s2.png|1")};
    QTest::newRow("classes.txt: BOM, CRLF and padding")
        << labels.withFile(kClasses, "\xEF\xBB\xBF"
                                     "cat\r\n dog \r\nbird\r\n")
        << QStringLiteral("SELECT class_index, name FROM classes ORDER BY class_index")
        << QStringList{QStringLiteral("0|cat"), QStringLiteral("1|dog"), QStringLiteral("2|bird")};
    QTest::newRow("path: spaces and non-ASCII names, kept verbatim")
        << labels
               .withFile(kSamples, "id,image,label\n"
                                   "été 1,img/été photo 1.png,cat\n"
                                   "猫,img/猫 子/ねこ.png,dog\n")
               .withFile(QStringLiteral("img/été photo 1.png"), png(2, 2))
               .withFile(QStringLiteral("img/猫 子/ねこ.png"), png(2, 2))
        << samplesSql
        << QStringList{QStringLiteral("été 1|img/été photo 1.png|0"),
                       QStringLiteral("猫|img/猫 子/ねこ.png|1")};
    QTest::newRow("path: ./ and doubled slashes are cleaned")
        << labels.withFile(kSamples, "id,image,label\ns1,./img//s1.png,cat\n") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0")};
    QTest::newRow("path: .. that stays inside")
        << labels.withFile(kSamples, "id,image,label\ns1,img/../img/s1.png,cat\n") << samplesSql
        << QStringList{QStringLiteral("s1|img/s1.png|0")};
    // The importer checks that image files exist, not that they decode: a broken image is
    // the analysis's "malformed image" finding (see images()), not a reason to refuse labels.
    QTest::newRow("image: 0 bytes, truncated, unsupported format")
        << labels.withFile(QStringLiteral("img/s1.png"), QByteArray())
               .withFile(QStringLiteral("img/s2.png"), png(2, 2).left(40))
               .withFile(QStringLiteral("img/s3.png"), gif())
        << QStringLiteral("SELECT count(*) FROM samples") << QStringList{QStringLiteral("4")};
    QTest::newRow("npy: row sums to 1.0009 (inside 0.001), renormalised")
        << labels.withFile(kPredictions, npy(1, dict("<f8", "(4, 3)"),
                                             encode<double>({0.5, 0.25, 0.2509, 0.25, 0.5, 0.25, 0.25, 0.25,
                                                             0.5, 0.75, 0.125, 0.125})))
        << predictionsSql
        << QStringList{QStringLiteral("0|0|%1").arg(0.5 / 1.0009, 0, 'f', 5), QStringLiteral("1|1|0.50000"),
                       QStringLiteral("2|2|0.50000"), QStringLiteral("3|0|0.75000")};
}

void TestBadInput::acceptedImports()
{
    QFETCH(FolderSpec, folder);
    QFETCH(QString, sql);
    QFETCH(QStringList, rows);
    WRITE_FOLDER(folder, dataFolder());
    const QByteArray datasetBefore = treeHash(dataFolder());

    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    QCOMPARE(entriesBelow(outputFolder()), QStringList{QStringLiteral("project.loupe")});
    QCOMPARE(treeHash(dataFolder()), datasetBefore);
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    QCOMPARE(textRows(project->database(), sql), rows);
}

void TestBadInput::npyConversions_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("array"); // a RunArray
    QTest::addColumn<std::vector<double>>("expected");

    const std::vector<double> &p = kProbabilities;
    const std::vector<double> embedding = {-3, 0, 1, 2, 7, -32768, 32767, 5};
    QTest::newRow("format 2.0") << kPredictions << npy(2, dict("<f4", "(4, 3)"), encode<float>(p))
                                << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("format 3.0") << kPredictions << npy(3, dict("<f4", "(4, 3)"), encode<float>(p))
                                << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("big-endian float32")
        << kPredictions << npy(1, dict(">f4", "(4, 3)"), encode<float>(p, true))
        << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("big-endian float64")
        << kPredictions << npy(1, dict(">f8", "(4, 3)"), encode<double>(p, true))
        << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("float16") << kPredictions << npy(1, dict("<f2", "(4, 3)"), encode<qfloat16>(p))
                             << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("float64") << kPredictions << npy(1, dict("<f8", "(4, 3)"), encode<double>(p))
                             << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("Fortran order") << kPredictions
                                   << npy(1, dict("<f4", "(4, 3)", true), encode<float>(transposed(p, 4, 3)))
                                   << int(loupe::RunArray::Probabilities) << p;
    QTest::newRow("Fortran order, big-endian float64")
        << kPredictions << npy(1, dict(">f8", "(4, 3)", true), encode<double>(transposed(p, 4, 3), true))
        << int(loupe::RunArray::Probabilities) << p;
    const std::vector<double> oneHot = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
    QTest::newRow("uint8 one-hot predictions")
        << kPredictions << npy(1, dict("|u1", "(4, 3)"), encode<quint8>(oneHot))
        << int(loupe::RunArray::Probabilities) << oneHot;
    QTest::newRow("int16 embeddings")
        << kEmbeddings << npy(1, dict("<i2", "(4, 2)"), encode<qint16>(embedding))
        << int(loupe::RunArray::Embeddings) << embedding;
    QTest::newRow("big-endian int64 embeddings")
        << kEmbeddings << npy(1, dict(">i8", "(4, 2)"), encode<qint64>(embedding, true))
        << int(loupe::RunArray::Embeddings) << embedding;
    QTest::newRow("1-D embeddings are one column")
        << kEmbeddings << npy(1, dict("<f4", "(4,)"), encode<float>({1, 2, 3, 4}))
        << int(loupe::RunArray::Embeddings) << std::vector<double>{1, 2, 3, 4};
}

void TestBadInput::npyConversions()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, bytes);
    QFETCH(int, array);
    QFETCH(std::vector<double>, expected);
    WRITE_FOLDER(withPredictions().withFile(file, bytes), dataFolder());

    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    const std::vector<float> values =
        loupe::RunArrays(project->database(), project->latestRunId()).read(loupe::RunArray(array));
    QCOMPARE(values.size(), expected.size());
    for (size_t i = 0; i < values.size(); ++i)
        QVERIFY2(
            std::abs(values[i] - expected[i]) < 1e-6,
            qPrintable(QStringLiteral("value %1 is %2, expected %3").arg(i).arg(values[i]).arg(expected[i])));
}

void TestBadInput::tenMegabyteFieldIsKept()
{
    // A 10 MiB cell (a serialized mask, say) is far below the reader's 256 MiB cap, which
    // exists to stop a missing closing quote from swallowing the file: it is stored whole.
    QByteArray big(10 << 20, 'x');
    for (qsizetype i = 0; i < big.size(); i += 4096)
        big[i] = ",\n\""[(i / 4096) % 3]; // separators, line breaks and quotes inside the cell
    const QByteArray escaped = QByteArray(big).replace("\"", "\"\"");
    const QByteArray csv =
        "id,image,label,mask\ns1,img/s1.png,cat,\"" + escaped + "\"\ns2,img/s2.png,dog,small\n";
    WRITE_FOLDER(labelsOnly().withFile(kSamples, csv), dataFolder());

    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT length(CAST(mask AS BLOB)), typeof(mask) FROM sample_metadata "
                                     "ORDER BY sample_index")),
             (QStringList{QStringLiteral("%1|text").arg(big.size()), QStringLiteral("5|text")}));
    auto statement = project->database().prepare(
        QStringLiteral("SELECT mask FROM sample_metadata WHERE sample_index = 0"));
    QVERIFY(statement.step());
    QVERIFY(statement.columnText(0).toUtf8() == big);
}

void TestBadInput::formulaCellsStayTextThroughExport()
{
    // Spreadsheet formula injection: cells are never evaluated on import, and exports write
    // them back verbatim (RFC 4180 quoting only), so that ids join back to the user's data.
    // No "'" prefix (OWASP's advice for spreadsheet exports): it would change the ids.
    const QStringList formulas = {QStringLiteral("=cmd|' /C calc'!A0"), QStringLiteral("+1+1"),
                                  QStringLiteral("-2+3"), QStringLiteral("@SUM(A1:A9)")};
    WRITE_FOLDER(withPredictions().withFile(
                     kSamples, "id,image,label,note\n"
                               "=cmd|' /C calc'!A0,img/s1.png,cat,\"=HYPERLINK(\"\"http://x\"\")\"\n"
                               "+1+1,img/s2.png,dog,=1+1\n"
                               "-2+3,img/s3.png,bird,\t=1\n"
                               "@SUM(A1:A9),img/s4.png,cat,-1\n"),
                 dataFolder());
    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));

    auto project = Project::open(projectPath());
    QCOMPARE(
        textRows(project->database(), QStringLiteral("SELECT s.id, m.note, typeof(m.note) FROM samples s "
                                                     "JOIN sample_metadata m USING (sample_index) ORDER BY "
                                                     "s.sample_index")),
        (QStringList{formulas[0] + QStringLiteral("|=HYPERLINK(\"http://x\")|text"),
                     formulas[1] + QStringLiteral("|=1+1|text"), formulas[2] + QStringLiteral("|\t=1|text"),
                     formulas[3] + QStringLiteral("|-1|text")}));

    const loupe::SampleTable table = loupe::loadSampleTable(*project);
    const QString labelsCsv = QDir(outputFolder()).filePath(QStringLiteral("labels.csv"));
    const QString suspectsCsv = QDir(outputFolder()).filePath(QStringLiteral("suspects.csv"));
    loupe::exportLabels(table, labelsCsv);
    loupe::exportSuspects(table, loupe::lossBasedSuspects(table), suspectsCsv);

    QFile labels(labelsCsv);
    QVERIFY(labels.open(QIODevice::ReadOnly));
    QCOMPARE(labels.readAll(), QByteArray("id,image,label,original_label,edited,review\n"
                                          "=cmd|' /C calc'!A0,img/s1.png,cat,cat,0,\n"
                                          "+1+1,img/s2.png,dog,dog,0,\n"
                                          "-2+3,img/s3.png,bird,bird,0,\n"
                                          "@SUM(A1:A9),img/s4.png,cat,cat,0,\n"));
    QStringList exportedIds;
    loupe::CsvReader reader(suspectsCsv);
    std::vector<QString> fields;
    QVERIFY(reader.readRecord(fields)); // header
    while (reader.readRecord(fields))
        exportedIds << fields[0];
    exportedIds.sort();
    QStringList sorted = formulas;
    sorted.sort();
    QCOMPARE(exportedIds, sorted);
}

void TestBadInput::classFolderLinkLoopTerminates()
{
    // Class-folder trees are walked without following links into folders, so a link back
    // up the tree, or a link to itself, cannot make the scan run forever.
    WRITE_FOLDER(FolderSpec()
                     .withFile(QStringLiteral("cat/a.png"), png(2, 2))
                     .withFile(QStringLiteral("dog/b.png"), png(2, 2))
                     .withSymlink(QStringLiteral("cat/up"), QStringLiteral(".."))
                     .withSymlink(QStringLiteral("dog/self"), QStringLiteral("self")),
                 dataFolder());
    const QString message = importError();
    QVERIFY2(message.isEmpty(), qPrintable(message));
    auto project = Project::open(projectPath(), Project::Access::ReadOnly);
    QCOMPARE(textRows(project->database(),
                      QStringLiteral("SELECT s.image, c.name FROM samples s JOIN classes c ON "
                                     "c.class_index = s.label ORDER BY s.sample_index")),
             (QStringList{QStringLiteral("cat/a.png|cat"), QStringLiteral("dog/b.png|dog")}));
}

// ---- images -------------------------------------------------------------------------------

QTEST_APPLESS_MAIN(TestBadInput)

#include "tst_badinput.moc"
