#pragma once

#include "formats/csvreader.h"

#include <QString>

#include <future>
#include <memory>
#include <vector>

namespace loupe {

/** Records read together by CsvBatchReader, with the line each starts on. */
struct CsvBatch
{
    std::vector<CsvRecord> records;
    std::vector<qint64> lines;
    qint64 bytesRead = 0; // of the file, after the batch: for progress
};

/**
 * Reads a CSV file a batch of records ahead of its caller, on another thread: parsing
 * a million-row samples.csv costs about as much as what the import does with the rows,
 * and the two now overlap. Same format and errors as CsvReader (which it uses); an
 * error is thrown by the next() that would have returned the failing record's batch.
 * The first record is the header, read at once by the constructor.
 */
class CsvBatchReader
{
public:
    explicit CsvBatchReader(const QString &path, size_t batchRecords = 4096);
    /** Waits for the batch in flight. */
    ~CsvBatchReader();
    CsvBatchReader(const CsvBatchReader &) = delete;
    CsvBatchReader &operator=(const CsvBatchReader &) = delete;

    /** False for an empty file. */
    bool hasHeader() const { return m_hasHeader; }
    const std::vector<QString> &header() const { return m_header; }
    /** The next batch of records after the header into batch; false when there are no more. */
    bool next(CsvBatch &batch);
    qint64 fileSize() const { return m_fileSize; }

private:
    // Reads up to m_batchRecords records into a batch that recycles spare's records.
    CsvBatch readBatch(CsvBatch spare);
    void startReading(CsvBatch spare);

    std::unique_ptr<CsvReader> m_reader;
    size_t m_batchRecords;
    qint64 m_fileSize = 0;
    std::vector<QString> m_header;
    bool m_hasHeader = false;
    std::future<CsvBatch> m_inFlight;
};

} // namespace loupe
