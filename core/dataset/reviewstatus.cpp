#include "dataset/reviewstatus.h"

namespace loupe {

QString reviewStatusName(ReviewStatus status)
{
    switch (status) {
    case ReviewStatus::Reviewed:
        return QStringLiteral("reviewed");
    case ReviewStatus::Ambiguous:
        return QStringLiteral("ambiguous");
    case ReviewStatus::Excluded:
        return QStringLiteral("excluded");
    case ReviewStatus::None:
        break;
    }
    return {};
}

ReviewStatus reviewStatusFromName(const QString &name)
{
    for (ReviewStatus status : {ReviewStatus::Reviewed, ReviewStatus::Ambiguous, ReviewStatus::Excluded}) {
        if (name == reviewStatusName(status))
            return status;
    }
    return ReviewStatus::None;
}

} // namespace loupe
