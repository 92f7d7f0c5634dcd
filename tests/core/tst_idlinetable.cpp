// IdLineTable (import/idlinetable.h): the first line of every id hash, through growth,
// probing past occupied slots and the hash that marks an empty slot.

#include "import/idlinetable.h"

#include <QTest>

#include <random>

using loupe::IdLineTable;

class TestIdLineTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newIdsAreRememberedAndRepeatsGiveTheFirstLine();
    void everyIdSurvivesGrowingWithoutReserve();
    void sequentialHashesAllStayApart();
    void theHashZeroIsStoredAsOne();
};

void TestIdLineTable::newIdsAreRememberedAndRepeatsGiveTheFirstLine()
{
    IdLineTable table;
    table.reserve(10);
    QCOMPARE(table.firstLineOrAdd(0x1234, 2), -1);
    QCOMPARE(table.firstLineOrAdd(0x5678, 3), -1);
    QCOMPARE(table.firstLineOrAdd(0x1234, 4), 2);
    // A repeat is not remembered in its turn: the first line stays the answer.
    QCOMPARE(table.firstLineOrAdd(0x1234, 5), 2);
    QCOMPARE(table.size(), size_t(2));
}

void TestIdLineTable::everyIdSurvivesGrowingWithoutReserve()
{
    // Random 64-bit hashes, as qHash gives: the table doubles many times on the way.
    std::mt19937_64 random(7);
    std::vector<quint64> hashes(300000);
    for (quint64 &hash : hashes)
        hash = random();
    IdLineTable table;
    for (size_t i = 0; i < hashes.size(); ++i)
        QCOMPARE(table.firstLineOrAdd(hashes[i], qint64(i) + 2), qint64(-1));
    QCOMPARE(table.size(), hashes.size());
    for (size_t i = 0; i < hashes.size(); ++i) {
        if (table.firstLineOrAdd(hashes[i], 1) != qint64(i) + 2)
            QFAIL(qPrintable(QStringLiteral("hash %1 lost its line").arg(i)));
    }
    QCOMPARE(table.size(), hashes.size());
}

void TestIdLineTable::sequentialHashesAllStayApart()
{
    // Hashes that differ in their low bits only, and in their high bits only: both must spread
    // over the slots or at least probe correctly.
    IdLineTable table;
    table.reserve(50000);
    for (quint64 i = 1; i <= 25000; ++i) {
        QCOMPARE(table.firstLineOrAdd(i, qint64(i)), qint64(-1));
        QCOMPARE(table.firstLineOrAdd(i << 40, qint64(i) + 100000), qint64(-1));
    }
    for (quint64 i = 1; i <= 25000; ++i) {
        QCOMPARE(table.firstLineOrAdd(i, 0), qint64(i));
        QCOMPARE(table.firstLineOrAdd(i << 40, 0), qint64(i) + 100000);
    }
}

void TestIdLineTable::theHashZeroIsStoredAsOne()
{
    // 0 marks an empty slot, so it is stored as 1: the two hashes become one id. Two different
    // ids sharing a 64-bit hash is already a (one in 2^64) false report; this doubles it for one
    // hash and must not lose either line.
    IdLineTable table;
    QCOMPARE(table.firstLineOrAdd(0, 10), -1);
    QCOMPARE(table.firstLineOrAdd(0, 11), 10);
    QCOMPARE(table.firstLineOrAdd(1, 12), 10);
}

QTEST_APPLESS_MAIN(TestIdLineTable)
#include "tst_idlinetable.moc"
