// Metadata slices: a planted high-error metadata value and a planted high-error numeric
// bin rank first, 500 errors in 1,000 outrank 500 in 10,000, bins have readable edges, and
// every slice's SQL condition selects exactly its samples in a real project.

#include "analysis/slices/slicefinder.h"
#include "storage/metadatareader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "fixturedataset.h"
#include "import/loupefolderimporter.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlfilter.h"

using namespace loupe;

namespace {

/** A SampleTable of n samples with three classes (labels cycle) and no errors yet. */
SampleTable makeTable(int n)
{
    SampleTable table;
    table.classNames = {QStringLiteral("shirt"), QStringLiteral("shoe"), QStringLiteral("bag")};
    table.splitNames = {QStringLiteral("test"), QStringLiteral("train")};
    table.runId = 1;
    for (int i = 0; i < n; ++i) {
        table.labels.push_back(i % 3);
        table.predicted.push_back(i % 3);
        table.splitIndex.push_back(i % 5 == 0 ? 0 : 1);
        table.loss.push_back(0.1f);
    }
    table.originalLabels = table.labels;
    return table;
}

void makeError(SampleTable &table, size_t i)
{
    table.predicted[i] = (table.labels[i] + 1) % 3;
    table.loss[i] = 2.0f;
}

SampleMetadataColumn textColumn(const QString &name, const std::vector<QString> &values)
{
    SampleMetadataColumn column;
    column.name = name;
    column.type = MetadataColumn::Type::Text;
    for (const QString &value : values) {
        if (value.isNull()) {
            column.codes.push_back(-1);
            continue;
        }
        qsizetype code = column.categories.indexOf(value);
        if (code < 0) {
            code = column.categories.size();
            column.categories << value;
        }
        column.codes.push_back(int(code));
    }
    return column;
}

SampleMetadataColumn numericColumn(const QString &name, MetadataColumn::Type type, std::vector<double> values)
{
    SampleMetadataColumn column;
    column.name = name;
    column.type = type;
    column.numbers = std::move(values);
    return column;
}

const Slice *find(const std::vector<Slice> &slices, const QString &condition)
{
    for (const Slice &slice : slices)
        if (slice.condition == condition)
            return &slice;
    return nullptr;
}

int rankOf(const std::vector<Slice> &slices, const QString &condition)
{
    for (size_t r = 0; r < slices.size(); ++r)
        if (slices[r].condition == condition)
            return int(r);
    return -1;
}

/** Rewrites a fixture's samples.csv with extra metadata columns (one value list per column). */
void addCsvColumns(const QString &csvPath, const QStringList &names, const std::vector<QStringList> &values)
{
    QFile file(csvPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = file.readAll().split('\n');
    file.close();
    QByteArray out = lines.at(0) + ',' + names.join(QLatin1Char(',')).toUtf8() + '\n';
    for (qsizetype row = 1; row < lines.size(); ++row) {
        if (lines.at(row).isEmpty())
            continue;
        out += lines.at(row);
        for (const QStringList &column : values)
            out += ',' + column.at(row - 1).toUtf8();
        out += '\n';
    }
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(out);
}

} // namespace

class TestSliceFinder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plantedCategoryRanksFirst();
    void plantedBinRanksFirst();
    void fiveHundredInThousandOutranksTenThousand();
    void figuresOfASlice();
    void fewValuesAreSlicedPerValue();
    void conditionsQuoteNamesAndText();
    void nullsGetTheirOwnSlice();
    void infinitiesFallInTheOuterBins();
    void onlyTheMostFrequentTextValues();
    void classAdjustedRanking();
    void rejectsMismatchedColumns();
    void conditionsSelectExactlyTheSliceInAProject();
};

