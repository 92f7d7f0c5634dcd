#include "import/folderlisting.h"

#include <algorithm>
#include <cstring>

#include <dirent.h>

namespace loupe {

namespace {

FolderListing::Entry kindOf(unsigned char type)
{
    return type == DT_REG ? FolderListing::Entry::RegularFile : FolderListing::Entry::Other;
}

} // namespace

FolderListing::FolderListing(const QByteArray &folder)
{
    DIR *directory = ::opendir(folder.constData());
    if (!directory)
        return;
    while (const dirent *item = ::readdir(directory)) {
        const size_t length = std::strlen(item->d_name);
        // Offsets are 32-bit: a folder whose names pass 4 GB is left to lstat().
        if (qint64(m_names.size()) + qint64(length) + 1 > qint64(UINT32_MAX)) {
            ::closedir(directory);
            m_names.clear();
            m_entries.clear();
            return;
        }
        m_entries.push_back({std::uint32_t(m_names.size()), std::uint32_t(length), kindOf(item->d_type)});
        m_names.append(item->d_name, qsizetype(length) + 1);
    }
    ::closedir(directory);
    std::sort(m_entries.begin(), m_entries.end(),
              [this](const Record &a, const Record &b) { return nameOf(a) < nameOf(b); });
    m_valid = true;
}

QByteArrayView FolderListing::nameOf(const Record &record) const
{
    return QByteArrayView(m_names.constData() + record.offset, qsizetype(record.length));
}

FolderListing::Entry FolderListing::entry(QByteArrayView name) const
{
    const auto it =
        std::lower_bound(m_entries.begin(), m_entries.end(), name,
                         [this](const Record &record, QByteArrayView key) { return nameOf(record) < key; });
    if (it == m_entries.end() || nameOf(*it) != name)
        return Entry::Missing;
    return it->kind;
}

} // namespace loupe
