#include "analysis/pipeline/reportcontext.h"

#include "dataset/sampletable.h"
#include "storage/analysisstore.h"
#include "storage/project.h"

namespace loupe {

std::optional<QJsonObject> ReportContext::stepSummary(const QString &step) const
{
    return AnalysisStore(project.database()).stepSummary(table.runId, step);
}

QString ReportContext::className(int index) const
{
    return index < 0 ? QStringLiteral("–") : table.classNames.value(index, QStringLiteral("?"));
}

QString ReportContext::classPair(int given, int shown) const
{
    return className(given) + QStringLiteral(" → ") + className(shown);
}

} // namespace loupe
