#pragma once

#include <QFile>
#include <QString>
#include <QStringList>

namespace loupe {

/**
 * Writes RFC 4180 CSV (UTF-8, LF line ends, fields quoted only when needed) to a
 * temporary file that replaces the destination on commit(), so an export that fails
 * halfway never leaves a truncated file behind.
 */
class CsvWriter
{
public:
    /** Throws loupe::Error when the file cannot be created. */
    explicit CsvWriter(const QString &path);
    ~CsvWriter();

    void writeRow(const QStringList &fields);
    void commit();

    static QString quoted(const QString &field);

private:
    QString m_path;
    QFile m_file;
    bool m_committed = false;
};

} // namespace loupe
