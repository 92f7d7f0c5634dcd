// The shareable HTML report: every section from the stored analysis, project text escaped
// (a class named <script>...), thumbnails embedded or replaced by a placeholder, the run
// comparison with two runs, and an atomic write that leaves no partial file behind.

#include "common/error.h"
#include "common/progress.h"
#include "fixturedataset.h"
#include "formats/npyfile.h"
#include "formats/thumbnailencoder.h"
#include "import/runimporter.h"
#include "report/htmlreport.h"
#include "storage/analysisstore.h"
#include "storage/project.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

const QString kHostileClass = QStringLiteral("<script>alert(1)</script>");
const QString kHostileId = QStringLiteral("<i>e");
const QString kHostileSlice = QStringLiteral("\"><img src=x onerror=alert(2)>");

/** The small fixture with a class and an id that are markup. */
std::vector<test::FixtureSample> hostileFixture()
{
    std::vector<test::FixtureSample> samples = test::smallFixture();
    samples[4].id = kHostileId; // e: shown in cluster 1
    for (test::FixtureSample &sample : samples) {
        if (sample.label == QLatin1String("fox"))
            sample.label = kHostileClass;
    }
    return samples;
}

QStringList hostileClasses()
{
    return {QStringLiteral("cat"), QStringLiteral("dog"), kHostileClass};
}

/** What `analyze` would have stored for the first run, in miniature. */
void storeAnalysis(Project &project, int run)
{
    AnalysisStore store(project.database());
    store.writeSampleColumn(run, QStringLiteral("cluster"), std::vector<int>{0, 0, 0, 1, 1, 1});
    store.writeSampleColumn(run, QStringLiteral("is_issue"), std::vector<int>{0, 1, 0, 1, 0, -1}, 0);
    store.writeSampleColumn(run, QStringLiteral("issue_score"),
                            std::vector<float>{0.1f, 0.9f, 0.05f, 0.7f, 0.2f, NAN});
    store.writeSampleColumn(run, QStringLiteral("suggested_label"), std::vector<int>{0, 1, 1, 2, 2, -1}, 0);
    ClusterRecord cluster;
    cluster.cluster = 1;
    cluster.size = 3;
    cluster.labelled = 2;
    cluster.errors = 1;
    cluster.errorRate = 0.5;
    cluster.expectedErrors = 0.25;
    cluster.dominantLabel = 2;
    cluster.dominantPredicted = 2;
    store.writeClusters(run, QStringLiteral("kmeans"), {cluster});
    SliceRecord slice;
    slice.column = QStringLiteral("note");
    slice.value = kHostileSlice;
    slice.condition = QStringLiteral("split = 'test'");
    slice.count = 3;
    slice.errors = 1;
    store.writeSlices(run, {slice});
    store.recordStep(run, QStringLiteral("diagnosis"), {},
                     {{QStringLiteral("sentence"), QStringLiteral("Healthy <b>fit</b>.")}}, 0.0);
}

void writeImage(const QString &path, const cv::Mat &image)
{
    QVERIFY(cv::imwrite(QFile::encodeName(path).toStdString(), image));
}

QString render(const QString &projectPath)
{
    auto project = Project::open(projectPath, Project::Access::ReadOnly);
    Progress progress;
    return HtmlReport(*project).render(progress);
}

/** A second run for the small fixture: b and d become right, a becomes wrong. */
void importRetrained(const QString &projectPath, const QString &folder, const QStringList &ids)
{
    const std::vector<float> probabilities = {0.2f, 0.7f, 0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.1f,
                                              0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.3f, 0.3f, 0.4f};
    QDir().mkpath(folder);
    QFile csv(QDir(folder).filePath(QStringLiteral("samples.csv")));
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("id\n" + ids.join(QLatin1Char('\n')).toUtf8() + '\n');
    csv.close();
    writeNpy(QDir(folder).filePath(QStringLiteral("predictions.npy")), probabilities.data(), 6, 3);
    auto project = Project::open(projectPath);
    Progress progress;
    importRun(*project, folder, QStringLiteral("retrained"), progress);
}

} // namespace

class TestHtmlReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void reportHasEverySection();
    void projectTextIsEscaped();
    void pageIsSelfContained();
    void thumbnailsAreEmbeddedOrPlaceholders();
    void thumbnailEncoderShrinksLargeAndKeepsSmallImages();
    void thumbnailEncoderRefusesBadFiles_data();
    void thumbnailEncoderRefusesBadFiles();
    void comparisonAppearsWithTwoRuns();
    void projectWithoutPredictions();
    void writeIsAtomic();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    int m_run = -1;
};

