// The bad-input catalogue (issue 5), images as the analysis reads them: each kind of image a
// dataset can hold (good, truncated, empty, CMYK, rotated, an unsupported format, ...) with the
// exact status, size and message the duplicate scan reports, and a header claiming a huge size
// refused before anything is decoded.

#include "analysis/quality/duplicateimagescan.h"
#include "badinputfixtures.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using loupe::DuplicateImageScan;
using loupe::ImageFacts;
using namespace loupe::test;

class TestBadImages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_root = std::make_unique<QTemporaryDir>(); }
    void images_data();
    void images();
    void hugeImageHeaderIsRefusedBeforeDecoding_data();
    void hugeImageHeaderIsRefusedBeforeDecoding();

private:
    std::unique_ptr<QTemporaryDir> m_root;
};

void TestBadImages::images_data()
{
    QTest::addColumn<QByteArray>("bytes"); // null: no file at all
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error"); // empty: any non-empty reason is fine for Undecodable
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("depth");

    using S = ImageFacts::Status;
    QTest::newRow("missing") << QByteArray() << int(S::Missing) << QStringLiteral("No such file or directory")
                             << 0 << 0 << 0 << 0;
    QTest::newRow("0 bytes") << QByteArray("") << int(S::Empty) << QString() << 0 << 0 << 0 << 0;
    QTest::newRow("truncated PNG") << png(8, 6).chopped(30) << int(S::Undecodable) << QString() << 0 << 0 << 0
                                   << 0;
    QTest::newRow("truncated JPEG, in the headers")
        << rgbJpeg().chopped(40) << int(S::Undecodable) << QString() << 0 << 0 << 0 << 0;
    // libjpeg would fill the missing rows with grey and call it decoded.
    const QString truncatedJpeg = QStringLiteral("the JPEG file is truncated (no end-of-image marker)");
    QTest::newRow("truncated JPEG, in the image data")
        << rgbJpeg().chopped(8) << int(S::Undecodable) << truncatedJpeg << 0 << 0 << 0 << 0;
    QTest::newRow("truncated JPEG, only the end marker lost")
        << rgbJpeg().chopped(2) << int(S::Undecodable) << truncatedJpeg << 0 << 0 << 0 << 0;
    QTest::newRow("CMYK JPEG, converted to 3 channels")
        << cmykJpeg() << int(S::Decoded) << QString() << 8 << 6 << 3 << 0;
    QTest::newRow("16-bit PNG, kept 16-bit")
        << png(8, 6, 16, 0) << int(S::Decoded) << QString() << 8 << 6 << 1 << 2;
    // The scan hashes stored pixels and deliberately ignores EXIF orientation (see
    // duplicateimagescan.h); thumbnails honour it (QImageReader::setAutoTransform in ui/).
    QTest::newRow("EXIF orientation 6, stored pixels")
        << rotatedJpeg() << int(S::Decoded) << QString() << 8 << 6 << 3 << 0;
    QTest::newRow("unsupported format (GIF)")
        << gif() << int(S::Undecodable) << QStringLiteral("not a readable image") << 0 << 0 << 0 << 0;
    QTest::newRow("text file named .png") << QByteArray("id,image,label\n") << int(S::Undecodable)
                                          << QStringLiteral("not a readable image") << 0 << 0 << 0 << 0;
}

void TestBadImages::images()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, channels);
    QFETCH(int, depth);
    const QString path = m_root->filePath(QStringLiteral("image.png"));
    if (!bytes.isNull()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
    const ImageFacts facts = DuplicateImageScan::scan(path);
    QVERIFY2(int(facts.status) == status,
             qPrintable(QStringLiteral("status %1 (%2)").arg(int(facts.status)).arg(facts.error)));
    if (!error.isEmpty())
        QCOMPARE(facts.error, error);
    if (facts.status == ImageFacts::Status::Undecodable || facts.status == ImageFacts::Status::Missing)
        QVERIFY(!facts.error.isEmpty());
    QCOMPARE(facts.width, width);
    QCOMPARE(facts.height, height);
    QCOMPARE(facts.channels, channels);
    QCOMPARE(facts.depth, depth);
}

void TestBadImages::hugeImageHeaderIsRefusedBeforeDecoding_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");

    QTest::newRow("PNG, 50000 x 50000")
        << hugePngHeader(50000, 50000)
        << QStringLiteral("the header claims 50000 x 50000 pixels; images over "
                          "134 megapixels are not decoded");
    // Under OpenCV's own limit (2^30 pixels), so only Loupe's check stands in the way.
    QTest::newRow("PNG, 12000 x 12000")
        << hugePngHeader(12000, 12000)
        << QStringLiteral("the header claims 12000 x 12000 pixels; images over "
                          "134 megapixels are not decoded");
    QTest::newRow("JPEG, 20000 x 20000")
        << jpegClaiming(20000, 20000)
        << QStringLiteral("the header claims 20000 x 20000 pixels; images over "
                          "134 megapixels are not decoded");
}

void TestBadImages::hugeImageHeaderIsRefusedBeforeDecoding()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    const QString path = m_root->filePath(QStringLiteral("huge.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();

    const long peakBefore = peakResidentKiB();
    QElapsedTimer timer;
    timer.start();
    const ImageFacts facts = DuplicateImageScan::scan(path);
    QCOMPARE(int(facts.status), int(ImageFacts::Status::Undecodable));
    QCOMPARE(facts.error, error);
    // Refused from the header: no time spent decoding, no memory spent on pixels.
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(peakResidentKiB() - peakBefore < 32 * 1024,
             qPrintable(QStringLiteral("peak memory grew by %1 KiB").arg(peakResidentKiB() - peakBefore)));
}

// ---- project files --------------------------------------------------------------------------

QTEST_APPLESS_MAIN(TestBadImages)
#include "tst_badimages.moc"
