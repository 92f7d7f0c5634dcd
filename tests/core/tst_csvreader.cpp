#include <cmath>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "common/error.h"
#include "common/numberparsing.h"
#include "formats/csvreader.h"

using loupe::CsvReader;

namespace {

using Records = QList<QStringList>;

// The reader's buffer size; the boundary tests place tricky bytes around it.
constexpr qsizetype kBufferSize = qsizetype(1) << 20;

struct Parsed
{
    Records records;
    QList<qint64> lines;
};

Parsed readAll(const QString &path)
{
    CsvReader reader(path);
    Parsed parsed;
    std::vector<QString> fields;
    while (reader.readRecord(fields)) {
        parsed.records.append(QStringList(fields.begin(), fields.end()));
        parsed.lines.append(reader.recordLine());
    }
    // Reading on at the end keeps saying so.
    if (reader.readRecord(fields) || !fields.empty())
        qFatal("readRecord returned a record after the end");
    if (reader.bytesRead() != reader.fileSize())
        qFatal("bytesRead %lld != fileSize %lld", reader.bytesRead(), reader.fileSize());
    return parsed;
}

// The same through the UTF-8 records the importer reads: the two must agree on every input.
Parsed readAllAsBytes(const QString &path)
{
    CsvReader reader(path);
    Parsed parsed;
    loupe::CsvRecord record;
    while (reader.readRecord(record)) {
        QStringList fields;
        for (qsizetype i = 0; i < record.size(); ++i)
            fields << record.text(i);
        parsed.records.append(fields);
        parsed.lines.append(reader.recordLine());
    }
    return parsed;
}

// Reads path both ways; the byte records must decode to the strings.
Parsed readAllBothWays(const QString &path)
{
    Parsed parsed = readAll(path);
    const Parsed bytes = readAllAsBytes(path);
    if (bytes.records != parsed.records || bytes.lines != parsed.lines)
        qFatal("the UTF-8 records of %s differ from its strings", qPrintable(path));
    return parsed;
}

} // namespace

class TestCsvReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void parse_data();
    void parse();
    void bufferBoundaries_data();
    void bufferBoundaries();
    void hugeFields_data();
    void hugeFields();
    void errors_data();
    void errors();
    void missingFile();
    void numbersReadAlikeFromEitherEncoding_data();
    void numbersReadAlikeFromEitherEncoding();
    void throughput();

private:
    QString writeFile(const QByteArray &bytes, const QString &name = QStringLiteral("samples.csv"));

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCsvReader::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestCsvReader::writeFile(const QByteArray &bytes, const QString &name)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write test fixture %s", qPrintable(path));
    return path;
}