void TestHtmlReport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = test::importFixture(m_dir->filePath(QStringLiteral("data")), hostileClasses(), hostileFixture());
    auto project = Project::open(m_path);
    m_run = project->latestRunId();
    storeAnalysis(*project, m_run);
}

void TestHtmlReport::reportHasEverySection()
{
    const QString html = render(m_path);
    for (const char *anchor : {"diagnosis", "metrics", "confusion", "clusters", "slices", "label-issues"})
        QVERIFY2(html.contains(QStringLiteral("<section id=\"%1\">").arg(QLatin1String(anchor))), anchor);
    QVERIFY(!html.contains(QStringLiteral("id=\"comparison\""))); // one run: nothing to compare
    // 3 of 5 labelled samples right; b (cat) was predicted dog.
    QVERIFY(html.contains(QStringLiteral("<div class=\"v\">60.0%</div>")));
    QVERIFY(html.contains(QStringLiteral("title=\"cat → dog: 1 (50.0% of the row)\"")));
    QVERIFY(html.contains(QStringLiteral("2 samples (40.0% of the labelled ones) are flagged")));
    QVERIFY(html.contains(QStringLiteral("<h3>Cluster 1 · ")));
    QVERIFY(html.contains(QStringLiteral("error rate 50.0% vs 12.5% expected")));
}

void TestHtmlReport::projectTextIsEscaped()
{
    const QString html = render(m_path);
    QVERIFY(!html.contains(kHostileClass));
    QVERIFY(!html.contains(kHostileId));
    QVERIFY(!html.contains(QStringLiteral("<img src=x")));
    QVERIFY(!html.contains(QStringLiteral("<b>fit")));
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;")));
    QVERIFY(html.contains(QStringLiteral("&lt;i&gt;e")));
    QVERIFY(html.contains(QStringLiteral("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")));
    QVERIFY(html.contains(QStringLiteral("Healthy &lt;b&gt;fit&lt;/b&gt;.")));
}

void TestHtmlReport::pageIsSelfContained()
{
    const QString html = render(m_path);
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY(html.contains(QStringLiteral("<meta charset=\"utf-8\">")));
    QVERIFY(!html.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("<link"), Qt::CaseInsensitive));
    // Every src is inline data; no URL points outside the file.
    static const QRegularExpression source(QStringLiteral("src=\"(?!data:)"));
    QVERIFY(!html.contains(source));
    QVERIFY(!html.contains(QStringLiteral("http://")) && !html.contains(QStringLiteral("https://")));
}

void TestHtmlReport::thumbnailsAreEmbeddedOrPlaceholders()
{
    // The fixture's image files are placeholders that do not decode. Give b a real colour
    // image larger than a thumbnail and d a small grey one; remove e's file.
    const QDir images(m_dir->filePath(QStringLiteral("data/data/images")));
    cv::Mat colour(90, 120, CV_8UC3, cv::Scalar(20, 120, 220));
    writeImage(images.filePath(QStringLiteral("b.png")), colour);
    writeImage(images.filePath(QStringLiteral("d.png")), cv::Mat(28, 28, CV_8UC1, cv::Scalar(128)));
    QVERIFY(QFile::remove(images.filePath(kHostileId + QStringLiteral(".png")))); // e
    const QString html = render(m_path);
    // b and d are label issues; cluster 1 shows d, e and f.
    QCOMPARE(html.count(QStringLiteral("src=\"data:image/jpeg;base64,")), 1); // b, shrunk
    QCOMPARE(html.count(QStringLiteral("src=\"data:image/png;base64,")), 2);  // d, twice
    QCOMPARE(html.count(QStringLiteral("<div class=\"missing\">no image</div>")),
             2); // e missing, f undecodable
}

void TestHtmlReport::thumbnailEncoderShrinksLargeAndKeepsSmallImages()
{
    const QString large = m_dir->filePath(QStringLiteral("large.jpg"));
    const QString small = m_dir->filePath(QStringLiteral("small.png"));
    writeImage(large, cv::Mat(300, 400, CV_8UC3, cv::Scalar(0, 200, 0)));
    writeImage(small, cv::Mat(28, 20, CV_8UC1, cv::Scalar(7)));
    const ThumbnailEncoder encoder(64);
    const auto decode = [](const QString &uri) {
        const QByteArray bytes = QByteArray::fromBase64(uri.section(QLatin1Char(','), 1).toLatin1());
        return cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData())),
                            cv::IMREAD_UNCHANGED);
    };
    const QString largeUri = encoder.dataUri(large);
    QVERIFY(largeUri.startsWith(QStringLiteral("data:image/jpeg;base64,")));
    const cv::Mat largeThumb = decode(largeUri);
    QCOMPARE(largeThumb.cols, 64); // long side fits the box, aspect kept
    QCOMPARE(largeThumb.rows, 48);
    const QString smallUri = encoder.dataUri(small);
    QVERIFY(smallUri.startsWith(QStringLiteral("data:image/png;base64,")));
    const cv::Mat smallThumb = decode(smallUri);
    QCOMPARE(smallThumb.cols, 20); // kept at its size: the page scales it up
    QCOMPARE(smallThumb.rows, 28);
    QCOMPARE(smallThumb.channels(), 1); // grey stays grey
}

