// libFuzzer target: the COCO reader (and under it the streaming JSON reader) on arbitrary
// bytes. One input carries two files, split at "\n----\n": an instances file and a results
// file read against it. Expected outcomes: a dataset whose indexes are all in range, or a
// loupe::Error naming the file and line.

#include <cstddef>
#include <cstdint>

#include <QString>

#include "common/progress.h"
#include "formats/cocoreader.h"
#include "fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString instances = loupe::fuzz::workDir() + QStringLiteral("/instances.json");
    static const QString results = loupe::fuzz::workDir() + QStringLiteral("/results.json");
    const QList<QByteArrayView> parts =
        loupe::fuzz::splitParts(QByteArrayView(data, qsizetype(size)), "\n----\n", 2);
    loupe::fuzz::writeFile(instances, parts.value(0));
    loupe::fuzz::writeFile(results, parts.value(1));
    return loupe::fuzz::runExpectingErrors([] {
        loupe::Progress progress;
        const loupe::CocoDataset dataset = loupe::CocoReader::readInstances(instances, progress);
        // Invariants every importer relies on.
        for (const loupe::CocoAnnotation &a : dataset.annotations) {
            if (a.image < 0 || a.image >= qint64(dataset.images.size()) || a.category < 0 ||
                a.category >= int(dataset.categories.size()) || !(a.box.width > 0) || !(a.box.height > 0))
                __builtin_trap();
        }
        for (const loupe::CocoResult &r : loupe::CocoReader::readResults(results, dataset, progress)) {
            if (r.image < 0 || r.image >= qint64(dataset.images.size()) || r.category < 0 ||
                r.category >= int(dataset.categories.size()) || !(r.score >= 0.0 && r.score <= 1.0))
                __builtin_trap();
        }
    });
}