void TestSliceFinder::plantedCategoryRanksFirst()
{
    // Base error rates: shirts 20%, shoes and bags 5%; camera "night" doubles as 40% for every class.
    const int n = 6000;
    SampleTable table = makeTable(n);
    std::vector<QString> camera;
    std::mt19937 random(1);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int i = 0; i < n; ++i) {
        const QString value = QStringList{QStringLiteral("day"), QStringLiteral("dusk"),
                                          QStringLiteral("night"), QStringLiteral("studio")}
                                  .at((i / 3) % 4);
        camera.push_back(value);
        const double rate =
            value == QLatin1String("night") ? 0.4 : (table.labels[size_t(i)] == 0 ? 0.2 : 0.05);
        if (uniform(random) < rate)
            makeError(table, size_t(i));
    }
    Progress progress;
    const std::vector<Slice> slices =
        SliceFinder().run(table, {textColumn(QStringLiteral("camera"), camera)}, progress);
    QCOMPARE(slices.front().condition, QStringLiteral("camera = 'night'"));
    QCOMPARE(slices.front().value, QStringLiteral("night"));
    QCOMPARE(slices.front().count, qint64(1500));
    QVERIFY(slices.front().lift > 2.0);
    QVERIFY(slices.front().pValue < 1e-10);
    // The hard class comes after it, though it has more errors than "day".
    QVERIFY(rankOf(slices, QStringLiteral("label = 'shirt'")) > 0);
}

void TestSliceFinder::plantedBinRanksFirst()
{
    // brightness takes the values k / 6000 in a scrambled order; the darkest fifth has 40% errors.
    const int n = 6000;
    SampleTable table = makeTable(n);
    std::vector<double> brightness;
    std::mt19937 random(2);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int i = 0; i < n; ++i) {
        brightness.push_back(double((qint64(i) * 7919) % n) / n);
        if (uniform(random) < (brightness.back() < 0.2 ? 0.4 : 0.08))
            makeError(table, size_t(i));
    }
    Progress progress;
    const std::vector<Slice> slices = SliceFinder().run(
        table, {numericColumn(QStringLiteral("brightness"), MetadataColumn::Type::Real, brightness)},
        progress);
    QCOMPARE(slices.front().condition, QStringLiteral("brightness < 0.2"));
    QCOMPARE(slices.front().value, QStringLiteral("< 0.2"));
    QCOMPARE(slices.front().count, qint64(1200));
    // Readable edges: five quantile bins at 0.2, 0.4, 0.6, 0.8 that cover every sample once.
    qint64 covered = 0;
    for (const QString &condition :
         {QStringLiteral("brightness < 0.2"), QStringLiteral("brightness >= 0.2 AND brightness < 0.4"),
          QStringLiteral("brightness >= 0.4 AND brightness < 0.6"),
          QStringLiteral("brightness >= 0.6 AND brightness < 0.8"), QStringLiteral("brightness >= 0.8")}) {
        const Slice *slice = find(slices, condition);
        QVERIFY2(slice, qPrintable(condition));
        QCOMPARE(slice->count, qint64(1200));
        covered += slice->count;
    }
    QCOMPARE(covered, qint64(n));
    QCOMPARE(find(slices, QStringLiteral("brightness >= 0.2 AND brightness < 0.4"))->value,
             QStringLiteral("[0.2, 0.4)"));
}

void TestSliceFinder::fiveHundredInThousandOutranksTenThousand()
{
    SampleTable table = makeTable(31005);
    std::vector<QString> site;
    auto addSite = [&](const QString &name, int count, int errors) {
        for (int i = 0; i < count; ++i) {
            if (i < errors)
                makeError(table, site.size());
            site.push_back(name);
        }
    };
    addSite(QStringLiteral("x"), 1000, 500);
    addSite(QStringLiteral("y"), 10000, 500);
    addSite(QStringLiteral("z"), 5, 5);
    addSite(QStringLiteral("w"), 20000, 1000);
    Progress progress;
    const std::vector<Slice> slices =
        SliceFinder().run(table, {textColumn(QStringLiteral("site"), site)}, progress);
    QCOMPARE(slices.front().condition, QStringLiteral("site = 'x'"));
    QVERIFY(rankOf(slices, QStringLiteral("site = 'x'")) < rankOf(slices, QStringLiteral("site = 'y'")));
    QVERIFY(rankOf(slices, QStringLiteral("site = 'x'")) < rankOf(slices, QStringLiteral("site = 'z'")));
    QCOMPARE(find(slices, QStringLiteral("site = 'y'"))->errors, qint64(500));
}

