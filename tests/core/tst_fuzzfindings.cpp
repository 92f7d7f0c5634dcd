// Regression tests for what the fuzzers (fuzz/, docs/robustness.md) found: one data row
// per finding, named after the problem, with the input that showed it.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "common/error.h"
#include "common/progress.h"
#include "import/datasetimport.h"

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

} // namespace

class TestFuzzFindings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loupeFolderImportRefuses_data();
    void loupeFolderImportRefuses();
};

void TestFuzzFindings::loupeFolderImportRefuses_data()
{
    QTest::addColumn<QByteArray>("classes");
    QTest::addColumn<QByteArray>("samples");
    QTest::addColumn<QString>("error");

    // fuzz_loupefolder: the image check passed the path to lstat() as a C string, which ends
    // at the NUL, so "a.png<NUL>x" was accepted as a.png and stored with the NUL in it.
    QTest::newRow("image path with a NUL byte")
        << QByteArray("cat\n") << QByteArray("id,image,label\ns1,a.png\0x,cat\n", 30)
        << QStringLiteral("samples.csv:2: image path \"a.png\\0x\" contains a NUL character");
}

void TestFuzzFindings::loupeFolderImportRefuses()
{
    QFETCH(QByteArray, classes);
    QFETCH(QByteArray, samples);
    QFETCH(QString, error);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("dataset"));
    QVERIFY(QDir().mkpath(folder));
    writeFile(folder + QStringLiteral("/classes.txt"), classes);
    writeFile(folder + QStringLiteral("/samples.csv"), samples);
    writeFile(folder + QStringLiteral("/a.png"), "\x89PNG");
    const QString project = dir.filePath(QStringLiteral("out.loupe"));

    loupe::Progress progress;
    try {
        loupe::importDataset(folder, project, {}, progress);
        QFAIL("the import succeeded");
    } catch (const loupe::Error &e) {
        QCOMPARE(e.message(), error);
    }
    QVERIFY(!QFileInfo::exists(project));
}

QTEST_APPLESS_MAIN(TestFuzzFindings)
#include "tst_fuzzfindings.moc"
