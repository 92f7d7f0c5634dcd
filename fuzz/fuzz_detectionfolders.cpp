// libFuzzer target: the YOLO and Pascal VOC readers, through the detection importer's reading.
// The first byte picks the layout; the rest is split at "\n----\n" into the files:
//   YOLO: classes.txt, labels/a.txt, predictions/a.txt (images/a.png is a fixed 64 x 48 header);
//   VOC:  Annotations/a.xml, classes.txt.
// Expected outcomes: a dataset whose indexes are all in range, or a loupe::Error.

#include <cstddef>
#include <cstdint>

#include <QString>
#include <QtEndian>

#include "common/progress.h"
#include "formats/vocreader.h"
#include "formats/yoloreader.h"
#include "fuzzsupport.h"

namespace {

QByteArray pngHeader()
{
    QByteArray bytes("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    char size[8];
    qToBigEndian(quint32(64), size);
    qToBigEndian(quint32(48), size + 4);
    return bytes + QByteArray(size, 8) + QByteArray("\x08\x00\x00\x00\x00", 5);
}

void checkIndexes(const loupe::CocoDataset &dataset)
{
    for (const loupe::CocoAnnotation &a : dataset.annotations) {
        if (a.image < 0 || a.image >= qint64(dataset.images.size()) || a.category < 0 ||
            a.category >= int(dataset.categories.size()) || !(a.box.width > 0) || !(a.box.height > 0))
            __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const bool yolo = data[0] % 2 == 0;
    const QString root = loupe::fuzz::workDir() + (yolo ? QStringLiteral("/yolo") : QStringLiteral("/voc"));
    loupe::fuzz::removePath(root);
    const QList<QByteArrayView> parts =
        loupe::fuzz::splitParts(QByteArrayView(data + 1, qsizetype(size - 1)), "\n----\n", 3);
    if (yolo) {
        loupe::fuzz::writeFile(root + QStringLiteral("/images/a.png"), pngHeader());
        loupe::fuzz::writeFile(root + QStringLiteral("/classes.txt"), parts.value(0));
        loupe::fuzz::writeFile(root + QStringLiteral("/labels/a.txt"), parts.value(1));
        if (parts.size() > 2)
            loupe::fuzz::writeFile(root + QStringLiteral("/predictions/a.txt"), parts.value(2));
    } else {
        loupe::fuzz::writeFile(root + QStringLiteral("/Annotations/a.xml"), parts.value(0));
        if (parts.size() > 1)
            loupe::fuzz::writeFile(root + QStringLiteral("/classes.txt"), parts.value(1));
    }
    return loupe::fuzz::runExpectingErrors([&] {
        loupe::Progress progress;
        if (yolo) {
            const loupe::YoloFolder folder = loupe::YoloReader::read(root, progress);
            checkIndexes(folder.dataset);
            for (const loupe::CocoResult &r : folder.predictions) {
                if (r.image < 0 || r.image >= qint64(folder.dataset.images.size()) || !(r.score >= 0.0))
                    __builtin_trap();
            }
        } else {
            checkIndexes(loupe::VocReader::read(root, progress));
        }
    });
}
