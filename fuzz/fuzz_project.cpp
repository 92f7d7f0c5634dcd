// libFuzzer target: the project opener on arbitrary bytes written as a .loupe file,
// opened read-only, loaded the way every view loads it and summarised in a report. Expected outcomes: a
// loaded table, or a loupe::Error naming the file.

#include <cstddef>
#include <cstdint>

#include <QString>

#include "dataset/sampletable.h"
#include "fuzzsupport.h"
#include "metrics/classificationreport.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = loupe::fuzz::workDir() + QStringLiteral("/input.loupe");
    // A stale write-ahead log from the previous input would be replayed into this one.
    loupe::fuzz::removePath(path + QStringLiteral("-wal"));
    loupe::fuzz::removePath(path + QStringLiteral("-shm"));
    loupe::fuzz::writeFile(path, QByteArrayView(data, qsizetype(size)));
    return loupe::fuzz::runExpectingErrors([] {
        const auto project = loupe::Project::open(path, loupe::Project::Access::ReadOnly);
        project->runs();
        project->metadataColumns();
        project->datasetRoot();
        const loupe::SampleTable table = loupe::loadSampleTable(*project);
        for (qint64 i = 0; i < table.size(); ++i)
            table.isEdited(i);
        // The first thing every view computes: labels and predictions out of range must be skipped.
        loupe::ClassificationReport::compute(table);
        for (int split = 0; split < table.splitNames.size(); ++split)
            loupe::ClassificationReport::compute(table, split);
    });
}
