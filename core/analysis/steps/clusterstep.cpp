#include "analysis/steps/clusterstep.h"

#include "analysis/clustering/clusterdescription.h"
#include "analysis/clustering/clusterexamples.h"
#include "analysis/clustering/clusterreport.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/htmlreportwriter.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "formats/htmldocument.h"
#include "dataset/sampletable.h"
#include "storage/project.h"
#include "storage/samplestatereader.h"
#include "storage/sqlitedatabase.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <map>

namespace loupe {

namespace {

std::vector<ClusterRecord> clusterRecords(const ClusterReport &report)
{
    std::vector<ClusterRecord> records;
    for (const ClusterStats &c : report.clusters) {
        records.push_back({c.cluster,
                           c.size,
                           c.evaluated,
                           c.errors,
                           c.errorRate,
                           c.expectedErrors,
                           c.meanLoss,
                           c.severity,
                           c.pValue,
                           c.dominantLabel,
                           c.dominantLabelShare,
                           c.dominantPredicted,
                           c.dominantPredictedShare,
                           {},
                           {}});
    }
    return records;
}

QJsonObject clusterJson(const ClusterRecord &c, const QStringList &classes)
{
    return {{QStringLiteral("cluster"), c.cluster},
            {QStringLiteral("size"), c.size},
            {QStringLiteral("errors"), c.errors},
            {QStringLiteral("error_rate"), c.errorRate},
            {QStringLiteral("expected_errors"), c.expectedErrors},
            {QStringLiteral("mean_loss"), c.meanLoss},
            {QStringLiteral("severity"), c.severity},
            {QStringLiteral("severity_per_member"), c.severityPerMember()},
            {QStringLiteral("p_value"), c.pValue},
            {QStringLiteral("dominant_label"), classes.value(c.dominantLabel)},
            {QStringLiteral("dominant_label_share"), c.dominantLabelShare},
            {QStringLiteral("dominant_predicted"), classes.value(c.dominantPredicted)},
            {QStringLiteral("dominant_predicted_share"), c.dominantPredictedShare},
            {QStringLiteral("description"), c.description}};
}

/** Each sample's class for the descriptions: its label, or its prediction when unlabeled; -1 when excluded.
 */
std::vector<int> describedClasses(const SampleTable &table)
{
    std::vector<int> classOf(size_t(table.size()), -1);
    for (qint64 s = 0; s < table.size(); ++s) {
        if (!table.isExcluded(s))
            classOf[size_t(s)] = table.labelOrPrediction(s);
    }
    return classOf;
}

/** The points the typical members are measured in: the embeddings, else the map. */
struct MemberSpace
{
    const float *data = nullptr;
    int dims = 0;
};

MemberSpace memberSpace(const AnalysisContext &context)
{
    if (context.hasEmbeddings())
        return {context.embeddings().data(), context.dimensions()};
    if (!context.map().empty())
        return {context.map().data(), 2};
    return {};
}

/** The samples each cluster's strip shows (ClusterExamples). */
void addExamples(const AnalysisContext &context, const std::vector<int> &assignment,
                 std::vector<ClusterRecord> &records)
{
    const MemberSpace space = memberSpace(context);
    std::map<int, std::vector<qint64>> examples =
        clusterExamples(assignment, context.table(), space.data, space.dims);
    for (ClusterRecord &record : records)
        record.examples = std::move(examples[record.cluster]);
}

/** Names what sets each cluster apart from the rest of its classes (ClusterDescription). */
void addDescriptions(AnalysisContext &context, const std::vector<int> &assignment,
                     std::vector<ClusterRecord> &records)
{
    const std::map<int, std::vector<ClusterTrait>> traits = ClusterDescription().describe(
        assignment, describedClasses(context.table()), context.classes(), context.metadata());
    for (ClusterRecord &record : records) {
        const auto it = traits.find(record.cluster);
        if (it != traits.end())
            record.description = ClusterDescription::summary(it->second);
    }
}

/**
 * Keeps a clustering's counts current: an edited sample may move between its cluster's
 * errors and successes, or into or out of its evaluated members (a label set or cleared,
 * an exclusion), in every run that has the clustering. Rankings wait for the next analysis.
 */
class ClusterEditHook final : public StepEditHook
{
public:
    ClusterEditHook(Project &project, QString method, QString column)
        : m_project(project), m_method(std::move(method)), m_column(std::move(column))
    {
        for (const RunInfo &run : project.runs())
            m_runs.push_back(run.id);
    }

    void beforeChange(qint64 sample) override
    {
        m_before.clear();
        for (const int run : m_runs)
            m_before.push_back(readSampleState(m_project.database(), run, sample));
    }

