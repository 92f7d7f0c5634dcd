#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <vector>

namespace loupe {

/**
 * One CSV record as its fields' UTF-8 bytes, unquoted and checked valid: one buffer and
 * the end of each field.
 *
 * Reading a million-row samples.csv into QStrings cost an allocation and a UTF-16
 * conversion per field, and the importer then encoded most fields back to UTF-8 to store
 * them. Here a record costs nothing per field once its buffer has grown, and a caller that
 * stores, hashes or compares the bytes never decodes them.
 */
class CsvRecord
{
public:
    qsizetype size() const { return qsizetype(m_ends.size()); }
    bool isEmpty() const { return m_ends.empty(); }

    /** The bytes of a field, valid until the record is read into again; field must be in range. */
    QByteArrayView operator[](qsizetype field) const
    {
        const qsizetype begin = field == 0 ? 0 : m_ends[size_t(field - 1)];
        return {m_bytes.constData() + begin, m_ends[size_t(field)] - begin};
    }
    /** The field decoded; a byte order mark at its start is kept, as U+FEFF. */
    QString text(qsizetype field) const
    {
        const QByteArrayView bytes = (*this)[field];
        // QString::fromUtf8() would drop it, and then "\uFEFFz" would read as "z".
        if (bytes.startsWith("\xEF\xBB\xBF"))
            return QChar(0xFEFF) + QString::fromUtf8(bytes.sliced(3));
        return QString::fromUtf8(bytes);
    }

private:
    friend class CsvReader;

    // Keeps the buffers' capacity, so a steady stream of records allocates nothing.
    void clear()
    {
        m_bytes.resize(0);
        m_ends.clear();
    }
    void append(QByteArrayView bytes) { m_bytes.append(bytes); }
    void endField() { m_ends.push_back(m_bytes.size()); }
    // The bytes of the field being read (after the last endField()).
    QByteArrayView openField() const
    {
        const qsizetype begin = m_ends.empty() ? 0 : m_ends.back();
        return {m_bytes.constData() + begin, m_bytes.size() - begin};
    }

    QByteArray m_bytes;
    std::vector<qsizetype> m_ends;
};

} // namespace loupe
