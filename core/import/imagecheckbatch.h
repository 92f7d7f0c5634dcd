#pragma once

#include <QString>

#include <vector>

namespace loupe {

class ImagePathChecker;
class ImportProblems;

/**
 * Checks image paths in batches on all cores: one file-system call per image is the
 * slowest part of reading a million-row samples.csv, and the calls parallelise well.
 * Problems are reported in line order all the same, as `file:line: problem`.
 */
class ImageCheckBatch
{
public:
    ImageCheckBatch(const ImagePathChecker &checker, ImportProblems &problems, QString file);

    void add(qint64 line, const QString &path);
    /** Checks what is pending; call it once more after the last add(). */
    void flush();

private:
    static constexpr size_t kBatchSize = 16384;
    const ImagePathChecker &m_checker;
    ImportProblems &m_problems;
    QString m_file;
    std::vector<qint64> m_lines;
    std::vector<QString> m_paths;
};

} // namespace loupe
