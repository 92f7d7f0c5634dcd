#include "analysis/steps/slicesstep.h"

#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/htmlreportwriter.h"
#include "analysis/pipeline/reportcontext.h"
#include "analysis/slices/slicefinder.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "formats/htmldocument.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QJsonArray>

namespace loupe {

namespace {

QJsonObject sliceJson(const SliceRecord &s)
{
    return {{QStringLiteral("column"), s.column},       {QStringLiteral("value"), s.value},
            {QStringLiteral("condition"), s.condition}, {QStringLiteral("count"), s.count},
            {QStringLiteral("errors"), s.errors},       {QStringLiteral("error_rate"), s.errorRate},
            {QStringLiteral("lift"), s.lift},           {QStringLiteral("ci_low"), s.ciLow},
            {QStringLiteral("ci_high"), s.ciHigh},      {QStringLiteral("p_value"), s.pValue},
            {QStringLiteral("score"), s.score}};
}

/**
 * Keeps the counts of the latest run's slices current: an edited sample may leave or join
 * a slice (one over its label) and move between its errors and successes. Membership and
 * errors come from sample_view (the slices' conditions are written over it, and its
 * is_error is SampleState's definition). Rankings wait for the next analysis.
 */
class SlicesEditHook final : public StepEditHook
{
public:
    explicit SlicesEditHook(Project &project) : m_project(project), m_runId(project.latestRunId()) {}

    void beforeChange(qint64 sample) override
    {
        m_before = m_runId >= 0 ? membership(sample) : QList<Membership>();
    }

    void afterChange(qint64 sample) override
    {
        if (m_before.isEmpty())
            return;
        const QList<Membership> after = membership(sample);
        auto update = m_project.database().prepare(
            QStringLiteral("UPDATE slices SET count = count + ?, errors = errors + ?, error_rate = CASE WHEN "
                           "count + ? > 0 THEN "
                           "CAST(errors + ? AS REAL) / (count + ?) END WHERE run_id = ? AND rank = ?"));
        for (qsizetype i = 0; i < after.size() && i < m_before.size(); ++i) {
            const Membership &before = m_before.at(i);
            const int countDelta = int(after.at(i).member) - int(before.member);
            const int errorDelta =
                int(after.at(i).member && after.at(i).error) - int(before.member && before.error);
            if (countDelta == 0 && errorDelta == 0)
                continue;
            update.bind(1, countDelta)
                .bind(2, errorDelta)
                .bind(3, countDelta)
                .bind(4, errorDelta)
                .bind(5, countDelta);
            update.bind(6, m_runId).bind(7, after.at(i).rank).execute();
        }
    }

    void finish(std::vector<qint64> &) override {}

private:
    struct Membership
    {
        int rank = 0;
        bool member = false;
        bool error = false;
    };

    QList<Membership> membership(qint64 sample) const
    {
        SqliteDatabase &db = m_project.database();
        QList<Membership> memberships;
        auto slices =
            db.prepare(QStringLiteral("SELECT rank, condition FROM slices WHERE run_id = ? ORDER BY rank"));
        slices.bind(1, m_runId);
        while (slices.step()) {
            Membership membership;
            membership.rank = slices.columnInt(0);
            // The conditions were written by the slice finder over sample_view, not by a user.
            auto test =
                db.prepare(QStringLiteral("SELECT is_error FROM sample_view WHERE sample_index = ? AND (%1)")
                               .arg(slices.columnText(1)));
            test.bind(1, sample);
            if (test.step()) {
                membership.member = true;
                membership.error = !test.isNull(0) && test.columnInt(0) == 1;
            }
            memberships << membership;
        }
        return memberships;
    }