void TestCsvReader::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Records>("records");
    QTest::addColumn<QList<qint64>>("lines");
    const auto s = [](const char *text) {
        return QString::fromUtf8(text);
    };

    QTest::newRow("empty file") << QByteArray() << Records{} << QList<qint64>{};
    QTest::newRow("only a BOM") << QByteArray("\xEF\xBB\xBF") << Records{} << QList<qint64>{};
    QTest::newRow("header only") << QByteArray("id,label,score\n")
                                 << Records{{s("id"), s("label"), s("score")}} << QList<qint64>{1};
    QTest::newRow("header only, no newline")
        << QByteArray("id,label") << Records{{s("id"), s("label")}} << QList<qint64>{1};
    QTest::newRow("LF") << QByteArray("a,b\n1,2\n") << Records{{s("a"), s("b")}, {s("1"), s("2")}}
                        << QList<qint64>{1, 2};
    QTest::newRow("CRLF") << QByteArray("a,b\r\n1,2\r\n") << Records{{s("a"), s("b")}, {s("1"), s("2")}}
                          << QList<qint64>{1, 2};
    QTest::newRow("lone CR") << QByteArray("a,b\r1,2") << Records{{s("a"), s("b")}, {s("1"), s("2")}}
                             << QList<qint64>{1, 2};
    QTest::newRow("no trailing newline")
        << QByteArray("a\nb") << Records{{s("a")}, {s("b")}} << QList<qint64>{1, 2};
    QTest::newRow("BOM skipped") << QByteArray("\xEF\xBB\xBFid,x\n1,2\n")
                                 << Records{{s("id"), s("x")}, {s("1"), s("2")}} << QList<qint64>{1, 2};
    QTest::newRow("BOM inside a field is kept")
        << QByteArray("a,\xEF\xBB\xBFz\n") << Records{{s("a"), QChar(0xfeff) + s("z")}} << QList<qint64>{1};
    QTest::newRow("empty line") << QByteArray("a\n\nb\n") << Records{{s("a")}, {QString()}, {s("b")}}
                                << QList<qint64>{1, 2, 3};
    QTest::newRow("empty fields") << QByteArray(",,\n") << Records{{QString(), QString(), QString()}}
                                  << QList<qint64>{1};
    QTest::newRow("trailing comma at EOF")
        << QByteArray("a,") << Records{{s("a"), QString()}} << QList<qint64>{1};
    QTest::newRow("quoted comma") << QByteArray("\"a,b\",c\n") << Records{{s("a,b"), s("c")}}
                                  << QList<qint64>{1};
    QTest::newRow("doubled quotes") << QByteArray(R"("say ""hi""","""",x)"
                                                  "\n")
                                    << Records{{s(R"(say "hi")"), s("\""), s("x")}} << QList<qint64>{1};
    QTest::newRow("empty quoted field")
        << QByteArray("\"\",\"\"\n") << Records{{QString(), QString()}} << QList<qint64>{1};
    QTest::newRow("quoted field at EOF")
        << QByteArray("1,\"end\"") << Records{{s("1"), s("end")}} << QList<qint64>{1};
    QTest::newRow("embedded newlines")
        << QByteArray("id,note\n1,\"two\nlines\"\n2,\"three\n\nlines\"\n3,plain\n")
        << Records{{s("id"), s("note")},
                   {s("1"), s("two\nlines")},
                   {s("2"), s("three\n\nlines")},
                   {s("3"), s("plain")}}
        << QList<qint64>{1, 2, 4, 7};
    QTest::newRow("embedded CRLF is kept")
        << QByteArray("\"a\r\nb\",c\r\nd,e\r\n") << Records{{s("a\r\nb"), s("c")}, {s("d"), s("e")}}
        << QList<qint64>{1, 3};
    QTest::newRow("quoted field spanning the whole record")
        << QByteArray("\"x\ny\"\r\nz") << Records{{s("x\ny")}, {s("z")}} << QList<qint64>{1, 3};
    QTest::newRow("UTF-8 text") << QByteArray(
                                       "caf\xC3\xA9,\xE6\x97\xA5\xE6\x9C\xAC,\"\xF0\x9F\x91\x95 shirt\"\n")
                                << Records{{s("café"), s("日本"), s("👕 shirt")}} << QList<qint64>{1};
    QTest::newRow("spaces are data") << QByteArray(" a , b \n") << Records{{s(" a "), s(" b ")}}
                                     << QList<qint64>{1};
    // Nothing is evaluated: spreadsheet formulas and injection payloads stay plain text.
    QTest::newRow("formula cells kept verbatim")
        << QByteArray("=cmd|' /C calc'!A0,@SUM(1+1),+1,-1,\"=HYPERLINK(\"\"http://x\"\")\"\n")
        << Records{{s("=cmd|' /C calc'!A0"), s("@SUM(1+1)"), s("+1"), s("-1"), s("=HYPERLINK(\"http://x\")")}}
        << QList<qint64>{1};
}

void TestCsvReader::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(Records, records);
    QFETCH(QList<qint64>, lines);
    const Parsed parsed = readAllBothWays(writeFile(input));
    QCOMPARE(parsed.records, records);
    QCOMPARE(parsed.lines, lines);
}

void TestCsvReader::bufferBoundaries_data()
{
    // Each case puts a tricky byte sequence around the end of the first buffer, at
    // every offset from entirely before it to entirely after it. The file is
    // "ppp...p\n" "x" tricky "end\n", so the last record tells whether the lines
    // inside the tricky part were counted right.
    QTest::addColumn<QByteArray>("tricky");
    QTest::addColumn<int>("shift");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<qint64>("endLine");
    const auto s = [](const char *text) {
        return QString::fromUtf8(text);
    };
    const struct
    {
        const char *name;
        QByteArray tricky;
        QStringList fields;
        qint64 endLine;
    } cases[] = {
        {"2-byte UTF-8", "\xC3\xA9\n", {s("x\xC3\xA9")}, 3},
        {"3-byte UTF-8", "\xE6\x97\xA5\n", {s("x\xE6\x97\xA5")}, 3},
        {"4-byte UTF-8", "\xF0\x9F\x91\x95\n", {s("x\xF0\x9F\x91\x95")}, 3},
        {"CRLF", "\r\n", {s("x")}, 3},
        {"separator", ",y\n", {s("x"), s("y")}, 3},
        {"closing quote then CRLF", ",\"q\"\r\n", {s("x"), s("q")}, 3},
        {"closing quote then separator", ",\"q\",z\n", {s("x"), s("q"), s("z")}, 3},
        {"doubled quote", ",\"a\"\"b\"\n", {s("x"), s("a\"b")}, 3},
        {"quoted CRLF", ",\"a\r\nb\"\n", {s("x"), s("a\r\nb")}, 4},
        {"quoted UTF-8", ",\"\xF0\x9F\x91\x95\"\n", {s("x"), s("\xF0\x9F\x91\x95")}, 3},
    };
    for (const auto &c : cases) {
        for (int shift = -9; shift <= 2; ++shift)
            QTest::addRow("%s at %+d", c.name, shift) << c.tricky << shift << c.fields << c.endLine;
    }
}