    void afterChange(qint64 sample) override
    {
        SqliteDatabase &db = m_project.database();
        auto update = db.prepare(
            QStringLiteral(
                "UPDATE clusters SET labelled = labelled + ?1, errors = errors + ?2, error_rate = CASE "
                "WHEN labelled + ?1 > 0 THEN CAST(errors + ?2 AS REAL) / (labelled + ?1) END "
                "WHERE run_id = ?3 AND method = ?4 AND cluster = (SELECT %1 FROM sample_analysis "
                "WHERE run_id = ?3 AND sample_index = ?5)")
                .arg(m_column));
        for (size_t r = 0; r < m_runs.size() && r < m_before.size(); ++r) {
            const SampleState after = readSampleState(db, m_runs[r], sample);
            const int evaluatedDelta = int(after.isEvaluated()) - int(m_before[r].isEvaluated());
            const int errorDelta = int(after.isError()) - int(m_before[r].isError());
            if (evaluatedDelta == 0 && errorDelta == 0)
                continue;
            update.bind(1, evaluatedDelta).bind(2, errorDelta).bind(3, m_runs[r]).bind(4, m_method);
            update.bind(5, sample).execute();
        }
    }

    void finish(std::vector<qint64> &) override {}

private:
    Project &m_project;
    QString m_method;
    QString m_column;
    std::vector<int> m_runs;
    std::vector<SampleState> m_before; // per run, of the sample being changed
};

/** Members of each shown cluster: errors with the highest loss first, then the rest by loss. */
std::vector<std::vector<qint64>> clusterExamples(const SampleTable &table, const std::vector<int> &assignment,
                                                 const std::vector<int> &clusterIds, int perCluster)
{
    std::map<int, size_t> slot;
    for (size_t i = 0; i < clusterIds.size(); ++i)
        slot[clusterIds[i]] = i;
    std::vector<std::vector<qint64>> members(clusterIds.size());
    for (size_t s = 0; s < assignment.size(); ++s) {
        const auto it = slot.find(assignment[s]);
        if (it != slot.end() && !table.isExcluded(qint64(s)))
            members[it->second].push_back(qint64(s));
    }
    const auto worseFirst = [&](qint64 a, qint64 b) {
        const bool errorA = table.isError(a), errorB = table.isError(b);
        if (errorA != errorB)
            return errorA;
        const float lossA = table.loss[size_t(a)], lossB = table.loss[size_t(b)];
        return (std::isnan(lossB) && !std::isnan(lossA)) || lossA > lossB;
    };
    for (std::vector<qint64> &m : members) {
        const size_t keep = std::min(m.size(), size_t(std::max(0, perCluster)));
        std::partial_sort(m.begin(), m.begin() + qsizetype(keep), m.end(), worseFirst);
        m.resize(keep);
    }
    return members;
}

} // namespace

std::vector<qint64> ClusterResults::members(int cluster) const
{
    std::vector<qint64> result;
    for (size_t i = 0; i < assignment.size(); ++i) {
        if (assignment[i] == cluster)
            result.push_back(qint64(i));
    }
    return result;
}

QJsonObject ClusterStep::run(AnalysisContext &context, Progress &progress) const
{
    const Clustering clustering = cluster(context, progress);
    if (!clustering.skipped.isEmpty())
        return {{QStringLiteral("skipped"), clustering.skipped}};
    ClusterReportParams params;
    params.ranking = ranking();
    const ClusterReport report = ClusterReport::compute(clustering.assignment, context.table(), params);
    std::vector<ClusterRecord> records = clusterRecords(report);
    progress.setStep(QStringLiteral("Describing the clusters"));
    addDescriptions(context, clustering.assignment, records);
    addExamples(context, clustering.assignment, records);
    context.writeSampleColumns({{columnName(), nullptr, &clustering.assignment, 0}});
    AnalysisStore(context.project().database()).writeClusters(context.runId(), methodName(), records);
    QJsonObject summary = clustering.summary;
    summary.insert(QStringLiteral("clusters"), qint64(report.clusters.size()));
    summary.insert(QStringLiteral("significant"),
                   qint64(std::count_if(report.clusters.begin(), report.clusters.end(),
                                        [](const ClusterStats &c) { return c.significant; })));
    return summary;
}

std::unique_ptr<StepEditHook> ClusterStep::editHook(Project &project) const
{
    return std::make_unique<ClusterEditHook>(project, methodName(), columnName());
}

void ClusterStep::loadClusters(const RunScope &run, ClusterResults &results) const
{
    AnalysisStore store(run.project.database());
    results.assignment = loadSampleIntColumn(run, columnName());
    if (std::all_of(results.assignment.begin(), results.assignment.end(), [](int c) { return c < 0; }))
        results.assignment.clear();
    results.clusters = store.clusters(run.runId, methodName());
}

void ClusterStep::refreshClusters(const RunScope &run, ClusterResults &results) const
{
    results.clusters = AnalysisStore(run.project.database()).clusters(run.runId, methodName());
}

void ClusterStep::addClustersJson(const std::vector<ClusterRecord> &clusters, const QStringList &classes,
                                  QJsonObject &report) const
{
    QJsonArray array;
    for (size_t i = 0; i < clusters.size() && i < 20; ++i)
        array.append(clusterJson(clusters[i], classes));
    QJsonObject all = report.value(QStringLiteral("clusters")).toObject();
    all.insert(methodName(), array);
    report.insert(QStringLiteral("clusters"), all);
}

QString ClusterStep::clusterTableText(const QString &title, const std::vector<ClusterRecord> &clusters,
                                      const QStringList &classNames)
{
    if (clusters.empty())
        return {};
    QString text = QStringLiteral("\n%1:\n").arg(title);
    text += QStringLiteral("%1 %2 %3 %4 %5  %6\n")
                .arg(QStringLiteral("cluster"), 7)
                .arg(QStringLiteral("size"), 7)
                .arg(QStringLiteral("errors"), 7)
                .arg(QStringLiteral("rate"), 7)
                .arg(QStringLiteral("expected"), 9)
                .arg(QStringLiteral("mostly (given -> predicted)"));
    for (size_t i = 0; i < clusters.size() && i < 10; ++i) {
        const ClusterRecord &c = clusters[i];
        text += QStringLiteral("%1 %2 %3 %4 %5  %6 -> %7\n")
                    .arg(c.cluster, 7)
                    .arg(c.size, 7)
                    .arg(c.errors, 7)
                    .arg(format::percent(c.errorRate, 2), 7)
                    .arg(c.expectedErrors, 9, 'f', 1)
                    .arg(classNames.value(c.dominantLabel), classNames.value(c.dominantPredicted));
        if (!c.description.isEmpty())
            text += QStringLiteral("%1  %2\n").arg(QString(), 39).arg(c.description);
    }
    return text;
}

void ClusterStep::writeClusterSection(const ReportContext &context, HtmlReportWriter &writer,
                                      Progress &progress, const ClusterResults &results,
                                      const QString &intro) const
{
    HtmlDocument &doc = writer.document();
    const SampleTable &table = context.table;
    const HtmlSection section = htmlSection();
    doc.beginSection(section.anchor);
    doc.heading(2, section.title);
    const std::vector<ClusterRecord> &all = results.clusters;
    if (all.empty()) {
        doc.paragraph(QStringLiteral("Not analysed yet, or nothing found: run `loupe-cli analyze`."),
                      QStringLiteral("note"));
        doc.endSection();
        return;
    }
    const size_t shown = std::min(all.size(), size_t(std::max(0, writer.options().clusters)));
    doc.paragraph(QStringLiteral("%1; the %2 most severe of %3, each with its worst errors (caption: given → "
                                 "predicted).")
                      .arg(intro)
                      .arg(shown)
                      .arg(all.size()),
                  QStringLiteral("note"));
    std::vector<int> ids;
    for (size_t c = 0; c < shown; ++c)
        ids.push_back(all[c].cluster);
    const std::vector<std::vector<qint64>> examples =
        clusterExamples(table, results.assignment, ids, writer.options().examplesPerCluster);
    progress.setStep(QStringLiteral("Embedding cluster thumbnails"));
    for (size_t c = 0; c < shown; ++c) {
        const ClusterRecord &r = all[c];
        const double expected = r.labelled > 0 ? r.expectedErrors / double(r.labelled) : 0.0;
        doc.appendHtml(QStringLiteral("<div class=\"cluster\">"));
        // "Shirt → T-shirt/top" when the cluster is mostly one class taken for another.
        const QString mostly = r.dominantLabel == r.dominantPredicted
                                   ? context.className(r.dominantLabel)
                                   : context.classPair(r.dominantLabel, r.dominantPredicted);
        doc.heading(3, QStringLiteral("Cluster %1 · %2").arg(r.cluster).arg(mostly));
        doc.paragraph(
            QStringLiteral("%1 samples · %2 errors · error rate %3 vs %4 expected · mostly %5 (%6), "
                           "predicted as %7 (%8)")
                .arg(format::count(r.size), format::count(r.errors), format::percent(r.errorRate),
                     format::percent(expected), context.className(r.dominantLabel),
                     format::percent(r.dominantLabelShare, 0), context.className(r.dominantPredicted),
                     format::percent(r.dominantPredictedShare, 0)),
            QStringLiteral("stats"));
        if (!r.description.isEmpty())
            doc.paragraph(QStringLiteral("Sets it apart: ") + r.description, QStringLiteral("stats"));
        std::vector<HtmlThumbnail> thumbs;
        for (const qint64 s : examples[c])
            thumbs.push_back(writer.thumbnail(
                s, context.classPair(table.labels[size_t(s)], table.predicted[size_t(s)]), table.isError(s)));
        doc.gallery(thumbs);
        doc.appendHtml(QStringLiteral("</div>\n"));
        progress.setProgress(qint64(c + 1), qint64(shown));
        progress.throwIfCancelled();
    }
    doc.endSection();
}

} // namespace loupe
