#pragma once

#include <QFile>
#include <QString>

#include <memory>
#include <vector>

namespace loupe {

/**
 * A read-only, memory-mapped NumPy .npy file holding a 1-D or 2-D numeric array.
 *
 * Supports format versions 1.0, 2.0 and 3.0, little- and big-endian float16/32/64 and
 * (u)int8/16/32/64, C and Fortran order. A 1-D array of length N reads as [N, 1].
 * Values are converted to float on read, so callers see one type whatever was stored.
 * The data is mapped, not loaded: a file larger than memory opens fine and rows are
 * paged in as they are read.
 *
 * Every failure throws loupe::Error with a message that starts with the file name,
 * e.g. `predictions.npy: data is truncated: expected 2800000 bytes, found 1000`.
 */
class NpyFile
{
public:
    /** Opens and validates the header; throws loupe::Error. */
    explicit NpyFile(const QString &path);
    ~NpyFile();
    NpyFile(const NpyFile &) = delete;
    NpyFile &operator=(const NpyFile &) = delete;

    QString path() const { return m_path; }
    /** The file name without directories, for messages. */
    QString fileName() const;
    qint64 rows() const { return m_rows; }
    qint64 cols() const { return m_cols; }
    /** The numpy descr string, e.g. "<f4". */
    QString dtype() const { return m_descr; }
    bool isFloatingPoint() const;
    bool isFortranOrder() const { return m_fortranOrder; }

    /** Copies rows [first, first + count) into out (count * cols floats, row-major). */
    void readRows(qint64 first, qint64 count, float *out) const;
    /** All rows, row-major. */
    std::vector<float> readAll() const;

private:
    // Converts count stored elements starting at src to floats written at out[0],
    // out[outStride], ...; picked once per file for its dtype and byte order.
    using Converter = void (*)(const uchar *src, qint64 count, float *out, qint64 outStride);

    QString m_path;
    std::unique_ptr<QFile> m_file;
    const uchar *m_data = nullptr; // start of the array data inside the mapping
    QString m_descr;
    char m_kind = 'f';  // 'f', 'i' or 'u'
    int m_itemSize = 4; // bytes per element
    bool m_bigEndian = false;
    bool m_fortranOrder = false;
    Converter m_convert = nullptr;
    qint64 m_rows = 0;
    qint64 m_cols = 0;
};

/** Writes a float32, C-order, version 1.0 .npy file; throws loupe::Error. */
void writeNpy(const QString &path, const float *data, qint64 rows, qint64 cols);
/** The same for int32 ("<i4"): ids, such as a kNN graph's or clusters' (PrecomputedColumns). */
void writeNpy(const QString &path, const qint32 *data, qint64 rows, qint64 cols);

} // namespace loupe
