// libFuzzer target: readIdxFile on arbitrary bytes (plain, or gzip when the input starts
// with the gzip magic). Expected outcomes: the array, or a loupe::Error naming the file.

#include <cstddef>
#include <cstdint>

#include <QString>

#include "formats/idxreader.h"
#include "fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = loupe::fuzz::workDir() + QStringLiteral("/input-ubyte");
    loupe::fuzz::writeFile(path, QByteArrayView(data, qsizetype(size)));
    return loupe::fuzz::runExpectingErrors([] {
        const loupe::IdxArray array = loupe::readIdxFile(path);
        size_t total = 1;
        for (const int dim : array.dims)
            total *= size_t(dim);
        if (array.dims.empty() || total != array.data.size())
            __builtin_trap();
    });
}
