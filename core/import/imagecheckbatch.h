#pragma once

#include "dataset/stringcolumn.h"

#include <QString>

#include <future>
#include <utility>
#include <vector>

namespace loupe {

class ImagePathChecker;
class ImportProblems;

/**
 * Checks image paths in batches, behind the reader: one file-system call per image is the
 * slowest part of reading a million-row samples.csv. Each full batch is checked on all
 * cores in the background while the caller reads the next one, so the checks and the
 * parsing overlap. Problems are reported in line order all the same, as `file:line: problem`.
 */
class ImageCheckBatch
{
public:
    ImageCheckBatch(const ImagePathChecker &checker, ImportProblems &problems, QString file);
    /** Waits for the batch in flight; its problems are dropped (finish() reports them). */
    ~ImageCheckBatch();
    ImageCheckBatch(const ImageCheckBatch &) = delete;
    ImageCheckBatch &operator=(const ImageCheckBatch &) = delete;

    /** Queues the image path utf8 (as written) of a line. */
    void add(qint64 line, QByteArrayView utf8);
    /** Checks what is pending, waits for every check and reports; call it after the last add(). */
    void finish();

private:
    struct Batch
    {
        std::vector<qint64> lines;
        StringColumn paths; // one buffer, not a string per path
    };
    struct Checked
    {
        std::vector<qint64> lines;
        std::vector<QString> problems; // empty for a fine path
    };

    // Starts checking the pending paths once the batch in flight is reported.
    void dispatch();
    void reportInFlight();
    static Checked check(const ImagePathChecker &checker, Batch batch);

    static constexpr size_t kBatchSize = 16384;
    const ImagePathChecker &m_checker;
    ImportProblems &m_problems;
    QString m_file;
    Batch m_pending;
    std::future<Checked> m_inFlight;
};

} // namespace loupe
