#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace loupe {

/** An IDX array (the MNIST file format) of unsigned bytes. */
struct IdxArray
{
    std::vector<int> dims;     // e.g. {60000, 28, 28}
    std::vector<uint8_t> data; // row-major, product(dims) bytes
};

/**
 * Reads an IDX file of unsigned bytes (type 0x08), gzip-compressed (.gz) or not.
 * Throws loupe::Error naming the file on a bad magic number, an unsupported element
 * type, a dimension count outside 1..4 or truncated data.
 */
IdxArray readIdxFile(const QString &path);

} // namespace loupe
