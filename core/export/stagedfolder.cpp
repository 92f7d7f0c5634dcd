#include "export/stagedfolder.h"

#include "common/error.h"

#include <QDir>
#include <QFileInfo>

namespace loupe {

namespace {

void requireEmptyOrAbsent(const QString &folder)
{
    const QFileInfo info(folder);
    if (!info.exists())
        return;
    if (!info.isDir())
        throw Error(QStringLiteral("%1 exists and is not a folder").arg(folder));
    if (!QDir(folder).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
        throw Error(QStringLiteral("%1 is not empty; choose a new or empty folder so that no file is mixed "
                                   "into or overwritten")
                        .arg(folder));
}

/** A fresh folder beside target to build the content in. */
QString makeStagingFolder(const QString &target)
{
    const QFileInfo info(QDir::cleanPath(target));
    const QDir parent(info.absolutePath());
    if (!parent.exists() && !QDir().mkpath(parent.path()))
        throw Error(QStringLiteral("cannot create %1").arg(parent.path()));
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const QString name = QStringLiteral(".%1.partial-%2").arg(info.fileName()).arg(attempt);
        if (!parent.exists(name) && parent.mkdir(name))
            return parent.filePath(name);
    }
    throw Error(QStringLiteral("cannot create a temporary folder in %1").arg(parent.path()));
}

} // namespace

StagedFolder::StagedFolder(QString target) : m_target(std::move(target))
{
    requireEmptyOrAbsent(m_target);
    m_staging = makeStagingFolder(m_target);
}

StagedFolder::~StagedFolder()
{
    if (!m_committed)
        QDir(m_staging).removeRecursively();
}

void StagedFolder::commit()
{
    // An empty folder that exists is replaced; rmdir fails if files appeared meanwhile.
    if (QFileInfo::exists(m_target) && !QDir().rmdir(m_target))
        throw Error(QStringLiteral("%1 is no longer empty; nothing was exported").arg(m_target));
    if (!QDir().rename(m_staging, m_target))
        throw Error(QStringLiteral("cannot move the exported folder to %1").arg(m_target));
    m_committed = true;
}

} // namespace loupe