void TestSliceFinder::figuresOfASlice()
{
    SampleTable table = makeTable(100); // split "test" is every fifth sample
    for (size_t i = 0; i < 100; i += 5)
        if (i < 50)
            makeError(table, i); // 10 of the 20 test samples wrong, none of the 80 train samples
    table.labels[1] = -1;        // an unlabeled train sample: counted, not evaluated
    Progress progress;
    const std::vector<Slice> slices = SliceFinder().run(table, {}, progress);
    const Slice *test = find(slices, QStringLiteral("split = 'test'"));
    QVERIFY(test);
    QCOMPARE(test->column, QStringLiteral("split"));
    QCOMPARE(test->count, qint64(20));
    QCOMPARE(test->evaluated, qint64(20));
    QCOMPARE(test->errors, qint64(10));
    QCOMPARE(test->errorRate, 0.5);
    QCOMPARE(test->lift, 0.5 / (10.0 / 99.0));
    QCOMPARE(test->restErrorRate, 0.0);
    QVERIFY(test->pValue < 1e-6);
    QVERIFY(test->errorRateLow < 0.5 && test->errorRateHigh > 0.5);
    QVERIFY(std::abs(test->meanLoss - (10 * 2.0 + 10 * 0.1) / 20.0) < 1e-6);
    const Slice *train = find(slices, QStringLiteral("split = 'train'"));
    QCOMPARE(train->count, qint64(80));
    QCOMPARE(train->evaluated, qint64(79));
    QCOMPARE(slices.front().condition, QStringLiteral("split = 'test'"));
    QVERIFY(find(slices, QStringLiteral("predicted = 'shoe'")));
}

void TestSliceFinder::fewValuesAreSlicedPerValue()
{
    SampleTable table = makeTable(300);
    std::vector<double> batch, score;
    for (int i = 0; i < 300; ++i) {
        batch.push_back(i % 4);
        score.push_back(i % 3 == 0 ? 0.5 : 1.25);
    }
    Progress progress;
    const std::vector<Slice> slices =
        SliceFinder().run(table,
                          {numericColumn(QStringLiteral("batch"), MetadataColumn::Type::Integer, batch),
                           numericColumn(QStringLiteral("score"), MetadataColumn::Type::Real, score)},
                          progress);
    for (int b = 0; b < 4; ++b)
        QCOMPARE(find(slices, QStringLiteral("batch = %1").arg(b))->count, qint64(75));
    QCOMPARE(find(slices, QStringLiteral("score = 0.5"))->count, qint64(100));
    QCOMPARE(find(slices, QStringLiteral("score = 1.25"))->count, qint64(200));
}

void TestSliceFinder::conditionsQuoteNamesAndText()
{
    SampleTable table = makeTable(4);
    std::vector<QString> values = {QStringLiteral("O'Brien"), QStringLiteral("O'Brien"), QStringLiteral("x"),
                                   QStringLiteral("x")};
    Progress progress;
    const std::vector<Slice> slices = SliceFinder().run(
        table,
        {textColumn(QStringLiteral("camera model"), values), textColumn(QStringLiteral("order"), values)},
        progress);
    QVERIFY(find(slices, QStringLiteral("\"camera model\" = 'O''Brien'")));
    QVERIFY(find(slices, QStringLiteral("\"order\" = 'x'")));
}

