// libFuzzer target: NpyFile on arbitrary bytes, then readAll and readRows.
// Expected outcomes: the array, or a loupe::Error naming the file. What is read is
// bounded by the file's size (the header must match the data), so allocations are too.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <QString>

#include "common/error.h"
#include "formats/npyfile.h"
#include "fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = loupe::fuzz::workDir() + QStringLiteral("/input.npy");
    loupe::fuzz::writeFile(path, QByteArrayView(data, qsizetype(size)));
    return loupe::fuzz::runExpectingErrors([] {
        const loupe::NpyFile npy(path);
        if (npy.rows() < 0 || npy.cols() < 0)
            __builtin_trap();
        const std::vector<float> all = npy.readAll();
        if (qint64(all.size()) != npy.rows() * npy.cols())
            __builtin_trap();
        // A window in the middle, as the importers read in batches.
        const qint64 first = npy.rows() / 3;
        const qint64 count = (npy.rows() - first) / 2;
        std::vector<float> window(size_t(count * npy.cols()));
        npy.readRows(first, count, window.data());
        // An out-of-range request must be refused, not read.
        try {
            npy.readRows(npy.rows(), 1, window.data());
        } catch (const loupe::Error &) {
            return;
        }
        __builtin_trap();
    });
}
