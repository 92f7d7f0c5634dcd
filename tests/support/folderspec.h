#pragma once

// A dataset folder described in memory, written for a test to import: the fixture of the
// Loupe-folder importer's tests (loupefolderspec.h) and of the bad-input catalogue
// (badinputfixtures.h).

#include "common/error.h"
#include "formats/npyfile.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QString>

#include <filesystem>
#include <limits>
#include <system_error>
#include <vector>

namespace loupe::test {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// The files of a Loupe folder (docs/import-format.md).
inline const QString kClasses = QStringLiteral("classes.txt");
inline const QString kSamples = QStringLiteral("samples.csv");
inline const QString kPredictions = QStringLiteral("predictions.npy");
inline const QString kLogits = QStringLiteral("logits.npy");
inline const QString kEmbeddings = QStringLiteral("embeddings.npy");
inline const QString kCoords = QStringLiteral("coords.npy");
inline const QString kHistory = QStringLiteral("history.csv");

// The importer only checks that image files exist, but a real 1x1 PNG keeps the fixture honest.
inline QByteArray pngBytes()
{
    return QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}

struct Array
{
    qint64 rows = 0;
    qint64 cols = 0;
    std::vector<float> values;
    bool integer = false; // written as int32
};

/**
 * A Loupe folder described in memory: text files, .npy arrays, images and symbolic links by
 * path relative to the folder. The builders return a changed copy, so a data row reads as
 * "the good folder, but with this file".
 */
class FolderSpec
{
public:
    FolderSpec withFile(const QString &path, const QByteArray &contents) const
    {
        FolderSpec copy = without(path);
        copy.m_files.insert(path, contents);
        return copy;
    }
    FolderSpec withImage(const QString &path) const { return withFile(path, pngBytes()); }
    FolderSpec withArray(const QString &path, qint64 rows, qint64 cols, std::vector<float> values) const
    {
        Q_ASSERT(qint64(values.size()) == rows * cols);
        FolderSpec copy = without(path);
        copy.m_arrays.insert(path, {rows, cols, std::move(values)});
        return copy;
    }
    /** An int32 array (ids), as an external engine writes them. */
    FolderSpec withIntArray(const QString &path, qint64 rows, qint64 cols, std::vector<float> values) const
    {
        FolderSpec copy = withArray(path, rows, cols, std::move(values));
        copy.m_arrays[path].integer = true;
        return copy;
    }
    /** A symbolic link at path whose target is stored as given (relative to the link's folder). */
    FolderSpec withSymlink(const QString &path, const QString &target) const
    {
        FolderSpec copy = without(path);
        copy.m_links.insert(path, target);
        return copy;
    }
    FolderSpec without(const QString &path) const
    {
        FolderSpec copy = *this;
        copy.m_files.remove(path);
        copy.m_arrays.remove(path);
        copy.m_links.remove(path);
        return copy;
    }

    /** Writes the folder below root; returns the first failure, empty on success. */
    QString writeTo(const QString &root) const
    {
        const QDir dir(root);
        const auto makeParent = [&dir](const QString &path) {
            return dir.mkpath(QFileInfo(dir.filePath(path)).path());
        };
        for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
            QFile file(dir.filePath(it.key()));
            if (!makeParent(it.key()) || !file.open(QIODevice::WriteOnly) ||
                file.write(it.value()) != it.value().size())
                return it.key() + QStringLiteral(": ") + file.errorString();
        }
        for (auto it = m_arrays.cbegin(); it != m_arrays.cend(); ++it) {
            if (!makeParent(it.key()))
                return it.key() + QStringLiteral(": cannot create its folder");
            try {
                if (it->integer) {
                    const std::vector<qint32> ids(it->values.begin(), it->values.end());
                    loupe::writeNpy(dir.filePath(it.key()), ids.data(), it->rows, it->cols);
                } else {
                    loupe::writeNpy(dir.filePath(it.key()), it->values.data(), it->rows, it->cols);
                }
            } catch (const loupe::Error &error) {
                return error.message();
            }
        }
        for (auto it = m_links.cbegin(); it != m_links.cend(); ++it) {
            if (!makeParent(it.key()))
                return it.key() + QStringLiteral(": cannot create its folder");
            std::error_code error;
            std::filesystem::create_symlink(QFile::encodeName(it.value()).toStdString(),
                                            QFile::encodeName(dir.filePath(it.key())).toStdString(), error);
            if (error)
                return it.key() + QStringLiteral(": ") + QString::fromStdString(error.message());
        }
        return {};
    }

private:
    QMap<QString, QByteArray> m_files;
    QMap<QString, Array> m_arrays;
    QMap<QString, QString> m_links;
};

} // namespace loupe::test
