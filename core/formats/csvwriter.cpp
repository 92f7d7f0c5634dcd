#include "formats/csvwriter.h"

#include "common/error.h"

namespace loupe {

CsvWriter::CsvWriter(const QString &path) : m_path(path), m_file(path + QStringLiteral(".part"))
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(QStringLiteral("%1: cannot write: %2").arg(path, m_file.errorString()));
}

CsvWriter::~CsvWriter()
{
    if (!m_committed)
        m_file.remove();
}

QString CsvWriter::quoted(const QString &field)
{
    const bool needsQuotes = field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"')) ||
                             field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r'));
    if (!needsQuotes)
        return field;
    QString escaped = field;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

void CsvWriter::writeRow(const QStringList &fields)
{
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += QLatin1Char(',');
        line += quoted(fields.at(i));
    }
    line += QLatin1Char('\n');
    if (m_file.write(line.toUtf8()) < 0)
        throw Error(QStringLiteral("%1: cannot write: %2").arg(m_path, m_file.errorString()));
}

void CsvWriter::commit()
{
    if (!m_file.flush())
        throw Error(QStringLiteral("%1: cannot write: %2").arg(m_path, m_file.errorString()));
    m_file.close();
    QFile::remove(m_path);
    if (!m_file.rename(m_path))
        throw Error(QStringLiteral("%1: cannot write: %2").arg(m_path, m_file.errorString()));
    m_committed = true;
}

} // namespace loupe
