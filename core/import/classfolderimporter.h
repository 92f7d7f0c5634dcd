#pragma once

#include <QString>

namespace loupe {

class Progress;
struct ImportSummary;
struct ImportOptions;

/**
 * Imports an ImageNet-style class-folder tree as labels only (no predictions):
 * `root/<class>/<image>`, or `root/<split>/<class>/<image>` when every top-level
 * folder is a split name (train, val, validation, test). Class names are the sorted
 * folder names; a sample's id is its path relative to root.
 */
class ClassFolderImporter
{
public:
    explicit ClassFolderImporter(const QString &folder);

    /** True when folder looks like a class-folder tree (and has no samples.csv). */
    static bool looksLikeClassFolders(const QString &folder);

    ImportSummary run(const QString &projectPath, const ImportOptions &options, Progress &progress);

private:
    QString m_folder;
};

} // namespace loupe
