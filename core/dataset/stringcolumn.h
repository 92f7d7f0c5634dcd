#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

namespace loupe {

/**
 * A column of strings kept as one UTF-8 buffer and the end offset of each string.
 *
 * A QStringList of a million sample ids is a million heap blocks of UTF-16: building it was
 * most of the time to open a large project, and at ten million samples the ids and image
 * paths took 1.4 GB. Here a string costs its UTF-8 bytes and eight bytes of offset, and it
 * becomes a QString only when asked for one (at(), operator[], iteration): callers that touch
 * a few rows at a time (the grid, the detail panel, exports) pay for those rows only.
 *
 * The read interface follows QStringList's (at, value, size, isEmpty, first, indexOf), so
 * code written against a list reads the same; and like a QStringList it is implicitly shared:
 * a copy (into a worker's request, say) shares the bytes until one side appends.
 */
class StringColumn
{
public:
    class const_iterator;

    StringColumn() = default;
    StringColumn(const QStringList &strings);
    StringColumn(std::initializer_list<QString> strings);

    qint64 size() const { return m_data ? qint64(m_data->ends.size()) : 0; }
    bool isEmpty() const { return size() == 0; }

    /** The string at i, decoded; i must be in range. */
    QString at(qint64 i) const { return QString::fromUtf8(utf8(i)); }
    QString operator[](qint64 i) const { return at(i); }
    /** The string at i, or an empty string when i is out of range (as QStringList::value). */
    QString value(qint64 i) const { return i >= 0 && i < size() ? at(i) : QString(); }
    QString first() const { return at(0); }
    /** The bytes of the string at i, without decoding: valid until the column changes. */
    QByteArrayView utf8(qint64 i) const
    {
        const auto index = size_t(i);
        const std::vector<std::uint64_t> &ends = m_data->ends;
        const std::uint64_t begin = index == 0 ? 0 : ends[index - 1];
        return {m_data->bytes.data() + begin, qsizetype(ends[index] - begin)};
    }

    /** The first row holding text at or after from, or -1. Linear. */
    qint64 indexOf(const QString &text, qint64 from = 0) const;

    void reserve(qint64 strings, qint64 bytes);
    void appendUtf8(QByteArrayView bytes);
    void append(const QString &text) { appendUtf8(text.toUtf8()); }
    StringColumn &operator<<(const QString &text)
    {
        append(text);
        return *this;
    }
    void clear();

    QStringList toStringList() const;

    const_iterator begin() const;
    const_iterator end() const;

    bool operator==(const StringColumn &other) const;

private:
    struct Data
    {
        std::vector<char> bytes;
        std::vector<std::uint64_t> ends; // end of string i in bytes; it starts where i - 1 ends
    };
    /** The data, made this column's own first if a copy shares it. */
    Data &detach();

    std::shared_ptr<Data> m_data; // null while empty
};

/** Walks a column yielding decoded strings, so range-for loops read as over a QStringList. */
class StringColumn::const_iterator
{
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = QString;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = QString;

    const_iterator(const StringColumn *column, qint64 row) : m_column(column), m_row(row) {}
    QString operator*() const { return m_column->at(m_row); }
    const_iterator &operator++()
    {
        ++m_row;
        return *this;
    }
    bool operator==(const const_iterator &other) const { return m_row == other.m_row; }
    bool operator!=(const const_iterator &other) const { return m_row != other.m_row; }

private:
    const StringColumn *m_column;
    qint64 m_row;
};

inline StringColumn::const_iterator StringColumn::begin() const
{
    return {this, 0};
}

inline StringColumn::const_iterator StringColumn::end() const
{
    return {this, size()};
}

} // namespace loupe
