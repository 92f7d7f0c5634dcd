#pragma once

#include "formats/csvrecord.h"

#include <QFile>
#include <QString>

#include <vector>

namespace loupe {

/**
 * A streaming RFC 4180 CSV reader.
 *
 * Reads a record at a time through a buffer, so a file of millions of rows needs
 * constant memory. Accepts LF and CRLF line ends, a UTF-8 byte order mark, quoted
 * fields with embedded separators, doubled quotes and line breaks. Cells are text:
 * nothing is evaluated, so a formula-like cell (`=cmd|...`) stays a string.
 *
 * Problems throw loupe::Error naming the file and the physical line where the
 * record starts: `samples.csv:12: unterminated quoted field`,
 * `samples.csv:7: invalid UTF-8 text in field 3 (save the file as UTF-8)`.
 */
class CsvReader
{
public:
    /** Opens the file; throws loupe::Error if it cannot be read. */
    explicit CsvReader(const QString &path);

    /**
     * Reads the next record into record (cleared first), as UTF-8 bytes. Returns false at
     * the end of the file. An empty line is returned as a record with one empty field.
     */
    bool readRecord(CsvRecord &record);
    /** The same, decoded: for files of a few thousand rows, where the strings cost nothing. */
    bool readRecord(std::vector<QString> &fields);

    /** 1-based line number on which the record last returned starts. */
    qint64 recordLine() const { return m_recordLine; }
    /** File name without directories, for messages. */
    QString fileName() const;
    /** Bytes consumed so far, for progress. */
    qint64 bytesRead() const;
    qint64 fileSize() const;

private:
    // How a field ended: at a separator, at a line end, or at the end of the file.
    enum class FieldEnd { Separator, Record, File };

    bool fillBuffer();
    // The next byte without consuming it, refilling the buffer; -1 at the end of the file.
    int peekByte();
    FieldEnd readUnquotedField(CsvRecord &record, int field);
    FieldEnd readQuotedField(CsvRecord &record, int field);
    // Consumes the separator or line end at m_pos.
    FieldEnd finishField(int field);
    // Appends bytes to the field being read, refusing a field past the size limit.
    void append(CsvRecord &record, QByteArrayView bytes, int field);
    // Throws unless the field being read is valid UTF-8; ascii (no byte above 0x7F) means it is.
    void checkUtf8(const CsvRecord &record, bool ascii, int field) const;
    [[noreturn]] void fail(const QString &problem) const;

    QString m_path;
    QFile m_file;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_consumedBefore = 0; // bytes of the file before m_buffer
    qint64 m_line = 1;           // current physical line
    qint64 m_recordLine = 0;
    bool m_atStart = true;
    CsvRecord m_record; // what the decoding readRecord() reads into
};

} // namespace loupe
