#include "analysis/steps/labelissuesstep.h"

#include "analysis/labels/labelissuefinder.h"
#include "analysis/labels/labelneighbourhood.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/htmlreportwriter.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "formats/htmldocument.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <map>

namespace loupe {

namespace {

const QString kIssueScore = QStringLiteral("issue_score");
const QString kIsIssue = QStringLiteral("is_issue");
const QString kSuggestedLabel = QStringLiteral("suggested_label");

template<typename T> QJsonArray jsonArray(const std::vector<T> &values)
{
    QJsonArray array;
    for (const T value : values)
        array.append(double(value));
    return array;
}

bool anyFinite(const std::vector<float> &values)
{
    return std::any_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

std::vector<int> currentLabels(SqliteDatabase &db)
{
    std::vector<int> labels;
    auto query = db.prepare(QStringLiteral("SELECT label FROM samples ORDER BY sample_index"));
    while (query.step())
        labels.push_back(query.isNull(0) ? -1 : query.columnInt(0));
    return labels;
}

/** The parameters the run's label issues were computed with (the defaults for a summary without them). */
LabelIssueParams paramsOf(const QJsonObject &summary)
{
    LabelIssueParams params;
    params.neighbourWeight =
        summary.value(QStringLiteral("neighbour_weight")).toDouble(params.neighbourWeight);
    params.neighbours = summary.value(QStringLiteral("neighbours")).toInt(params.neighbours);
    params.neighbourSmoothing =
        summary.value(QStringLiteral("neighbour_smoothing")).toDouble(params.neighbourSmoothing);
    return params;
}

int labelOf(SqliteDatabase &db, qint64 sample)
{
    auto query = db.prepare(QStringLiteral("SELECT label FROM samples WHERE sample_index = ?"));
    query.bind(1, sample);
    return query.step() && !query.isNull(0) ? query.columnInt(0) : -1;
}

/**
 * Rescores, at the end of a batch of edits, every sample whose label changed and every
 * sample that has one of them among its voting neighbours (their number is bounded by the
 * reverse kNN lists), in each run the step analysed. The confident-learning cut of the last
 * run stays: a changed sample is flagged when its new score reaches it.
 */
class LabelIssuesEditHook final : public StepEditHook
{
public:
    explicit LabelIssuesEditHook(Project &project) : m_project(project) {}

    void beforeChange(qint64 sample) override { m_labelBefore = labelOf(m_project.database(), sample); }

    void afterChange(qint64 sample) override
    {
        if (labelOf(m_project.database(), sample) != m_labelBefore)
            m_changed.push_back(sample);
    }

    void finish(std::vector<qint64> &rescored) override
    {
        if (m_changed.empty())
            return;
        std::sort(m_changed.begin(), m_changed.end());
        m_changed.erase(std::unique(m_changed.begin(), m_changed.end()), m_changed.end());
        const std::vector<int> labels = currentLabels(m_project.database());
        for (const RunInfo &run : m_project.runs())
            rescoreRun(run.id, labels, rescored);
    }

private:
    void rescoreRun(int runId, const std::vector<int> &labels, std::vector<qint64> &rescored)
    {
        SqliteDatabase &db = m_project.database();
        const auto summary = AnalysisStore(db).stepSummary(runId, QStringLiteral("label_issues"));
        const RunArrays arrays(db, runId);
        if (!summary || !arrays.has(RunArray::Probabilities))
            return;
        const auto rows = qint64(labels.size());
        std::optional<KnnGraph> graph;
        if (summary->value(QStringLiteral("used_neighbours")).toBool())
            graph = arrays.knnIndices(rows); // who votes for whom; the distances are not needed
        const LabelIssueFinder finder{paramsOf(*summary)};
        const bool neighbours = graph && finder.usesNeighbours(&*graph, rows);
        const int classes = int(arrays.shape(RunArray::Probabilities)->cols);
        const std::vector<double> prior = LabelNeighbourhood::labelPrior(labels, classes);
        const auto threshold = float(summary->value(QStringLiteral("flag_threshold")).toDouble());
        auto wasFlagged = db.prepare(
            QStringLiteral("SELECT is_issue FROM sample_analysis WHERE run_id = ? AND sample_index = ?"));
        AnalysisStore store(db);
        for (const qint64 sample :
             finder.affectedBy(graph ? &*graph : nullptr, rows, m_changed, neighbours)) {
            const bool changed = std::binary_search(m_changed.begin(), m_changed.end(), sample);
            wasFlagged.reset();
            wasFlagged.bind(1, runId).bind(2, sample);
            const bool flagged = wasFlagged.step() && !wasFlagged.isNull(0) && wasFlagged.columnInt(0) == 1;
            const std::vector<float> p = arrays.readRow(RunArray::Probabilities, sample);
            const LabelIssueFinder::SampleIssue issue =
                finder.rescore(p.data(), graph ? &*graph : nullptr, neighbours, sample, labels, prior,
                               classes, changed, flagged, threshold);
            store.updateSample(runId, sample,
                               {{kIssueScore, issue.score},
                                {kIsIssue, issue.flagged ? 1.0f : 0.0f},
                                {kSuggestedLabel, float(issue.suggested)}});
            if (!changed)
                rescored.push_back(sample);
        }
    }

    Project &m_project;
    int m_labelBefore = -1;
    std::vector<qint64> m_changed;
};

/**
 * Ranks by issue scores computed elsewhere (docs/scale.md) instead of Loupe's own: the same
 * number of samples is flagged as confident learning estimates are mislabeled, now the
 * highest imported scores; the suggested labels stay Loupe's. Samples without a score
 * (NaN: unlabeled, or not scored) are not flagged. An imported score describes the label it
 * was computed on, so a relabelled sample is rescored by Loupe, against Loupe's own cut.
 */
void adoptImportedScores(std::vector<float> scores, LabelIssues &issues)
{
    const auto flagged = size_t(std::count(issues.isIssue.begin(), issues.isIssue.end(), 1));
    std::vector<size_t> order;
    for (size_t s = 0; s < scores.size(); ++s) {
        if (std::isfinite(scores[s]))
            order.push_back(s);
    }
    const size_t cut = std::min(flagged, order.size());
    std::partial_sort(
        order.begin(), order.begin() + ptrdiff_t(cut), order.end(),
        [&scores](size_t a, size_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
    std::fill(issues.isIssue.begin(), issues.isIssue.end(), 0);
    for (size_t i = 0; i < cut; ++i)
        issues.isIssue[order[i]] = 1;
    issues.issueScore = std::move(scores);
}

} // namespace

qint64 LabelIssueResults::flaggedCount() const
{
    return qint64(std::count(isIssue.begin(), isIssue.end(), 1));
}

QJsonObject LabelIssuesStep::run(AnalysisContext &context, Progress &progress) const
{
    progress.setStep(QStringLiteral("Finding label issues"));
    const SampleTable &table = context.table();
    LabelIssues issues = LabelIssueFinder(context.options().labelIssues)
                             .run(context.probabilities().data(), table.size(), context.classes(),
                                  table.labels, context.graph(), progress);
    const bool imported = context.arrays().has(RunArray::ImportedIssueScores);
    if (imported)
        adoptImportedScores(context.arrays().read(RunArray::ImportedIssueScores), issues);
    const std::vector<int> flags(issues.isIssue.begin(), issues.isIssue.end());
    context.writeSampleColumns({{kIssueScore, &issues.issueScore},
                                {kIsIssue, nullptr, &flags},
                                {kSuggestedLabel, nullptr, &issues.suggestedLabel}});
    const ConfidentLearningResult &cl = issues.confidentLearning;
    const LabelIssueParams &params = context.options().labelIssues;
    return {{QStringLiteral("flagged"), qint64(std::count(flags.begin(), flags.end(), 1))},
            {QStringLiteral("source"),
             imported ? QStringLiteral("issue_scores.npy (imported)") : QStringLiteral("loupe")},
            {QStringLiteral("neighbour_weight"), params.neighbourWeight},
            {QStringLiteral("neighbours"), params.neighbours},
            {QStringLiteral("neighbour_smoothing"), params.neighbourSmoothing},
            {QStringLiteral("used_neighbours"), issues.usedNeighbours},
            {QStringLiteral("label_prior"),
             jsonArray(LabelNeighbourhood::labelPrior(table.labels, context.classes()))},
            {QStringLiteral("flag_threshold"), double(issues.flagThreshold)},
            {QStringLiteral("per_class_thresholds"), jsonArray(cl.thresholds)},
            {QStringLiteral("noise_rates"), jsonArray(cl.noiseRates)}};
}

void LabelIssuesStep::loadResults(const RunScope &run, AnalysisResults &results) const
{
    LabelIssueResults issues;
    issues.issueScore = loadSampleColumn(run, kIssueScore);
    if (!anyFinite(issues.issueScore))
        issues.issueScore.clear();
    issues.isIssue = loadSampleIntColumn(run, kIsIssue);
    if (std::all_of(issues.isIssue.begin(), issues.isIssue.end(), [](int v) { return v == -1; }))
        issues.isIssue.clear();
    issues.suggestedLabel = loadSampleIntColumn(run, kSuggestedLabel);
    results.put(std::move(issues));
}

void LabelIssuesStep::refreshResults(const RunScope &run, const std::vector<qint64> &samples,
                                     AnalysisResults &results) const
{
    LabelIssueResults *issues = results.find<LabelIssueResults>();
    if (!issues)
        return;
    auto row = run.project.database().prepare(
        QStringLiteral("SELECT issue_score, is_issue, suggested_label FROM sample_analysis "
                       "WHERE run_id = ? AND sample_index = ?"));
    for (const qint64 sample : samples) {
        row.reset();
        row.bind(1, run.runId).bind(2, sample);
        if (!row.step())
            continue;
        const auto i = size_t(sample);
        if (i < issues->issueScore.size())
            issues->issueScore[i] = row.isNull(0) ? NAN : float(row.columnDouble(0));
        if (i < issues->isIssue.size())
            issues->isIssue[i] = row.isNull(1) ? -1 : row.columnInt(1);
        if (i < issues->suggestedLabel.size())
            issues->suggestedLabel[i] = row.isNull(2) ? -1 : row.columnInt(2);
    }
}

std::unique_ptr<StepEditHook> LabelIssuesStep::editHook(Project &project) const
{
    return std::make_unique<LabelIssuesEditHook>(project);
}

void LabelIssuesStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    QJsonObject section = context.stepSummary(name()).value_or(QJsonObject());
    const LabelIssueResults &issues = context.analysis.get<LabelIssueResults>();
    const SampleTable &table = context.table;
    if (!section.isEmpty()) {
        const std::vector<float> &scores = issues.issueScore;
        std::vector<qint64> order;
        for (qint64 i = 0; i < qint64(scores.size()); ++i) {
            if (!std::isnan(scores[size_t(i)]))
                order.push_back(i);
        }
        const size_t top = std::min<size_t>(20, order.size());
        std::partial_sort(order.begin(), order.begin() + qsizetype(top), order.end(),
                          [&](qint64 a, qint64 b) { return scores[size_t(a)] > scores[size_t(b)]; });
        QJsonArray most;
        for (size_t i = 0; i < top; ++i) {
            const auto s = size_t(order[i]);
            most.append(QJsonObject{
                {QStringLiteral("id"), table.ids.at(qsizetype(s))},
                {QStringLiteral("label"), table.classNames.value(table.labels[s])},
                {QStringLiteral("suggested_label"), table.classNames.value(issues.suggestion(qint64(s)))},
                {QStringLiteral("issue_score"), double(scores[s])}});
        }
        section.insert(QStringLiteral("most_suspicious"), most);
    }
    report.insert(QStringLiteral("label_issues"), section);
}

QString LabelIssuesStep::reportText(const ReportContext &context) const
{
    const auto summary = context.stepSummary(name());
    if (!summary)
        return {};
    return QStringLiteral(
               "Label issues: %1 samples flagged as likely mislabeled (export --suspects lists them)\n")
        .arg(summary->value(QStringLiteral("flagged")).toInteger());
}

AnalysisStep::HtmlSection LabelIssuesStep::htmlSection() const
{
    return {QStringLiteral("label-issues"), QStringLiteral("Label issues")};
}

void LabelIssuesStep::writeHtml(const ReportContext &context, HtmlReportWriter &writer,
                                Progress &progress) const
{
    HtmlDocument &doc = writer.document();
    const SampleTable &table = context.table;
    const LabelIssueResults &issues = context.analysis.get<LabelIssueResults>();
    doc.beginSection(QStringLiteral("label-issues"));
    doc.heading(2, QStringLiteral("Label issues"));
    if (!issues.hasScores()) {
        doc.paragraph(
            QStringLiteral("Not analysed yet: run `loupe-cli analyze` to find likely label errors."),
            QStringLiteral("note"));
        doc.endSection();
        return;
    }
    std::vector<qint64> flagged;
    qint64 labelled = 0;
    std::map<std::pair<int, int>, qint64> pairs; // (given, suggested) -> count among flagged
    for (qint64 s = 0; s < table.size(); ++s) {
        labelled += table.isLabelled(s);
        if (issues.isFlagged(s)) {
            flagged.push_back(s);
            ++pairs[{table.labels[size_t(s)], issues.suggestion(s)}];
        }
    }
    doc.paragraph(
        QStringLiteral("%1 samples (%2 of the labelled ones) are flagged as likely mislabeled "
                       "(confident learning on out-of-sample predictions). `loupe-cli export --suspects` "
                       "lists them all for relabeling.")
            .arg(format::count(qint64(flagged.size())),
                 format::percent(labelled > 0 ? double(flagged.size()) / double(labelled) : 0.0)));
    std::vector<std::pair<std::pair<int, int>, qint64>> common(pairs.begin(), pairs.end());
    std::stable_sort(common.begin(), common.end(),
                     [](const auto &x, const auto &y) { return x.second > y.second; });
    if (!common.empty()) {
        doc.beginTable({QStringLiteral("given → suggested"), QStringLiteral("samples")},
                       QStringLiteral("lr"));
        for (size_t i = 0; i < common.size() && i < 5; ++i)
            doc.tableRow({context.classPair(common[i].first.first, common[i].first.second),
                          format::count(common[i].second)});
        doc.endTable();
    }
    const size_t top = std::min(flagged.size(), size_t(std::max(0, writer.options().labelIssueExamples)));
    std::partial_sort(
        flagged.begin(), flagged.begin() + qsizetype(top), flagged.end(),
        [&](qint64 x, qint64 y) { return issues.issueScore[size_t(x)] > issues.issueScore[size_t(y)]; });
    progress.setStep(QStringLiteral("Embedding label-issue thumbnails"));
    std::vector<HtmlThumbnail> thumbs;
    for (size_t i = 0; i < top; ++i) {
        const qint64 s = flagged[i];
        thumbs.push_back(
            writer.thumbnail(s, context.classPair(table.labels[size_t(s)], issues.suggestion(s)), true));
        progress.throwIfCancelled();
    }
    if (!thumbs.empty()) {
        doc.heading(3, QStringLiteral("Most suspicious (caption: given → suggested)"));
        doc.gallery(thumbs);
    }
    doc.endSection();
}

} // namespace loupe
