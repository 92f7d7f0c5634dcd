#pragma once

#include "analysis/quality/imagestatistics.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;

/** What decoding one image found. */
struct ImageFacts
{
    enum class Status : quint8 {
        NoPath,      // the sample has no image path: not checked
        Missing,     // the file cannot be opened
        Empty,       // zero bytes
        Undecodable, // OpenCV cannot decode it
        Decoded,
    };

    Status status = Status::NoPath;
    bool constant = false; // every pixel has the same value (all channels)
    int width = 0;
    int height = 0;
    int channels = 0;
    int depth = 0;              // OpenCV depth (CV_8U = 0, CV_16U = 2, ...)
    quint64 hash[2] = {};       // 128-bit hash of the decoded pixels and their shape
    qint64 fileBytes = 0;       // the file's size
    ImageStatistics statistics; // brightness, contrast, sharpness, ... of the decoded pixels
    QString error;              // why Missing or Undecodable

    bool sameContent(const ImageFacts &other) const
    {
        return status == Status::Decoded && other.status == Status::Decoded && hash[0] == other.hash[0] &&
               hash[1] == other.hash[1];
    }
};

/**
 * Decodes every image once (OpenCV, IMREAD_UNCHANGED, on the OpenMP threads) and
 * records what the duplicate and malformed-image checks need: a hash of the decoded
 * pixels plus width, height, channels and depth, and whether the image is constant;
 * and, in the same pass, the image statistics the images step stores as metadata.
 *
 * Hashing decoded pixels, not file bytes, is the point: a PNG re-saved as BMP, or
 * written with other compression settings or metadata, hashes the same. A lossy
 * re-encode (JPEG) changes pixels and is left to the embedding near-duplicate check.
 * EXIF orientation is not applied, so a rotated-by-metadata copy does not match.
 *
 * Some files are Undecodable without being decoded: a PNG or JPEG whose header claims
 * more than 2^27 pixels (so a few crafted bytes cannot make the scan allocate gigabytes)
 * and a JPEG cut off before its end-of-image marker (libjpeg would pad it with grey).
 */
class DuplicateImageScan
{
public:
    /** paths: one absolute path per sample, empty for a sample without an image. */
    static std::vector<ImageFacts> run(const QStringList &paths, Progress &progress, double from = 0.0,
                                       double to = 1.0);

    /** Decodes and describes one image file. */
    static ImageFacts scan(const QString &path);
};

} // namespace loupe
