// ImagePathChecker (import/imagepathchecker.h): the UTF-8 fast path the importer takes must
// give exactly the answers, and the words, of the QString path on every kind of image path.

#include "import/imagepathchecker.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using loupe::ImagePathChecker;

class TestImagePathChecker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanRelativeMeansCleanPathLeavesItAlone_data();
    void cleanRelativeMeansCleanPathLeavesItAlone();
    void bytesAndStringsGiveTheSameAnswer_data();
    void bytesAndStringsGiveTheSameAnswer();

private:
    void addPathRows();
    QTemporaryDir m_sandbox;
    QString m_dataset;
};

void TestImagePathChecker::initTestCase()
{
    QVERIFY(m_sandbox.isValid());
    m_dataset = m_sandbox.filePath(QStringLiteral("dataset"));
    const QDir root(m_sandbox.path());
    QVERIFY(root.mkpath(QStringLiteral("dataset/img/sub")));
    const auto touch = [](const QString &path) {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write("x") == 1;
    };
    QVERIFY(touch(m_sandbox.filePath(QStringLiteral("outside.png"))));
    // More than kListAfterImages images, so that img/ is answered from its listing too.
    for (int i = 0; i < 2 * ImagePathChecker::kListAfterImages; ++i)
        QVERIFY(touch(m_dataset + QStringLiteral("/img/%1.png").arg(i)));
    QVERIFY(touch(m_dataset + QStringLiteral("/img/caf\u00e9 \u65e5.png")));
    QVERIFY(touch(m_dataset + QStringLiteral("/img/sub/deep.png")));
    QVERIFY(touch(m_dataset + QStringLiteral("/top.png")));
    QVERIFY(QFile::link(QStringLiteral("0.png"), m_dataset + QStringLiteral("/img/alias.png")));
    QVERIFY(QFile::link(QStringLiteral("../../outside.png"), m_dataset + QStringLiteral("/img/out.png")));
    QVERIFY(QFile::link(QStringLiteral("nothere.png"), m_dataset + QStringLiteral("/img/gone.png")));
}

void TestImagePathChecker::addPathRows()
{
    QTest::addColumn<QString>("path");
    const QStringList paths = {
        QStringLiteral("img/0.png"),
        QStringLiteral("img/31.png"),
        QStringLiteral("top.png"),
        QStringLiteral("img/sub/deep.png"),
        QStringLiteral("img/caf\u00e9 \u65e5.png"),
        QStringLiteral("img/missing.png"),
        QStringLiteral("img/sub"),
        QStringLiteral("img/alias.png"),
        QStringLiteral("img/out.png"),
        QStringLiteral("img/gone.png"),
        QStringLiteral("img//0.png"),
        QStringLiteral("./img/0.png"),
        QStringLiteral("img/./0.png"),
        QStringLiteral("img/sub/../1.png"),
        QStringLiteral("img/0.png/"),
        QStringLiteral("../outside.png"),
        QStringLiteral("img/../../outside.png"),
        QStringLiteral(".."),
        QStringLiteral("."),
        QStringLiteral("/etc/passwd"),
        QStringLiteral("\\img\\0.png"),
        QStringLiteral(":/resource.png"),
        QStringLiteral("img/0.png") + QChar(0) + QStringLiteral("x"),
        QString(),
        QStringLiteral(" img/0.png"),
        QStringLiteral("img/...png"),
        QStringLiteral("img/..hidden.png"),
    };
    for (const QString &path : paths)
        QTest::newRow(qPrintable(QString(path).replace(QChar(0), QStringLiteral("\\0")))) << path;
}

void TestImagePathChecker::cleanRelativeMeansCleanPathLeavesItAlone_data()
{
    addPathRows();
}

void TestImagePathChecker::cleanRelativeMeansCleanPathLeavesItAlone()
{
    QFETCH(QString, path);
    const bool clean = ImagePathChecker::isCleanRelative(path.toUtf8());
    if (clean) {
        QCOMPARE(QDir::cleanPath(path), path);
        QVERIFY(QDir::isRelativePath(path));
        QVERIFY(!path.contains(QChar(0)));
    }
    // A path with a part cleaning would change is never taken as clean.
    const bool hasDotPart = path.split(QLatin1Char('/')).contains(QStringLiteral("..")) ||
                            path.split(QLatin1Char('/')).contains(QStringLiteral("."));
    if (hasDotPart || path.contains(QStringLiteral("//")) || path.endsWith(QLatin1Char('/')))
        QVERIFY(!clean);
}

void TestImagePathChecker::bytesAndStringsGiveTheSameAnswer_data()
{
    addPathRows();
}

void TestImagePathChecker::bytesAndStringsGiveTheSameAnswer()
{
    QFETCH(QString, path);
    // Each checker asked in both orders: the first answer about a folder is cached.
    const ImagePathChecker stringsFirst(m_dataset);
    const QString expected = stringsFirst.check(path);
    QCOMPARE(stringsFirst.check(QByteArrayView(path.toUtf8())), expected);
    const ImagePathChecker bytesFirst(m_dataset);
    QCOMPARE(bytesFirst.check(QByteArrayView(path.toUtf8())), expected);
    QCOMPARE(bytesFirst.check(path), expected);
    // Once img/ has been listed, its images are looked up in the listing.
    const ImagePathChecker listed(m_dataset);
    for (int i = 0; i < 2 * ImagePathChecker::kListAfterImages; ++i)
        QCOMPARE(listed.check(QByteArrayView(QStringLiteral("img/%1.png").arg(i).toUtf8())), QString());
    QCOMPARE(listed.check(QByteArrayView(path.toUtf8())), expected);
}

QTEST_GUILESS_MAIN(TestImagePathChecker)
#include "tst_imagepathchecker.moc"
