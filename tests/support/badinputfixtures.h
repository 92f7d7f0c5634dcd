#pragma once

// The bad-input catalogue's fixtures (tst_badinput, tst_badimages, tst_badprojectfiles): image and
// .npy bytes written by hand, Loupe folders as file maps, and hashes to tell that nothing changed.

#include "folderspec.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QtEndian>
#include <QtGlobal>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace loupe {
class SqliteDatabase;
}

namespace loupe::test {

// ---- image bytes ------------------------------------------------------------------

/** A valid PNG of width x height grey pixels (colorType 0) or RGB (2), 8 or 16 bits deep. */
QByteArray png(quint32 width, quint32 height, int bitDepth = 8, int colorType = 2);
/** Only the header of a PNG claiming a huge size: a few hundred bytes on disk. */
QByteArray hugePngHeader(quint32 width, quint32 height);
/** 8 x 6 pixels, written by ImageMagick: a baseline RGB JPEG. */
QByteArray rgbJpeg();
/** The same in CMYK (Adobe APP14). */
QByteArray cmykJpeg();
/** A GIF (8 x 6): a real image in a format the OpenCV build does not read. */
QByteArray gif();
/** rgbJpeg() with an EXIF block saying "rotate 90 degrees clockwise to display" (orientation 6). */
QByteArray rotatedJpeg();
/** rgbJpeg() whose start-of-frame claims width x height. */
QByteArray jpegClaiming(quint16 width, quint16 height);

// ---- .npy bytes ---------------------------------------------------------------------

/** A .npy file of the given format version with the header dict and raw data as given. */
QByteArray npy(int major, const QByteArray &dict, const QByteArray &data);
QByteArray dict(const char *descr, const char *shape, bool fortran = false);

/** values stored as T in the given byte order. */
template<typename T> QByteArray encode(const std::vector<double> &values, bool bigEndian = false)
{
    QByteArray out;
    for (const double value : values) {
        T stored{};
        if constexpr (std::is_same_v<T, qfloat16>)
            stored = qfloat16(float(value));
        else
            stored = T(value);
        uchar bytes[sizeof(T)];
        std::memcpy(bytes, &stored, sizeof(T));
        if (bigEndian == (std::endian::native == std::endian::little))
            std::reverse(bytes, bytes + sizeof(T));
        out.append(reinterpret_cast<const char *>(bytes), sizeof(T));
    }
    return out;
}

/** Row-major values in column-major order, for Fortran-order files. */
std::vector<double> transposed(const std::vector<double> &values, int rows, int cols);

// Row i is sample s(i+1); every row sums to 1 exactly in binary too (halves and quarters).
inline const std::vector<double> kProbabilities = {0.5,  0.25, 0.25, 0.25, 0.5,   0.25,
                                                   0.25, 0.25, 0.5,  0.75, 0.125, 0.125};

/** kProbabilities as a 4 x 3 float32 predictions.npy. */
QByteArray predictionsF4();

// ---- folders (FolderSpec, folderspec.h) ------------------------------------------------

/** Three classes, four labelled samples (lines 2-5 of samples.csv) with real PNGs, no model outputs. */
FolderSpec labelsOnly();
/** labelsOnly() with predictionsF4(). */
FolderSpec withPredictions();

/** A real project at path, imported from withPredictions() written to scratch; empty when that fails. */
QString makeGoodProject(const QString &scratch, const QString &path);

/** Sorted relative paths of every entry below folder, hidden ones included. */
QStringList entriesBelow(const QString &folder);
/** A hash of every file below folder, names included: "changed at all?" in one value. */
QByteArray treeHash(const QString &folder);
QByteArray fileHash(const QString &path);
/** Each row's cells joined by '|', NULL as "NULL". */
QStringList textRows(SqliteDatabase &db, const QString &sql);
long peakResidentKiB();

} // namespace loupe::test

#define WRITE_FOLDER(folder, path)                                                                           \
    do {                                                                                                     \
        const QString problem_ = (folder).writeTo(path);                                                     \
        QVERIFY2(problem_.isEmpty(), qPrintable(QStringLiteral("cannot write the fixture: ") + problem_));   \
    } while (false)
