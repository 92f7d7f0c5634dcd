// BatchedInsert (storage/batchedinsert.h): every row arrives once, in order and with its values,
// whether it went through a many-row statement or the one-row statement for the last rows.

#include "common/error.h"
#include "storage/batchedinsert.h"
#include "storage/sqlitedatabase.h"

#include <QTemporaryDir>
#include <QTest>

using namespace loupe;

class TestBatchedInsert : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void everyRowArrivesOnce_data();
    void everyRowArrivesOnce();
    void wideTablesStayWithinTheParameterLimit();
    void aRefusedRowThrows();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SqliteDatabase> m_db;
};

void TestBatchedInsert::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<SqliteDatabase>(m_dir->filePath(QStringLiteral("t.db")),
                                            SqliteDatabase::Mode::Create);
    m_db->exec(QStringLiteral("CREATE TABLE t(i INTEGER PRIMARY KEY, name TEXT, x REAL, \"odd name\" TEXT)"));
}

void TestBatchedInsert::everyRowArrivesOnce_data()
{
    QTest::addColumn<qint64>("rows");
    const qint64 batch = BatchedInsert::kRowsPerStatement;
    for (const qint64 rows : {qint64(0), qint64(1), batch - 1, batch, batch + 1, 3 * batch + 5})
        QTest::addRow("%lld rows", rows) << rows;
}

void TestBatchedInsert::everyRowArrivesOnce()
{
    QFETCH(qint64, rows);
    {
        BatchedInsert insert(
            *m_db, QStringLiteral("t"),
            {QStringLiteral("i"), QStringLiteral("name"), QStringLiteral("x"), QStringLiteral("odd name")},
            rows);
        for (qint64 row = 0; row < rows; ++row) {
            insert.bind(1, row).bindUtf8(2, QByteArray("r" + QByteArray::number(row)));
            if (row % 3 == 0)
                insert.bindNull(3);
            else
                insert.bind(3, double(row) / 4.0);
            // Through statement() and parameter(), as helpers that bind a value by its type do.
            insert.statement().bindUtf8(insert.parameter(4),
                                        row % 2 ? QByteArrayView("odd") : QByteArrayView());
            insert.endRow();
        }
    }
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT count(*) FROM t")), rows);
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT count(*) FROM t WHERE name = 'r' || i AND "
                                           "(x IS NULL) = (i % 3 = 0) AND (x IS NULL OR x = i / 4.0) AND "
                                           "\"odd name\" = CASE i % 2 WHEN 1 THEN 'odd' ELSE '' END")),
             rows);
    if (rows > 0)
        QCOMPARE(m_db->queryInt(QStringLiteral("SELECT max(i) FROM t")), rows - 1);
}

void TestBatchedInsert::wideTablesStayWithinTheParameterLimit()
{
    // 200 columns: 64 rows a statement would need 12,800 parameters.
    QStringList columns;
    QStringList definitions;
    for (int c = 0; c < 200; ++c) {
        columns << QStringLiteral("c%1").arg(c);
        definitions << columns.last() + QStringLiteral(" INTEGER");
    }
    m_db->exec(QStringLiteral("CREATE TABLE wide(%1)").arg(definitions.join(QStringLiteral(", "))));
    constexpr qint64 rows = 23;
    BatchedInsert insert(*m_db, QStringLiteral("wide"), columns, rows);
    for (qint64 row = 0; row < rows; ++row) {
        for (int c = 0; c < 200; ++c)
            insert.bind(c + 1, row * 1000 + c);
        insert.endRow();
    }
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT count(*) FROM wide WHERE c199 = c0 + 199")), rows);
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT sum(c0) FROM wide")), 1000 * rows * (rows - 1) / 2);
}

void TestBatchedInsert::aRefusedRowThrows()
{
    constexpr qint64 rows = 2 * BatchedInsert::kRowsPerStatement;
    BatchedInsert insert(*m_db, QStringLiteral("t"), {QStringLiteral("i")}, rows);
    bool threw = false;
    try {
        for (qint64 row = 0; row < rows; ++row) {
            insert.bind(1, row == 70 ? qint64(3) : row); // 3 again: the primary key refuses it
            insert.endRow();
        }
    } catch (const Error &error) {
        threw = true;
        QVERIFY2(error.message().contains(QStringLiteral("UNIQUE")), qPrintable(error.message()));
    }
    QVERIFY(threw);
    // The first statement's rows went in; none of the refused statement's did.
    QCOMPARE(m_db->queryInt(QStringLiteral("SELECT count(*) FROM t")), BatchedInsert::kRowsPerStatement);
}

QTEST_GUILESS_MAIN(TestBatchedInsert)
#include "tst_batchedinsert.moc"
