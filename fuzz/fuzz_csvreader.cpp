// libFuzzer target: CsvReader on arbitrary bytes, through both of its record types.
// Expected outcomes: records, or a loupe::Error naming the line; the UTF-8 records must
// decode to exactly the strings, and fail on the same record with the same message.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <QString>
#include <QStringList>

#include "common/error.h"
#include "formats/csvreader.h"
#include "fuzzsupport.h"

namespace {

struct Outcome
{
    QList<QStringList> records;
    QString error;
};

Outcome readAll(const QString &path, bool asBytes)
{
    Outcome outcome;
    try {
        loupe::CsvReader reader(path);
        std::vector<QString> fields;
        loupe::CsvRecord record;
        qint64 previousLine = 0;
        while (asBytes ? reader.readRecord(record) : reader.readRecord(fields)) {
            QStringList decoded;
            if (asBytes) {
                for (qsizetype i = 0; i < record.size(); ++i)
                    decoded << record.text(i);
            } else {
                decoded = QStringList(fields.begin(), fields.end());
            }
            // Invariants every caller relies on.
            if (decoded.isEmpty() || reader.recordLine() <= previousLine ||
                reader.bytesRead() > reader.fileSize())
                __builtin_trap();
            previousLine = reader.recordLine();
            outcome.records << decoded;
        }
    } catch (const loupe::Error &error) {
        outcome.error = error.message();
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = loupe::fuzz::workDir() + QStringLiteral("/input.csv");
    loupe::fuzz::writeFile(path, QByteArrayView(data, qsizetype(size)));
    return loupe::fuzz::runExpectingErrors([] {
        const Outcome strings = readAll(path, false);
        const Outcome bytes = readAll(path, true);
        if (strings.records != bytes.records || strings.error != bytes.error)
            __builtin_trap();
    });
}
