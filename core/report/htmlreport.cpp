#include "report/htmlreport.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <QDateTime>
#include <QFileInfo>
#include <QSaveFile>

#include "analysis/pipeline/analysisresults.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "metrics/classificationreport.h"
#include "report/htmlcomparisonsection.h"
#include "report/htmldocument.h"
#include "report/runcomparison.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

namespace loupe {

struct HtmlReport::Inputs
{
    SampleTable table;
    AnalysisResults analysis;
    ClassificationReport report;
    QList<RunInfo> runs;
    QString runName;
};

namespace {

const QChar kArrow(0x2192);

QString className(const SampleTable &table, int index)
{
    return index < 0 ? QStringLiteral("–") : table.classNames.value(index, QStringLiteral("?"));
}

QString pair(const SampleTable &table, int given, int shown)
{
    return className(table, given) + QLatin1Char(' ') + kArrow + QLatin1Char(' ') + className(table, shown);
}

QString fixed3(double value)
{
    return QString::number(value, 'f', 3);
}

bool isError(const SampleTable &table, qint64 sample)
{
    const auto i = size_t(sample);
    return table.labels[i] >= 0 && table.predicted[i] >= 0 && table.labels[i] != table.predicted[i] &&
           !table.isExcluded(sample);
}

/** "split = test", "brightness in [0.21, 0.34)", "brightness >= 0.5" (as `report` prints them). */
QString sliceName(const SliceRecord &slice)
{
    const QChar first = slice.value.isEmpty() ? QChar() : slice.value.front();
    if (first == QLatin1Char('[') || first == QLatin1Char('('))
        return slice.column + QStringLiteral(" in ") + slice.value;
    if (first == QLatin1Char('<') || first == QLatin1Char('>'))
        return slice.column + QLatin1Char(' ') + slice.value;
    return slice.column + QStringLiteral(" = ") + slice.value;
}

/**
 * Heatmap colour of a confusion cell from its share of the row: the diagonal in green
 * (how much of the class is right), errors in red. Errors are rare next to the diagonal,
 * so their scale saturates at a third of the row to keep a 5 % confusion visible.
 */
QString cellStyle(double share, bool diagonal, bool &dark)
{
    const double alpha = diagonal ? 0.10 + 0.80 * share : std::min(1.0, 3.0 * share) * 0.85;
    dark = alpha > 0.5;
    if (share <= 0.0)
        return {};
    return QStringLiteral(" style=\"background:rgba(%1,%2)\"")
        .arg(diagonal ? QStringLiteral("10,122,60") : QStringLiteral("190,40,30"))
        .arg(alpha, 0, 'f', 3);
}

/** Members of each shown cluster: errors with the highest loss first, then the rest by loss. */
std::vector<std::vector<qint64>> clusterExamples(const SampleTable &table, const AnalysisResults &analysis,
                                                 const std::vector<int> &clusterIds, int perCluster)
{
    std::map<int, size_t> slot;
    for (size_t i = 0; i < clusterIds.size(); ++i)
        slot[clusterIds[i]] = i;
    std::vector<std::vector<qint64>> members(clusterIds.size());
    for (size_t s = 0; s < analysis.cluster.size(); ++s) {
        const auto it = slot.find(analysis.cluster[s]);
        if (it != slot.end() && !table.isExcluded(qint64(s)))
            members[it->second].push_back(qint64(s));
    }
    const auto worseFirst = [&](qint64 a, qint64 b) {
        const bool errorA = isError(table, a), errorB = isError(table, b);
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

HtmlReport::HtmlReport(Project &project, HtmlReportOptions options)
    : m_project(project), m_options(options), m_encoder(options.thumbnailSize)
{
}

QString HtmlReport::render(Progress &progress)
{
    progress.setStep(QStringLiteral("Reading the project"));
    Inputs in;
    in.table = loadSampleTable(m_project);
    in.runs = m_project.runs();
    for (const RunInfo &run : in.runs) {
        if (run.id == in.table.runId)
            in.runName = run.name;
    }
    if (in.table.hasPredictions()) {
        in.analysis = AnalysisResults::load(m_project, in.table.runId, in.table.size());
        in.report = ClassificationReport::compute(in.table);
    }
    progress.throwIfCancelled();

    HtmlDocument doc(QStringLiteral("Loupe report: ") + m_project.fileName());
    writeHeader(doc, in);
    if (in.table.hasPredictions()) {
        writeDiagnosis(doc, in);
        doc.appendHtml(QStringLiteral("<div class=\"pair\">\n")); // side by side when they fit
        writeMetrics(doc, in);
        writeConfusion(doc, in);
        doc.appendHtml(QStringLiteral("</div>\n"));
        writeClusters(doc, in, progress);
        writeSlices(doc, in);
        writeLabelIssues(doc, in, progress);
        writeComparison(doc, in, progress);
    } else {
        doc.beginSection(QStringLiteral("metrics"));
        doc.paragraph(
            QStringLiteral("No predictions yet: import a run (predictions.npy or logits.npy) to get "
                           "metrics, failure clusters and label issues."));
        doc.endSection();
    }
    doc.appendHtml(QStringLiteral("<footer>Made with Loupe %1 · loupe-cli report --html</footer>\n")
                       .arg(HtmlDocument::escape(QStringLiteral(LOUPE_VERSION_STRING))));
    return doc.toHtml();
}

void HtmlReport::write(const QString &path, Progress &progress)
{
    const QString html = render(progress);
    progress.setStep(QStringLiteral("Writing %1").arg(QFileInfo(path).fileName()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("%1: cannot write the report: %2").arg(path, file.errorString()));
    file.write(html.toUtf8());
    if (!file.commit())
        throw Error(QStringLiteral("%1: cannot write the report: %2").arg(path, file.errorString()));
}

void HtmlReport::writeHeader(HtmlDocument &doc, const Inputs &in) const
{
    const SampleTable &t = in.table;
    QString subtitle = in.table.hasPredictions() ? QStringLiteral("Run “%1”").arg(in.runName)
                                                 : QStringLiteral("No prediction run");
    subtitle += QStringLiteral(" · generated %1")
                    .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    doc.appendHtml(QStringLiteral("<header><h1>%1</h1><p>%2</p></header>\n")
                       .arg(HtmlDocument::escape(m_project.fileName()), HtmlDocument::escape(subtitle)));
    qint64 edited = 0;
    for (qint64 i = 0; i < t.size(); ++i)
        edited += t.isEdited(i);
    std::vector<std::pair<QString, QString>> cards = {
        {QStringLiteral("samples"), HtmlDocument::number(t.size())},
        {QStringLiteral("classes"), HtmlDocument::number(t.classNames.size())},
        {QStringLiteral("runs"), HtmlDocument::number(in.runs.size())},
    };
    if (t.hasPredictions()) {
        cards.emplace_back(QStringLiteral("accuracy"), HtmlDocument::percent(in.report.accuracy));
        cards.emplace_back(QStringLiteral("macro F1"), fixed3(in.report.macroF1));
    }
    if (!in.analysis.isIssue.empty())
        cards.emplace_back(
            QStringLiteral("likely label errors"),
            HtmlDocument::number(std::count(in.analysis.isIssue.begin(), in.analysis.isIssue.end(), 1)));
    cards.emplace_back(QStringLiteral("edited labels"), HtmlDocument::number(edited));
    doc.summaryCards(cards);
    if (!t.hasPredictions())
        return;
    std::vector<std::pair<QString, QString>> links = {
        {QStringLiteral("diagnosis"), QStringLiteral("Diagnosis")},
        {QStringLiteral("metrics"), QStringLiteral("Metrics")},
        {QStringLiteral("confusion"), QStringLiteral("Confusion matrix")},
        {QStringLiteral("clusters"), QStringLiteral("Failure clusters")},
        {QStringLiteral("slices"), QStringLiteral("Slices")},
        {QStringLiteral("label-issues"), QStringLiteral("Label issues")}};
    if (in.runs.size() >= 2)
        links.emplace_back(QStringLiteral("comparison"), QStringLiteral("Run comparison"));
    doc.navigation(links);
}

void HtmlReport::writeDiagnosis(HtmlDocument &doc, const Inputs &in) const
{
    doc.beginSection(QStringLiteral("diagnosis"));
    doc.heading(2, QStringLiteral("Fit diagnosis"));
    if (in.analysis.diagnosis.isEmpty())
        doc.paragraph(QStringLiteral("Not analysed yet: run `loupe-cli analyze` for the diagnosis."),
                      QStringLiteral("note"));
    else
        doc.paragraph(in.analysis.diagnosis, QStringLiteral("diagnosis"));
    doc.endSection();
}

void HtmlReport::writeMetrics(HtmlDocument &doc, const Inputs &in) const
{
    const ClassificationReport &r = in.report;
    doc.beginSection(QStringLiteral("metrics"));
    doc.heading(2, QStringLiteral("Metrics"));
    doc.paragraph(
        QStringLiteral("Accuracy %1, macro F1 %2 on %3 labelled samples; mean loss %4. Samples "
                       "excluded in review are left out.")
            .arg(HtmlDocument::percent(r.accuracy, 2), fixed3(r.macroF1), HtmlDocument::number(r.samples))
            .arg(r.meanLoss, 0, 'f', 4));
    doc.beginTable({QStringLiteral("class"), QStringLiteral("precision"), QStringLiteral("recall"),
                    QStringLiteral("F1"), QStringLiteral("support")},
                   QStringLiteral("lrrrr"));
    for (const ClassMetrics &m : r.perClass)
        doc.tableRow(
            {m.name, fixed3(m.precision), fixed3(m.recall), fixed3(m.f1), HtmlDocument::number(m.support)});
    doc.tableRow({QStringLiteral("macro avg"), fixed3(r.macroPrecision), fixed3(r.macroRecall),
                  fixed3(r.macroF1), HtmlDocument::number(r.samples)},
                 QStringLiteral("total"));
    doc.tableRow({QStringLiteral("weighted avg"), fixed3(r.weightedPrecision), fixed3(r.weightedRecall),
                  fixed3(r.weightedF1), HtmlDocument::number(r.samples)});
    doc.endTable();
    if (in.table.splitNames.size() > 1) {
        doc.heading(3, QStringLiteral("Per split"));
        doc.beginTable({QStringLiteral("split"), QStringLiteral("samples"), QStringLiteral("accuracy"),
                        QStringLiteral("macro F1"), QStringLiteral("mean loss")},
                       QStringLiteral("lrrrr"));
        for (int s = 0; s < in.table.splitNames.size(); ++s) {
            const ClassificationReport split = ClassificationReport::compute(in.table, s);
            doc.tableRow({in.table.splitNames.at(s), HtmlDocument::number(split.samples),
                          HtmlDocument::percent(split.accuracy, 2), fixed3(split.macroF1),
                          QString::number(split.meanLoss, 'f', 4)});
        }
        doc.endTable();
    }
    doc.endSection();
}

void HtmlReport::writeConfusion(HtmlDocument &doc, const Inputs &in) const
{
    const ClassificationReport &r = in.report;
    doc.beginSection(QStringLiteral("confusion"));
    doc.heading(2, QStringLiteral("Confusion matrix"));
    doc.paragraph(QStringLiteral("Rows: given label; columns: predicted. Colour shows the share of the row: "
                                 "green on the diagonal (right), red off it (confused)."),
                  QStringLiteral("note"));
    QString html = QStringLiteral("<div class=\"scroll\"><table class=\"cm\"><thead><tr>"
                                  "<th class=\"row axis\">given ") +
                   kArrow + QStringLiteral(" predicted</th>");
    for (const ClassMetrics &m : r.perClass)
        html += QStringLiteral("<th class=\"col\"><span>%1</span></th>").arg(HtmlDocument::escape(m.name));
    html += QStringLiteral("</tr></thead><tbody>\n");
    for (size_t i = 0; i < r.confusion.size(); ++i) {
        qint64 rowTotal = 0;
        for (const qint64 count : r.confusion[i])
            rowTotal += count;
        html += QStringLiteral("<tr><th class=\"row\">%1</th>").arg(HtmlDocument::escape(r.perClass[i].name));
        for (size_t j = 0; j < r.confusion[i].size(); ++j) {
            const qint64 count = r.confusion[i][j];
            const double share = rowTotal > 0 ? double(count) / double(rowTotal) : 0.0;
            bool dark = false;
            const QString style = cellStyle(share, i == j, dark);
            const QString tip = QStringLiteral("%1 %2 %3: %4 (%5 of the row)")
                                    .arg(r.perClass[i].name, kArrow, r.perClass[j].name,
                                         HtmlDocument::number(count), HtmlDocument::percent(share));
            html += QStringLiteral("<td%1%2 title=\"%3\">%4</td>")
                        .arg(dark ? QStringLiteral(" class=\"dark\"") : QString(), style,
                             HtmlDocument::escape(tip), count == 0 ? QString() : HtmlDocument::number(count));
        }
        html += QStringLiteral("</tr>\n");
    }
    doc.appendHtml(html + QStringLiteral("</tbody></table></div>\n"));
    doc.endSection();
}

void HtmlReport::writeClusters(HtmlDocument &doc, const Inputs &in, Progress &progress) const
{
    doc.beginSection(QStringLiteral("clusters"));
    doc.heading(2, QStringLiteral("Failure clusters"));
    const std::vector<ClusterRecord> &all = in.analysis.clusters;
    if (all.empty()) {
        doc.paragraph(QStringLiteral("Not analysed yet: run `loupe-cli analyze` to find failure clusters."),
                      QStringLiteral("note"));
        doc.endSection();
        return;
    }
    const size_t shown = std::min(all.size(), size_t(std::max(0, m_options.clusters)));
    doc.paragraph(
        QStringLiteral("Groups of similar samples (k-means on the embeddings) where the model fails "
                       "more than their class mix predicts; the %1 most severe of %2, each with its "
                       "worst errors (caption: given %3 predicted).")
            .arg(shown)
            .arg(all.size())
            .arg(kArrow),
        QStringLiteral("note"));
    std::vector<int> ids;
    for (size_t c = 0; c < shown; ++c)
        ids.push_back(all[c].cluster);
    const std::vector<std::vector<qint64>> examples =
        clusterExamples(in.table, in.analysis, ids, m_options.examplesPerCluster);
    progress.setStep(QStringLiteral("Embedding cluster thumbnails"));
    for (size_t c = 0; c < shown; ++c) {
        const ClusterRecord &r = all[c];
        const double expected = r.labelled > 0 ? r.expectedErrors / double(r.labelled) : 0.0;
        doc.appendHtml(QStringLiteral("<div class=\"cluster\">"));
        // "Shirt → T-shirt/top" when the cluster is mostly one class taken for another.
        const QString mostly = r.dominantLabel == r.dominantPredicted
                                   ? className(in.table, r.dominantLabel)
                                   : pair(in.table, r.dominantLabel, r.dominantPredicted);
        doc.heading(3, QStringLiteral("Cluster %1 · %2").arg(r.cluster).arg(mostly));
        doc.paragraph(
            QStringLiteral("%1 samples · %2 errors · error rate %3 vs %4 expected · mostly %5 (%6), "
                           "predicted as %7 (%8)")
                .arg(HtmlDocument::number(r.size), HtmlDocument::number(r.errors),
                     HtmlDocument::percent(r.errorRate), HtmlDocument::percent(expected),
                     className(in.table, r.dominantLabel), HtmlDocument::percent(r.dominantLabelShare, 0),
                     className(in.table, r.dominantPredicted),
                     HtmlDocument::percent(r.dominantPredictedShare, 0)),
            QStringLiteral("stats"));
        std::vector<HtmlThumbnail> thumbs;
        for (const qint64 s : examples[c])
            thumbs.push_back(
                thumbnail(in, s, pair(in.table, in.table.labels[size_t(s)], in.table.predicted[size_t(s)]),
                          isError(in.table, s)));
        doc.gallery(thumbs);
        doc.appendHtml(QStringLiteral("</div>\n"));
        progress.setProgress(qint64(c + 1), qint64(shown));
        progress.throwIfCancelled();
    }
    doc.endSection();
}

void HtmlReport::writeSlices(HtmlDocument &doc, const Inputs &in) const
{
    doc.beginSection(QStringLiteral("slices"));
    doc.heading(2, QStringLiteral("Slices"));
    const std::vector<SliceRecord> &slices = in.analysis.slices;
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
    for (size_t i = 0; i < slices.size() && i < size_t(std::max(0, m_options.slices)); ++i) {
        const SliceRecord &s = slices[i];
        doc.tableRow(
            {sliceName(s), HtmlDocument::number(s.count), HtmlDocument::number(s.errors),
             HtmlDocument::percent(s.errorRate),
             HtmlDocument::percent(s.ciLow) + QStringLiteral(" – ") + HtmlDocument::percent(s.ciHigh),
             QString::number(s.lift, 'f', 2) + QChar(0x00D7)});
    }
    doc.endTable();
    doc.endSection();
}

void HtmlReport::writeLabelIssues(HtmlDocument &doc, const Inputs &in, Progress &progress) const
{
    doc.beginSection(QStringLiteral("label-issues"));
    doc.heading(2, QStringLiteral("Label issues"));
    const AnalysisResults &a = in.analysis;
    if (!a.hasIssueScores()) {
        doc.paragraph(
            QStringLiteral("Not analysed yet: run `loupe-cli analyze` to find likely label errors."),
            QStringLiteral("note"));
        doc.endSection();
        return;
    }
    std::vector<qint64> flagged;
    qint64 labelled = 0;
    std::map<std::pair<int, int>, qint64> pairs; // (given, suggested) -> count among flagged
    for (qint64 s = 0; s < in.table.size(); ++s) {
        labelled += in.table.labels[size_t(s)] >= 0;
        if (a.isIssue.size() > size_t(s) && a.isIssue[size_t(s)] == 1) {
            flagged.push_back(s);
            ++pairs[{in.table.labels[size_t(s)],
                     a.suggestedLabel.empty() ? -1 : a.suggestedLabel[size_t(s)]}];
        }
    }
    doc.paragraph(
        QStringLiteral("%1 samples (%2 of the labelled ones) are flagged as likely mislabeled "
                       "(confident learning on out-of-sample predictions). `loupe-cli export --suspects` "
                       "lists them all for relabeling.")
            .arg(HtmlDocument::number(qint64(flagged.size())),
                 HtmlDocument::percent(labelled > 0 ? double(flagged.size()) / double(labelled) : 0.0)));
    std::vector<std::pair<std::pair<int, int>, qint64>> common(pairs.begin(), pairs.end());
    std::stable_sort(common.begin(), common.end(),
                     [](const auto &x, const auto &y) { return x.second > y.second; });
    if (!common.empty()) {
        doc.beginTable({QStringLiteral("given → suggested"), QStringLiteral("samples")},
                       QStringLiteral("lr"));
        for (size_t i = 0; i < common.size() && i < 5; ++i)
            doc.tableRow({pair(in.table, common[i].first.first, common[i].first.second),
                          HtmlDocument::number(common[i].second)});
        doc.endTable();
    }
    const size_t top = std::min(flagged.size(), size_t(std::max(0, m_options.labelIssueExamples)));
    std::partial_sort(flagged.begin(), flagged.begin() + qsizetype(top), flagged.end(),
                      [&](qint64 x, qint64 y) { return a.issueScore[size_t(x)] > a.issueScore[size_t(y)]; });
    progress.setStep(QStringLiteral("Embedding label-issue thumbnails"));
    std::vector<HtmlThumbnail> thumbs;
    for (size_t i = 0; i < top; ++i) {
        const auto s = size_t(flagged[i]);
        thumbs.push_back(thumbnail(
            in, flagged[i],
            pair(in.table, in.table.labels[s], a.suggestedLabel.empty() ? -1 : a.suggestedLabel[s]), true));
        progress.throwIfCancelled();
    }
    if (!thumbs.empty()) {
        doc.heading(3, QStringLiteral("Most suspicious (caption: given %1 suggested)").arg(kArrow));
        doc.gallery(thumbs);
    }
    doc.endSection();
}

void HtmlReport::writeComparison(HtmlDocument &doc, const Inputs &in, Progress &progress) const
{
    // The latest run is the one the rest of the report describes; the one before it is
    // what the team is trying to improve on.
    if (in.runs.size() < 2)
        return;
    const int after = in.runs.at(in.runs.size() - 1).id;
    const int before = in.runs.at(in.runs.size() - 2).id;
    HtmlComparisonSection(m_project, m_encoder, m_options.comparisonExamples, m_options.comparisonGroups)
        .write(doc, before, after, progress);
}

HtmlThumbnail HtmlReport::thumbnail(const Inputs &in, qint64 sample, const QString &caption,
                                    bool flagged) const
{
    const QString image = in.table.images.value(sample);
    HtmlThumbnail t;
    t.dataUri = image.isEmpty() ? QString() : m_encoder.dataUri(m_project.absoluteImagePath(image));
    t.title = in.table.ids.value(sample);
    t.caption = caption;
    t.flagged = flagged;
    return t;
}

} // namespace loupe
