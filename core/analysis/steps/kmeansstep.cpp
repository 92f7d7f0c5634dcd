#include "analysis/steps/kmeansstep.h"

#include "analysis/clustering/kmeans.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/htmlreportwriter.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "formats/htmldocument.h"
#include "storage/project.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <map>

namespace loupe {

namespace {

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

ClusterStep::Clustering KMeansStep::cluster(AnalysisContext &context, Progress &progress) const
{
    if (!context.hasEmbeddings())
        return {{}, {}, QStringLiteral("the run has no embeddings")};
    progress.setStep(QStringLiteral("Clustering the embeddings (k-means)"));
    const KMeansResult result =
        KMeans(context.options().kmeans)
            .run(context.embeddings().data(), context.samples(), context.dimensions(), progress);
    return {result.labels, {{QStringLiteral("k"), result.k}}, {}};
}

QString KMeansStep::reportText(const ReportContext &context) const
{
    const std::vector<ClusterRecord> &clusters = context.analysis.get<EmbeddingClusters>().clusters;
    if (clusters.empty())
        return {};
    QString text = QStringLiteral("\nMost severe failure clusters (k-means on the embeddings):\n");
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
                    .arg(context.table.classNames.value(c.dominantLabel),
                         context.table.classNames.value(c.dominantPredicted));
    }
    return text;
}

AnalysisStep::HtmlSection KMeansStep::htmlSection() const
{
    return {QStringLiteral("clusters"), QStringLiteral("Failure clusters")};
}

void KMeansStep::writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const
{
    HtmlDocument &doc = writer.document();
    const SampleTable &table = context.table;
    const EmbeddingClusters &results = context.analysis.get<EmbeddingClusters>();
    doc.beginSection(QStringLiteral("clusters"));
    doc.heading(2, QStringLiteral("Failure clusters"));
    const std::vector<ClusterRecord> &all = results.clusters;
    if (all.empty()) {
        doc.paragraph(QStringLiteral("Not analysed yet: run `loupe-cli analyze` to find failure clusters."),
                      QStringLiteral("note"));
        doc.endSection();
        return;
    }
    const size_t shown = std::min(all.size(), size_t(std::max(0, writer.options().clusters)));
    doc.paragraph(
        QStringLiteral("Groups of similar samples (k-means on the embeddings) where the model fails "
                       "more than their class mix predicts; the %1 most severe of %2, each with its "
                       "worst errors (caption: given → predicted).")
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
