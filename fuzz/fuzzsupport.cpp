#include "fuzzsupport.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "common/error.h"
#include "common/progress.h"

namespace loupe::fuzz {

namespace {

// Qt's warnings about odd input (a path with a NUL: "Broken filename passed to function")
// are expected here and would flood the log at hundreds of executions a second.
const bool kQuiet = [] {
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &message) {
        if (type == QtFatalMsg) {
            fprintf(stderr, "%s\n", qPrintable(message));
            std::abort();
        }
    });
    return true;
}();

} // namespace

QString workDir()
{
    // Removed by QTemporaryDir's destructor when libFuzzer exits normally; kept after a crash.
    static const auto dir = [] {
        // tmpfs where there is one: the importers write SQLite projects with synchronous=FULL,
        // and an fsync per execution on a disk would make fuzzing 10x slower.
        const QFileInfo shm(QStringLiteral("/dev/shm"));
        const QString base = shm.isDir() && shm.isWritable() ? shm.filePath() : QDir::tempPath();
        auto made = std::make_unique<QTemporaryDir>(base + QStringLiteral("/loupe-fuzz-XXXXXX"));
        if (!made->isValid())
            std::abort();
        return made;
    }();
    return dir->path();
}

QString writeFile(const QString &path, QByteArrayView bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(bytes.data(), bytes.size()) != bytes.size())
        std::abort(); // the harness itself is broken, not the code under test
    return path;
}

void removePath(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir() && !info.isSymLink())
        QDir(path).removeRecursively();
    else if (info.exists() || info.isSymLink())
        QFile::remove(path);
}

int runExpectingErrors(const std::function<void()> &body)
{
    try {
        body();
    } catch (const Error &) {
    } catch (const Cancelled &) {
    }
    return 0;
}

QList<QByteArrayView> splitParts(QByteArrayView data, QByteArrayView separator, int maxParts)
{
    QList<QByteArrayView> parts;
    while (parts.size() + 1 < maxParts) {
        const qsizetype at = data.indexOf(separator);
        if (at < 0)
            break;
        parts.append(data.first(at));
        data = data.sliced(at + separator.size());
    }
    parts.append(data);
    return parts;
}

} // namespace loupe::fuzz