void TestCsvReader::bufferBoundaries()
{
    QFETCH(QByteArray, tricky);
    QFETCH(int, shift);
    QFETCH(QStringList, fields);
    QFETCH(qint64, endLine);
    // The tricky part starts `shift` bytes after the buffer end (before it when negative).
    const qsizetype paddingSize = kBufferSize + shift - 2; // minus "\n" and "x"
    const QByteArray input = QByteArray(paddingSize, 'p') + "\nx" + tricky + "end\n";
    const Parsed parsed = readAllBothWays(writeFile(input));
    QCOMPARE(parsed.records.size(), 3);
    QCOMPARE(parsed.records[0], QStringList{QString(paddingSize, QLatin1Char('p'))});
    QCOMPARE(parsed.records[1], fields);
    QCOMPARE(parsed.records[2], QStringList{QStringLiteral("end")});
    QCOMPARE(parsed.lines, (QList<qint64>{1, 2, endLine}));
}

void TestCsvReader::hugeFields_data()
{
    QTest::addColumn<bool>("quoted");
    QTest::newRow("unquoted") << false;
    QTest::newRow("quoted, with quotes, commas and newlines") << true;
}

void TestCsvReader::hugeFields()
{
    QFETCH(bool, quoted);
    // A 10 MB cell spans many buffers and must arrive whole.
    constexpr qsizetype size = 10 * 1000 * 1000;
    QByteArray cell(size, 'a');
    if (quoted) {
        for (qsizetype i = 1000; i < size; i += 999983)
            cell[i] = (i / 999983) % 3 == 0 ? ',' : ((i / 999983) % 3 == 1 ? '\n' : '"');
    }
    QString expected = QString::fromLatin1(cell);
    QByteArray escaped = cell;
    escaped.replace("\"", "\"\"");
    const QByteArray input =
        "head,big,tail\n1," + (quoted ? "\"" + escaped + "\"" : escaped) + ",end\n2,b,c\n";
    const Parsed parsed = readAllBothWays(writeFile(input));
    QCOMPARE(parsed.records.size(), 3);
    QCOMPARE(parsed.records[1].size(), 3);
    QCOMPARE(parsed.records[1][1].size(), size);
    QVERIFY(parsed.records[1][1] == expected);
    QCOMPARE(parsed.records[1][2], QStringLiteral("end"));
    QCOMPARE(parsed.records[2], (QStringList{QStringLiteral("2"), QStringLiteral("b"), QStringLiteral("c")}));
    const qint64 newlines = cell.count('\n');
    QCOMPARE(parsed.lines, (QList<qint64>{1, 2, 3 + newlines}));
}

void TestCsvReader::errors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("recordsBefore");

    QTest::newRow("invalid byte") << QByteArray("a,b\n1,2\nx,\xFF\n")
                                  << QStringLiteral("samples.csv:3: invalid UTF-8 text") << 2;
    QTest::newRow("Latin-1 file") << QByteArray("name\ncaf\xE9\n")
                                  << QStringLiteral("samples.csv:2: invalid UTF-8 text") << 1;
    QTest::newRow("truncated sequence before separator")
        << QByteArray("\xC3,b\n") << QStringLiteral("samples.csv:1: invalid UTF-8 text") << 0;
    QTest::newRow("truncated sequence at EOF")
        << QByteArray("a\n\xE6\x97") << QStringLiteral("samples.csv:2: invalid UTF-8 text") << 1;
    QTest::newRow("overlong encoding")
        << QByteArray("\xC0\xAF\n") << QStringLiteral("samples.csv:1: invalid UTF-8 text") << 0;
    QTest::newRow("encoded surrogate")
        << QByteArray("\xED\xA0\x80\n") << QStringLiteral("samples.csv:1: invalid UTF-8 text") << 0;
    QTest::newRow("invalid in quoted field after embedded newline")
        << QByteArray("a\n\"x\ny\xFF\"\n") << QStringLiteral("samples.csv:2: invalid UTF-8 text") << 1;
    QTest::newRow("unterminated quote") << QByteArray("id,note\n1,\"never\nclosed\n2,x\n")
                                        << QStringLiteral("samples.csv:2: unterminated quoted field") << 1;
    QTest::newRow("unterminated quote right at EOF")
        << QByteArray("a\n\"") << QStringLiteral("samples.csv:2: unterminated quoted field") << 1;
    QTest::newRow("quote inside unquoted field")
        << QByteArray("a,b\n5'10\",x\n")
        << QStringLiteral("samples.csv:2: field 1: unexpected '\"' in an unquoted field (a field containing "
                          "quotes must be quoted, with each quote inside it doubled)")
        << 1;
    QTest::newRow("text after closing quote")
        << QByteArray("a,\"b\"c\n")
        << QStringLiteral("samples.csv:1: field 2: unexpected text after the closing "
                          "quote (a quote inside a quoted field must be doubled)")
        << 0;
    QTest::newRow("space after closing quote")
        << QByteArray("\"a\" ,b\n")
        << QStringLiteral("samples.csv:1: field 1: unexpected text after the closing quote") << 0;
    QTest::newRow("error line is where the record starts")
        << QByteArray("h\n\"multi\nline\",bad\"quote\n")
        << QStringLiteral("samples.csv:2: field 2: unexpected '\"'") << 1;
}

