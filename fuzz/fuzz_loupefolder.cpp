// libFuzzer target: importDataset on a Loupe folder whose text files come from the input.
//
// The input is split at lines holding only `%%`: classes.txt, then samples.csv, then
// (optional) predictions.npy. The folder also holds a few fixed images (a.png, b.png,
// c.jpg, img/d.png, img/e.png) so that valid rows can import. Expected outcomes: a
// project, or a loupe::Error listing the problems (and no project).

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <QDir>
#include <QFile>
#include <QString>

#include "common/progress.h"
#include "fuzzsupport.h"
#include "import/datasetimport.h"

namespace {

QString datasetFolder()
{
    static const QString folder = [] {
        const QString root = loupe::fuzz::workDir() + QStringLiteral("/dataset");
        for (const char *image : {"a.png", "b.png", "c.jpg", "img/d.png", "img/e.png"})
            loupe::fuzz::writeFile(root + QLatin1Char('/') + QLatin1String(image), "\x89PNG");
        return root;
    }();
    return folder;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // One thread keeps executions cheap and reproducible; the image checks still run.
    setenv("OMP_NUM_THREADS", "1", 0);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString folder = datasetFolder();
    static const QString project = loupe::fuzz::workDir() + QStringLiteral("/project.loupe");
    static const QString predictions = folder + QStringLiteral("/predictions.npy");

    const QList<QByteArrayView> parts =
        loupe::fuzz::splitParts(QByteArrayView(data, qsizetype(size)), "\n%%\n", 3);
    loupe::fuzz::writeFile(folder + QStringLiteral("/classes.txt"), parts.at(0));
    loupe::fuzz::writeFile(folder + QStringLiteral("/samples.csv"), parts.size() > 1 ? parts.at(1) : "");
    if (parts.size() > 2)
        loupe::fuzz::writeFile(predictions, parts.at(2));
    else
        loupe::fuzz::removePath(predictions);
    loupe::fuzz::removePath(project);

    return loupe::fuzz::runExpectingErrors([] {
        loupe::Progress progress;
        loupe::ImportOptions options;
        options.overwrite = true;
        loupe::importDataset(folder, project, options, progress);
    });
}
