#include "dataset/stringcolumn.h"

#include "common/hugepages.h"
#include <algorithm>

namespace loupe {

StringColumn::StringColumn(const QStringList &strings)
{
    detach().ends.reserve(size_t(strings.size()));
    for (const QString &text : strings)
        append(text);
}

StringColumn::StringColumn(std::initializer_list<QString> strings)
{
    detach().ends.reserve(strings.size());
    for (const QString &text : strings)
        append(text);
}

qint64 StringColumn::indexOf(const QString &text, qint64 from) const
{
    // Compared as bytes: one encoding of the needle instead of a decoding of every row.
    const QByteArray needle = text.toUtf8();
    for (qint64 row = std::max<qint64>(from, 0); row < size(); ++row) {
        if (utf8(row) == QByteArrayView(needle))
            return row;
    }
    return -1;
}

void StringColumn::reserve(qint64 strings, qint64 bytes)
{
    Data &data = detach();
    reserveLarge(data.ends, size_t(strings));
    reserveLarge(data.bytes, size_t(bytes));
}

void StringColumn::appendUtf8(QByteArrayView bytes)
{
    Data &data = detach();
    data.bytes.insert(data.bytes.end(), bytes.begin(), bytes.end());
    data.ends.push_back(data.bytes.size());
}

void StringColumn::clear()
{
    m_data.reset();
}

QStringList StringColumn::toStringList() const
{
    QStringList strings;
    strings.reserve(size());
    for (qint64 row = 0; row < size(); ++row)
        strings << at(row);
    return strings;
}

bool StringColumn::operator==(const StringColumn &other) const
{
    if (size() != other.size())
        return false;
    return isEmpty() || m_data == other.m_data ||
           (m_data->ends == other.m_data->ends && m_data->bytes == other.m_data->bytes);
}

StringColumn::Data &StringColumn::detach()
{
    if (!m_data)
        m_data = std::make_shared<Data>();
    else if (m_data.use_count() > 1)
        m_data = std::make_shared<Data>(*m_data);
    return *m_data;
}

} // namespace loupe
