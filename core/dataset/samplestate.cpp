#include "dataset/samplestate.h"

#include "dataset/reviewstatus.h"

namespace loupe {

QString SampleState::isErrorSql(const QString &label, const QString &predicted, const QString &reviewStatus)
{
    return QStringLiteral("CASE WHEN %1 IS NULL OR %2 IS NULL OR %3 IS '%4' THEN NULL ELSE %2 <> %1 END")
        .arg(label, predicted, reviewStatus, reviewStatusName(ReviewStatus::Excluded));
}

} // namespace loupe
