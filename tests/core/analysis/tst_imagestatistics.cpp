// Image statistics on generated images whose brightness, contrast, blur, noise and color are
// known: the values the images step stores as metadata and the descriptions compare.

#include "analysis/quality/duplicateimagescan.h"
#include "analysis/quality/imagestatistics.h"

#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace loupe;

namespace {

cv::Mat checkerboard(int side, int square)
{
    cv::Mat image(side, side, CV_8UC1);
    for (int r = 0; r < side; ++r) {
        for (int c = 0; c < side; ++c)
            image.at<uint8_t>(r, c) = ((r / square + c / square) % 2) ? 200 : 40;
    }
    return image;
}

cv::Mat noisyGray(int side, double sigma)
{
    cv::Mat noise(side, side, CV_32F);
    cv::RNG rng(7);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, sigma);
    cv::Mat image;
    cv::Mat(cv::Mat(side, side, CV_32F, cv::Scalar(128.0)) + noise).convertTo(image, CV_8U);
    return image;
}

} // namespace

class TestImageStatistics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void brightnessAndContrastOfTwoLevels()
    {
        cv::Mat image(100, 100, CV_8UC1, cv::Scalar(50));
        image(cv::Rect(0, 0, 50, 100)).setTo(150);
        const ImageStatistics stats = measureImageStatistics(image);
        QCOMPARE_LT(std::abs(stats.brightness - 100.0f / 255.0f), 1e-5f);
        QCOMPARE_LT(std::abs(stats.contrast - 50.0f / 255.0f), 1e-5f);
        QCOMPARE(stats.colorfulness, 0.0f);
    }

    void blurLowersSharpness()
    {
        const cv::Mat sharp = checkerboard(128, 8);
        cv::Mat blurred;
        cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 2.0);
        const float before = measureImageStatistics(sharp).sharpness;
        const float after = measureImageStatistics(blurred).sharpness;
        QVERIFY(before > 0.0f);
        QCOMPARE_LT(after, 0.2f * before);
        // A constant image has no edges at all.
        QCOMPARE(measureImageStatistics(cv::Mat(32, 32, CV_8UC1, cv::Scalar(90))).sharpness, 0.0f);
    }

    void noiseEstimateFindsTheSigma()
    {
        for (const double sigma : {5.0, 10.0, 20.0}) {
            const float estimate = measureImageStatistics(noisyGray(256, sigma)).noise;
            QVERIFY2(std::abs(estimate - sigma) < 0.1 * sigma,
                     qPrintable(QStringLiteral("sigma %1, estimated %2").arg(sigma).arg(estimate)));
        }
        // Edges and gradients are structure, not noise.
        cv::Mat gradient(128, 128, CV_8UC1);
        for (int r = 0; r < gradient.rows; ++r)
            gradient.row(r).setTo(r * 2);
        QCOMPARE_LT(measureImageStatistics(gradient).noise, 0.5f);
    }

    void colorfulnessOfColorAndGray()
    {
        const cv::Mat red(32, 32, CV_8UC3, cv::Scalar(0, 0, 255)); // BGR
        // sigma 0, mu = sqrt(255^2 + 127.5^2)
        QCOMPARE_LT(std::abs(measureImageStatistics(red).colorfulness - 0.3f * 285.1f), 0.5f);
        const cv::Mat gray(32, 32, CV_8UC3, cv::Scalar(90, 90, 90));
        QCOMPARE(measureImageStatistics(gray).colorfulness, 0.0f);
    }

    void sixteenBitMatchesEightBit()
    {
        const cv::Mat eight = checkerboard(64, 4);
        cv::Mat sixteen;
        eight.convertTo(sixteen, CV_16U, 257.0);
        const ImageStatistics a = measureImageStatistics(eight), b = measureImageStatistics(sixteen);
        QCOMPARE(a.brightness, b.brightness);
        QCOMPARE(a.contrast, b.contrast);
        QCOMPARE(a.sharpness, b.sharpness);
    }

    void scanRecordsStatisticsAndFileSize()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("board.png"));
        QVERIFY(cv::imwrite(path.toStdString(), checkerboard(64, 8)));
        const ImageFacts facts = DuplicateImageScan::scan(path);
        QCOMPARE(facts.status, ImageFacts::Status::Decoded);
        QCOMPARE(facts.fileBytes, QFileInfo(path).size());
        QCOMPARE(facts.statistics.sharpness, measureImageStatistics(checkerboard(64, 8)).sharpness);
        // A file that does not decode has no statistics.
        QVERIFY(std::isnan(
            DuplicateImageScan::scan(dir.filePath(QStringLiteral("none.png"))).statistics.contrast));
    }
};

QTEST_GUILESS_MAIN(TestImageStatistics)
#include "tst_imagestatistics.moc"