    Project &m_project;
    int m_runId;
    QList<Membership> m_before;
};

} // namespace

QString sliceName(const SliceRecord &slice)
{
    const QString column =
        slice.column == QLatin1String("predicted") ? QStringLiteral("predicted class") : slice.column;
    const QChar first = slice.value.isEmpty() ? QChar() : slice.value.front();
    if (first == QLatin1Char('[') || first == QLatin1Char('('))
        return column + QStringLiteral(" in ") + slice.value;
    if (first == QLatin1Char('<') || first == QLatin1Char('>'))
        return column + QLatin1Char(' ') + slice.value;
    return column + QStringLiteral(" = ") + slice.value;
}

QJsonObject SlicesStep::run(AnalysisContext &context, Progress &progress) const
{
    progress.setStep(QStringLiteral("Ranking metadata slices"));
    const std::vector<Slice> slices = SliceFinder().run(context.table(), context.metadata(), progress);
    std::vector<SliceRecord> records;
    for (const Slice &s : slices) {
        records.push_back({s.column, s.value, s.condition, s.count, s.errors, s.errorRate, s.lift,
                           s.errorRateLow, s.errorRateHigh, s.pValue, s.score});
    }
    AnalysisStore(context.project().database()).writeSlices(context.runId(), records);
    return {{QStringLiteral("slices"), qint64(records.size())}};
}

void SlicesStep::loadResults(const RunScope &run, AnalysisResults &results) const
{
    SliceResults slices;
    slices.slices = AnalysisStore(run.project.database()).slices(run.runId);
    results.put(std::move(slices));
}

void SlicesStep::refreshResults(const RunScope &run, const std::vector<qint64> &,
                                AnalysisResults &results) const
{
    if (SliceResults *slices = results.find<SliceResults>())
        slices->slices = AnalysisStore(run.project.database()).slices(run.runId);
}

std::unique_ptr<StepEditHook> SlicesStep::editHook(Project &project) const
{
    return std::make_unique<SlicesEditHook>(project);
}

void SlicesStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    QJsonArray slices;
    for (const SliceRecord &slice : context.analysis.get<SliceResults>().slices) {
        if (slices.size() < 30)
            slices.append(sliceJson(slice));
    }
    report.insert(QStringLiteral("slices"), slices);
}

QString SlicesStep::reportText(const ReportContext &context) const
{
    const std::vector<SliceRecord> &slices = context.analysis.get<SliceResults>().slices;
    if (slices.empty())
        return {};
    QString text = QStringLiteral("\nWorst slices:\n");
    for (size_t i = 0; i < slices.size() && i < 10; ++i) {
        const SliceRecord &s = slices[i];
        text += QStringLiteral("  %1: %2 errors in %3 (%4, lift %5)\n")
                    .arg(sliceName(s))
                    .arg(s.errors)
                    .arg(s.count)
                    .arg(format::percent(s.errorRate, 2))
                    .arg(s.lift, 0, 'f', 2);
    }
    return text;
}

AnalysisStep::HtmlSection SlicesStep::htmlSection() const
{
    return {QStringLiteral("slices"), QStringLiteral("Slices")};
}

void SlicesStep::writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &) const
{
    HtmlDocument &doc = writer.document();
    doc.beginSection(QStringLiteral("slices"));
    doc.heading(2, QStringLiteral("Slices"));
    const std::vector<SliceRecord> &slices = context.analysis.get<SliceResults>().slices;
    if (slices.empty()) {
        doc.paragraph(QStringLiteral("No slice stands out, or the analysis has not run yet."),
                      QStringLiteral("note"));
        doc.endSection();
        return;
    }
    doc.paragraph(
        QStringLiteral("Metadata values and bins where the error rate is highest against the overall "
                       "rate (lift), with a 95% confidence interval."),
        QStringLiteral("note"));
    doc.beginTable({QStringLiteral("slice"), QStringLiteral("samples"), QStringLiteral("errors"),
                    QStringLiteral("error rate"), QStringLiteral("95% CI"), QStringLiteral("lift")},
                   QStringLiteral("lrrrrr"), QStringLiteral("wide"));
    for (size_t i = 0; i < slices.size() && i < size_t(std::max(0, writer.options().slices)); ++i) {
        const SliceRecord &s = slices[i];
        doc.tableRow({sliceName(s), format::count(s.count), format::count(s.errors),
                      format::percent(s.errorRate),
                      format::percent(s.ciLow) + QStringLiteral(" – ") + format::percent(s.ciHigh),
                      format::fixed(s.lift, 2) + QChar(0x00D7)});
    }
    doc.endTable();
    doc.endSection();
}

} // namespace loupe