void TestSliceFinder::nullsGetTheirOwnSlice()
{
    SampleTable table = makeTable(40);
    std::vector<double> numbers(40, 1.0);
    std::vector<QString> text(40, QStringLiteral("a"));
    for (size_t i = 0; i < 10; ++i) {
        numbers[i] = NAN;
        text[i] = QString();
    }
    Progress progress;
    const std::vector<Slice> slices =
        SliceFinder().run(table,
                          {numericColumn(QStringLiteral("exposure"), MetadataColumn::Type::Real, numbers),
                           textColumn(QStringLiteral("lens"), text)},
                          progress);
    QCOMPARE(find(slices, QStringLiteral("exposure IS NULL"))->count, qint64(10));
    QCOMPARE(find(slices, QStringLiteral("exposure IS NULL"))->value, QStringLiteral("(none)"));
    QCOMPARE(find(slices, QStringLiteral("lens IS NULL"))->count, qint64(10));
    QCOMPARE(find(slices, QStringLiteral("lens = 'a'"))->count, qint64(30));
}

void TestSliceFinder::infinitiesFallInTheOuterBins()
{
    // As in SQL, -inf < any edge and +inf >= any edge; they do not distort the edges.
    SampleTable table = makeTable(102);
    std::vector<double> values;
    for (int i = 0; i < 100; ++i)
        values.push_back(i / 100.0);
    values.push_back(-INFINITY);
    values.push_back(INFINITY);
    Progress progress;
    const std::vector<Slice> slices = SliceFinder().run(
        table, {numericColumn(QStringLiteral("gain"), MetadataColumn::Type::Real, values)}, progress);
    QCOMPARE(find(slices, QStringLiteral("gain < 0.2"))->count, qint64(21));
    QCOMPARE(find(slices, QStringLiteral("gain >= 0.8"))->count, qint64(21));
}

void TestSliceFinder::onlyTheMostFrequentTextValues()
{
    // 40 distinct file names seen once, and "common" seen 60 times: with 5 values allowed,
    // "common" and the first four names (ties go alphabetically) are sliced.
    SampleTable table = makeTable(100);
    std::vector<QString> values;
    for (int i = 0; i < 100; ++i)
        values.push_back(i < 40 ? QStringLiteral("file%1").arg(i, 2, 10, QLatin1Char('0'))
                                : QStringLiteral("common"));
    SliceFinderParams params;
    params.maxTextValues = 5;
    Progress progress;
    const std::vector<Slice> slices =
        SliceFinder(params).run(table, {textColumn(QStringLiteral("file"), values)}, progress);
    int fileSlices = 0;
    for (const Slice &slice : slices)
        fileSlices += slice.column == QLatin1String("file");
    QCOMPARE(fileSlices, 5);
    QVERIFY(find(slices, QStringLiteral("file = 'common'")));
    QVERIFY(find(slices, QStringLiteral("file = 'file03'")));
    QVERIFY(!find(slices, QStringLiteral("file = 'file04'")));
}

void TestSliceFinder::classAdjustedRanking()
{
    // "scanner = 'old'" holds only the hard class (its errors are the class's usual rate);
    // "scanner = 'new'" is a cross-class pocket. Raw ranking puts 'old' first, adjusted 'new'.
    SampleTable table = makeTable(9000);
    std::vector<QString> scanner;
    std::mt19937 random(3);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int i = 0; i < 9000; ++i) {
        const bool hard = table.labels[size_t(i)] == 0;
        const bool pocket = !hard && i % 10 == 1;
        scanner.push_back(hard     ? QStringLiteral("old")
                          : pocket ? QStringLiteral("new")
                                   : QStringLiteral("mid"));
        if (uniform(random) < (hard ? 0.35 : pocket ? 0.2 : 0.04))
            makeError(table, size_t(i));
    }
    Progress progress;
    const std::vector<SampleMetadataColumn> metadata = {textColumn(QStringLiteral("scanner"), scanner)};
    const std::vector<Slice> raw = SliceFinder().run(table, metadata, progress);
    QVERIFY(rankOf(raw, QStringLiteral("scanner = 'old'")) < rankOf(raw, QStringLiteral("scanner = 'new'")));
    SliceFinderParams params;
    params.rankByClassAdjusted = true;
    const std::vector<Slice> adjusted = SliceFinder(params).run(table, metadata, progress);
    QCOMPARE(adjusted.front().condition, QStringLiteral("scanner = 'new'"));
    QVERIFY(std::abs(find(adjusted, QStringLiteral("scanner = 'old'"))->excessErrorRate) < 1e-9);
}

