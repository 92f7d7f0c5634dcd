// libFuzzer target: ClassFolderImporter on a folder tree described by the input.
//
// Each input line is one entry, relative to the dataset folder:
//   `train/cat/a.png`        an empty file (folders on the way are created)
//   `dog/`                   a folder
//   `dog/b.png=bytes`        a file holding the bytes after '='
//   `cat/up -> ..`           a symbolic link, kept only when it resolves inside the folder
// Absolute paths and `..` components are skipped, so the tree never leaves the work
// folder; at most 64 entries are made. Expected outcomes: an import, or a loupe::Error.

#include <cstddef>
#include <cstdint>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>

#include "common/progress.h"
#include "fuzzsupport.h"
#include "import/classfolderimporter.h"
#include "import/loupefolderimporter.h"

namespace {

constexpr int kMaxEntries = 64;

// A clean relative path with no `..`, or an empty string when the line cannot be one.
QString safeRelative(const QString &path)
{
    if (path.isEmpty() || path.startsWith(QLatin1Char('/')) || path.contains(QChar(0)))
        return {};
    const QString clean = QDir::cleanPath(path);
    if (clean == QLatin1String(".") || clean.split(QLatin1Char('/')).contains(QStringLiteral("..")))
        return {};
    return clean;
}

QString canonicalRoot(const QString &root)
{
    static const QString canonical = QFileInfo(root).canonicalFilePath();
    return canonical;
}

void makeEntry(const QString &root, const QByteArray &line)
{
    const qsizetype arrow = line.indexOf(" -> ");
    if (arrow > 0) {
        const QString link = safeRelative(QString::fromUtf8(line.first(arrow)));
        const QString target = QString::fromUtf8(line.sliced(arrow + 4));
        if (link.isEmpty() || target.isEmpty() || target.startsWith(QLatin1Char('/')) ||
            target.contains(QChar(0)))
            return;
        const QString linkPath = root + QLatin1Char('/') + link;
        if (QFileInfo(linkPath).exists() || QFileInfo(linkPath).isSymLink())
            return;
        QDir().mkpath(QFileInfo(linkPath).path());
        QFile::link(target, linkPath);
        // Keep only links that resolve inside the folder (a folder loop such as `a/self -> .`
        // does): the importer must not wander through the rest of the file system.
        const QString resolved = QFileInfo(linkPath).canonicalFilePath();
        const QString inside = canonicalRoot(root) + QLatin1Char('/');
        if (resolved.isEmpty() || !QString(resolved + QLatin1Char('/')).startsWith(inside))
            QFile::remove(linkPath);
        return;
    }
    const qsizetype equals = line.indexOf('=');
    const QByteArray name = equals >= 0 ? line.first(equals) : line;
    const QString relative = safeRelative(QString::fromUtf8(name));
    if (relative.isEmpty())
        return;
    const QString path = root + QLatin1Char('/') + relative;
    if (name.endsWith('/')) {
        QDir().mkpath(path);
        return;
    }
    if (QFileInfo(path).exists() || QFileInfo(path).isSymLink())
        return;
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (file.open(QIODevice::WriteOnly) && equals >= 0)
        file.write(line.sliced(equals + 1));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString root = loupe::fuzz::workDir() + QStringLiteral("/dataset");
    static const QString project = loupe::fuzz::workDir() + QStringLiteral("/project.loupe");
    loupe::fuzz::removePath(root);
    loupe::fuzz::removePath(project);
    QDir().mkpath(root);

    const QList<QByteArray> lines =
        QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)).split('\n');
    for (int i = 0; i < lines.size() && i < kMaxEntries; ++i)
        makeEntry(root, lines.at(i));

    return loupe::fuzz::runExpectingErrors([] {
        loupe::Progress progress;
        loupe::ImportOptions options;
        options.overwrite = true;
        loupe::ClassFolderImporter::looksLikeClassFolders(root);
        loupe::ClassFolderImporter(root).run(project, options, progress);
    });
}