void TestCsvReader::errors()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    QFETCH(int, recordsBefore);
    const QString path = writeFile(input);
    for (const bool asBytes : {false, true}) {
        CsvReader reader(path);
        std::vector<QString> fields;
        loupe::CsvRecord record;
        int records = 0;
        try {
            while (asBytes ? reader.readRecord(record) : reader.readRecord(fields))
                ++records;
            QFAIL("no error thrown");
        } catch (const loupe::Error &error) {
            QVERIFY2(error.message().startsWith(expected), qPrintable(error.message()));
        }
        QCOMPARE(records, recordsBefore);
    }
}

void TestCsvReader::missingFile()
{
    try {
        CsvReader reader(m_dir->filePath(QStringLiteral("absent.csv")));
        QFAIL("no error thrown");
    } catch (const loupe::Error &error) {
        QVERIFY2(error.message().startsWith(QStringLiteral("absent.csv: cannot open: ")),
                 qPrintable(error.message()));
    }
}

void TestCsvReader::throughput()
{
    // Not a pass/fail benchmark (Debug and sanitizer builds are slow): it reports the
    // rate and checks that a realistic file parses completely. Release builds should
    // reach well over a million rows a second.
    constexpr int rows = 200000;
    QByteArray input = "id,path,label,score,split,note\n";
    input.reserve(rows * 48);
    for (int i = 0; i < rows; ++i) {
        input += QByteArray::number(i) + ",img/" + QByteArray::number(i % 997) + ".png,Shirt," +
                 QByteArray::number(i % 100) + ".5,train," + (i % 10 == 0 ? "\"a, b\"" : "ok") + '\n';
    }
    const QString path = writeFile(input);

    QElapsedTimer timer;
    timer.start();
    CsvReader reader(path);
    std::vector<QString> fields;
    qint64 count = 0;
    qint64 cells = 0;
    while (reader.readRecord(fields)) {
        ++count;
        cells += qint64(fields.size());
    }
    const qint64 ms = std::max<qint64>(timer.elapsed(), 1);
    QCOMPARE(count, rows + 1);
    QCOMPARE(cells, 6 * (rows + 1));
    qInfo("CSV: %lld rows of 6 fields in %lld ms = %.0f rows/s", count, ms,
          double(count) * 1000.0 / double(ms));
}

void TestCsvReader::numbersReadAlikeFromEitherEncoding_data()
{
    QTest::addColumn<QString>("text");
    for (const char *text : {"42",
                             "-7",
                             "0",
                             "3.5",
                             "-.25",
                             "1e3",
                             "2.5E-3",
                             "+5",
                             " 5",
                             "5 ",
                             "inf",
                             "nan",
                             "0x10",
                             "9223372036854775807",
                             "9223372036854775808",
                             "1.5e400",
                             "12abc",
                             "",
                             "-",
                             "1.2.3",
                             "--1"})
        QTest::newRow(text) << QString::fromLatin1(text);
    QTest::newRow("arabic-indic digits") << QStringLiteral("\u0661\u0662");
    QTest::newRow("full-width digits") << QStringLiteral("\uFF11\uFF12");
    QTest::newRow("e acute") << QStringLiteral("\u00e9");
}

// The import reads metadata from UTF-8 columns; the same text must give the same number.
void TestCsvReader::numbersReadAlikeFromEitherEncoding()
{
    QFETCH(QString, text);
    const QByteArray utf8 = text.toUtf8();
    QCOMPARE(loupe::parseInteger(QByteArrayView(utf8)), loupe::parseInteger(QStringView(text)));
    const std::optional<double> fromUtf8 = loupe::parseReal(QByteArrayView(utf8));
    const std::optional<double> fromUtf16 = loupe::parseReal(QStringView(text));
    QCOMPARE(fromUtf8.has_value(), fromUtf16.has_value());
    if (fromUtf8 && !std::isnan(*fromUtf8))
        QCOMPARE(*fromUtf8, *fromUtf16);
}

QTEST_APPLESS_MAIN(TestCsvReader)

#include "tst_csvreader.moc"