void TestSliceFinder::rejectsMismatchedColumns()
{
    const SampleTable table = makeTable(10);
    Progress progress;
    QVERIFY_THROWS_EXCEPTION(
        Error,
        SliceFinder().run(table, {textColumn(QStringLiteral("short"), {QStringLiteral("a")})}, progress));
}

void TestSliceFinder::conditionsSelectExactlyTheSliceInAProject()
{
    // A real project: 600 samples of three classes; photos from the "night" camera are
    // predicted wrong 45% of the time, the others 6%; brightness and batch are noise.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList classes = {QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("fox")};
    std::vector<test::FixtureSample> samples;
    QStringList camera, brightness, batch;
    std::mt19937 random(4);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int i = 0; i < 600; ++i) {
        const int label = i % 3;
        const bool night = i % 4 == 1;
        const bool error = uniform(random) < (night ? 0.45 : 0.06);
        std::vector<float> p(3, 0.1f);
        p[size_t(error ? (label + 1) % 3 : label)] = 0.8f;
        samples.push_back({QStringLiteral("s%1").arg(i), classes.at(label),
                           i % 5 == 0 ? QStringLiteral("test") : QStringLiteral("train"), p});
        camera << (night        ? QStringLiteral("night")
                   : i % 4 == 2 ? QStringLiteral("day")
                                : QStringLiteral("studio"));
        brightness << QString::number(uniform(random), 'f', 4);
        batch << QString::number(i % 3);
    }
    const QString data = QDir(dir.path()).filePath(QStringLiteral("data"));
    test::writeFixtureFolder(data, classes, samples);
    addCsvColumns(QDir(data).filePath(QStringLiteral("samples.csv")),
                  {QStringLiteral("camera"), QStringLiteral("brightness"), QStringLiteral("batch")},
                  {camera, brightness, batch});
    const QString projectPath = QDir(dir.path()).filePath(QStringLiteral("project.loupe"));
    Progress progress;
    LoupeFolderImporter(data).run(projectPath, ImportOptions(), progress);

    auto project = Project::open(projectPath, Project::Access::ReadOnly);
    const SampleTable table = loadSampleTable(*project);
    const std::vector<SampleMetadataColumn> metadata = readSampleMetadata(*project);
    QCOMPARE(metadata.size(), size_t(4)); // weight (from the fixture), camera, brightness, batch
    const std::vector<Slice> slices = SliceFinder().run(table, metadata, progress);
    QCOMPARE(slices.front().condition, QStringLiteral("camera = 'night'"));

    SqlFilter filter(projectPath);
    qint64 brightnessSamples = 0;
    for (const Slice &slice : slices) {
        const SqlFilterResult matched = filter.run(slice.condition);
        QVERIFY2(qint64(matched.sampleIndices.size()) == slice.count,
                 qPrintable(QStringLiteral("%1: %2 vs %3")
                                .arg(slice.condition)
                                .arg(matched.sampleIndices.size())
                                .arg(slice.count)));
        const SqlFilterResult wrong =
            filter.run(QStringLiteral("(%1) AND is_error = 1").arg(slice.condition));
        QCOMPARE(qint64(wrong.sampleIndices.size()), slice.errors);
        if (slice.column == QLatin1String("brightness"))
            brightnessSamples += slice.count;
    }
    QCOMPARE(brightnessSamples, qint64(600));
}

QTEST_APPLESS_MAIN(TestSliceFinder)
#include "tst_slicefinder.moc"
