// `loupe-cli report --json` on a fixed demo must not change when the code behind it is
// reorganised: the analysis steps, their storage and their report sections. The golden
// file was written by the code before the analysis steps became plug-ins (issue 11), and
// the plug-in code reproduced it bit for bit (commit 6e1adfd). Changed on purpose since,
// each in its own commit: the diagnosis (underfitting judged from the learning curve),
// label_issues (the blend weight chosen on held-out demos, 0.4 -> 0.5, and the parameters
// recorded in the summary), the new "counts" object, and issue 12: the demo's planted motion
// blur, the images and patterns steps, and every cluster's description; then the patterns
// ranked per member (ClusterRanking::ExcessRate) and every cluster's severity_per_member; then
// descriptions that name one measurement once (the demo's brightness and image_brightness);
// then issue 14: UMAP's SGD in batches of eight edges (the map, its trustworthiness and the
// HDBSCAN clusters on it), the label issues' "source" and the map's "quality_rows".
//
// The figures were the same on another CPU only once Eigen's product blocking was pinned
// (pinNumericalEnvironment): Eigen sized its blocks from the CPU's caches, and the order of
// the sums with them.
//
// The demo (3,000 Fashion-MNIST images, 3 folds, 4 epochs) is deterministic, and so is the
// analysis with one OpenMP thread (UMAP's Hogwild SGD and the PCA sums depend on thread
// timing otherwise), which CTest sets for this test. The sanitizer suite leaves it out
// (CMakePresets.json, test preset "asan"): it compares Release's floats bit for bit, and
// one-thread analysis under ASan takes minutes; tst_cli covers report --json there.

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Result runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(LOUPE_CLI_PATH), arguments);
    process.waitForFinished(300000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), QString::fromUtf8(process.readAllStandardError())};
}

/** The report without the project's path, which differs per run, as indented JSON. */
QByteArray withoutPath(const QByteArray &json)
{
    QJsonObject report = QJsonDocument::fromJson(json).object();
    report.remove(QStringLiteral("project"));
    return QJsonDocument(report).toJson(QJsonDocument::Indented);
}

QStringList differingLines(const QByteArray &expected, const QByteArray &actual)
{
    const QList<QByteArray> a = expected.split('\n'), b = actual.split('\n');
    QStringList lines;
    for (qsizetype i = 0; i < std::max(a.size(), b.size()) && lines.size() < 20; ++i) {
        const QByteArray left = a.value(i), right = b.value(i);
        if (left != right)
            lines << QStringLiteral("line %1: expected %2, got %3")
                         .arg(i + 1)
                         .arg(QString::fromUtf8(left.trimmed()), QString::fromUtf8(right.trimmed()));
    }
    return lines;
}

} // namespace

class TestReportGolden : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoReportIsUnchanged();
};

void TestReportGolden::demoReportIsUnchanged()
{
    QCOMPARE(qgetenv("OMP_NUM_THREADS"), QByteArray("1"));
    QTemporaryDir dir;
    const QString demo = dir.filePath(QStringLiteral("demo"));
    Result r = runCli({QStringLiteral("demo"), demo, QStringLiteral("--limit"), QStringLiteral("3000"),
                       QStringLiteral("--folds"), QStringLiteral("3"), QStringLiteral("--epochs"),
                       QStringLiteral("4"), QStringLiteral("--no-analyze")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString project = QDir(demo).filePath(QStringLiteral("fashion-mnist.loupe"));
    r = runCli({QStringLiteral("analyze"), project});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = runCli({QStringLiteral("report"), project, QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));

    QFile golden(QStringLiteral(LOUPE_TEST_DATA_DIR "/demo3000-report.json"));
    QVERIFY(golden.open(QIODevice::ReadOnly));
    const QByteArray expected = withoutPath(golden.readAll());
    const QByteArray actual = withoutPath(r.out);
    QVERIFY2(actual == expected, qPrintable(differingLines(expected, actual).join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestReportGolden)
#include "tst_reportgolden.moc"
