// libFuzzer target: CsvReader on arbitrary bytes.
// Expected outcomes: records, or a loupe::Error naming the line.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <QString>

#include "formats/csvreader.h"
#include "fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = loupe::fuzz::workDir() + QStringLiteral("/input.csv");
    loupe::fuzz::writeFile(path, QByteArrayView(data, qsizetype(size)));
    return loupe::fuzz::runExpectingErrors([] {
        loupe::CsvReader reader(path);
        std::vector<QString> fields;
        qint64 previousLine = 0;
        while (reader.readRecord(fields)) {
            // Invariants every caller relies on.
            if (fields.empty() || reader.recordLine() <= previousLine ||
                reader.bytesRead() > reader.fileSize())
                __builtin_trap();
            previousLine = reader.recordLine();
        }
    });
}
