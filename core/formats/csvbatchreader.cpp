#include "formats/csvbatchreader.h"

#include <utility>

namespace loupe {

CsvBatchReader::CsvBatchReader(const QString &path, size_t batchRecords)
    : m_reader(std::make_unique<CsvReader>(path)), m_batchRecords(batchRecords),
      m_fileSize(m_reader->fileSize())
{
    m_hasHeader = m_reader->readRecord(m_header);
    if (m_hasHeader)
        startReading({});
}

CsvBatchReader::~CsvBatchReader()
{
    if (m_inFlight.valid())
        m_inFlight.wait();
}

bool CsvBatchReader::next(CsvBatch &batch)
{
    if (!m_inFlight.valid())
        return false;
    CsvBatch spare = std::exchange(batch, m_inFlight.get());
    if (batch.records.empty())
        return false;
    startReading(std::move(spare));
    return true;
}

void CsvBatchReader::startReading(CsvBatch spare)
{
    m_inFlight = std::async(std::launch::async, &CsvBatchReader::readBatch, this, std::move(spare));
}

CsvBatch CsvBatchReader::readBatch(CsvBatch spare)
{
    // The spare batch's vectors keep their capacity, and each record its buffers', so a
    // steady state allocates nothing.
    CsvBatch batch = std::move(spare);
    batch.lines.clear();
    size_t count = 0;
    for (; count < m_batchRecords; ++count) {
        if (count == batch.records.size())
            batch.records.emplace_back();
        if (!m_reader->readRecord(batch.records[count]))
            break;
        batch.lines.push_back(m_reader->recordLine());
    }
    batch.records.resize(count);
    batch.bytesRead = m_reader->bytesRead();
    return batch;
}

} // namespace loupe
