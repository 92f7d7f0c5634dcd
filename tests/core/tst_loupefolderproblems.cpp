// The Loupe-folder importer's refusals: every kind of bad input gets a message naming the file,
// the line and the problem, and leaves no project or temporary file behind.

#include <QDir>
#include <QTest>

#include "import/imagepathchecker.h"
#include "import/loupefolderimporter.h"
#include "loupefolderspec.h"

using namespace loupe::test;

class TestLoupeFolderProblems : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void rejectsBadFolders_data();
    void rejectsBadFolders();
    void listsEveryProblemAtOnce();
    void checksImagesInAListedFolder();
    void capsTheListOfProblems();

private:
    QString dataFolder() const { return m_sandbox.dataFolder(); }
    QString outputFolder() const { return m_sandbox.outputFolder(); }
    QString importError(const QString &folder) const { return m_sandbox.importError(folder); }
    loupe::ImportSummary import(const QString &folder) const { return m_sandbox.import(folder); }

    ImportSandbox m_sandbox;
};

void TestLoupeFolderProblems::init()
{
    const QString problem = m_sandbox.setUp();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestLoupeFolderProblems::cleanup()
{
    m_sandbox.tearDown();
}

void TestLoupeFolderProblems::rejectsBadFolders_data()
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
    // Files of one length are written beside the check of samples.csv, then refused with it.
    QTest::newRow("every array a row short")
        << complete
               .withArray(kPredictions, 3, 3,
                          std::vector<float>(kProbabilities.begin(), kProbabilities.begin() + 9))
               .withArray(kEmbeddings, 3, 3,
                          std::vector<float>(kEmbeddingValues.begin(), kEmbeddingValues.begin() + 9))
               .withArray(kCoords, 3, 2, std::vector<float>(kCoordValues.begin(), kCoordValues.begin() + 6))
        << QStringLiteral("predictions.npy: has 3 rows but samples.csv has 4 samples");
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

void TestLoupeFolderProblems::rejectsBadFolders()
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

void TestLoupeFolderProblems::listsEveryProblemAtOnce()
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
void TestLoupeFolderProblems::checksImagesInAListedFolder()
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
    const QString goodFolder = m_sandbox.filePath(QStringLiteral("good"));
    WRITE_FOLDER(spec.withFile(kSamples, good.trimmed() + "\n"), goodFolder);
    QCOMPARE(import(goodFolder).samples, plain + 2);
}

void TestLoupeFolderProblems::capsTheListOfProblems()
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

QTEST_APPLESS_MAIN(TestLoupeFolderProblems)
#include "tst_loupefolderproblems.moc"