void TestHtmlReport::thumbnailEncoderRefusesBadFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("text") << QByteArray("not an image");
    QTest::newRow("truncated png") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    // A header claiming 100000 x 100000 pixels must be refused before OpenCV allocates it.
    QByteArray huge("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0", 29);
    QTest::newRow("huge header") << huge;
}

void TestHtmlReport::thumbnailEncoderRefusesBadFiles()
{
    QFETCH(QByteArray, bytes);
    const QString path = m_dir->filePath(QStringLiteral("bad.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();
    QCOMPARE(ThumbnailEncoder(64).dataUri(path), QString());
    QCOMPARE(ThumbnailEncoder(64).dataUri(m_dir->filePath(QStringLiteral("missing.png"))), QString());
}

void TestHtmlReport::comparisonAppearsWithTwoRuns()
{
    const QStringList ids = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                             QStringLiteral("d"), kHostileId,          QStringLiteral("f")};
    importRetrained(m_path, m_dir->filePath(QStringLiteral("run")), ids);
    const QString html = render(m_path);
    QVERIFY(html.contains(QStringLiteral("<section id=\"comparison\">")));
    QVERIFY(html.contains(QStringLiteral("<a href=\"#comparison\">")));
    QVERIFY(html.contains(QStringLiteral("Fixed: wrong before, right after (2)")));
    QVERIFY(html.contains(QStringLiteral("Regressed: right before, wrong after (1)")));
    // Accuracy 60 % -> 80 % (b and d fixed, a broken).
    QVERIFY(html.contains(QStringLiteral("<td class=\"r\">60.00%</td><td class=\"r\">80.00%</td>"
                                         "<td class=\"r\"><span class=\"good\">+20.0 pp</span></td>")));
    // The comparison's groups are the before run's clusters: cluster 1 went from 1 of 2 wrong to none.
    QVERIFY(html.contains(QStringLiteral("<td>cluster 1</td>")));
    QVERIFY(html.contains(QStringLiteral("<span class=\"good\">−50.0 pp</span>")));
}

void TestHtmlReport::projectWithoutPredictions()
{
    std::vector<test::FixtureSample> samples = test::smallFixture();
    for (test::FixtureSample &sample : samples)
        sample.probabilities.clear();
    const QString path =
        test::importFixture(m_dir->filePath(QStringLiteral("bare")), test::smallFixtureClasses(), samples);
    const QString html = render(path);
    QVERIFY(html.contains(QStringLiteral("No predictions yet")));
    QVERIFY(!html.contains(QStringLiteral("<section id=\"confusion\">")));
}

void TestHtmlReport::writeIsAtomic()
{
    const QDir out(m_dir->filePath(QStringLiteral("out")));
    QVERIFY(out.mkpath(QStringLiteral(".")));
    const QString path = out.filePath(QStringLiteral("report.html"));
    auto project = Project::open(m_path, Project::Access::ReadOnly);
    {
        Progress progress;
        HtmlReport(*project).write(path, progress);
    }
    QCOMPARE(out.entryList(QDir::Files), QStringList{QStringLiteral("report.html")}); // no temporary left
    QFile written(path);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray first = written.readAll();
    QVERIFY(first.startsWith("<!DOCTYPE html>"));
    QVERIFY(first.trimmed().endsWith("</html>"));
    written.close();

    // A cancelled report leaves the previous file as it was.
    Progress cancelled;
    cancelled.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, HtmlReport(*project).write(path, cancelled));
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), first);
    QCOMPARE(out.entryList(QDir::Files), QStringList{QStringLiteral("report.html")});

    // An unwritable destination is an Error naming the file, not a crash.
    const QString nowhere = m_dir->filePath(QStringLiteral("no/such/dir/report.html"));
    try {
        Progress progress;
        HtmlReport(*project).write(nowhere, progress);
        QFAIL("wrote into a missing folder");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(nowhere), qPrintable(error.message()));
    }
}

QTEST_APPLESS_MAIN(TestHtmlReport)
#include "tst_htmlreport.moc"
