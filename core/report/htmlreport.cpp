#include "report/htmlreport.h"

#include "analysis/pipeline/analysisregistry.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/analysisstep.h"
#include "analysis/pipeline/reportcontext.h"
#include "analysis/steps/labelissuesstep.h"
#include "common/error.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "dataset/samplecounts.h"
#include "dataset/sampletable.h"
#include "formats/htmldocument.h"
#include "metrics/classificationreport.h"
#include "report/htmlcomparisonsection.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

const QChar kArrow(0x2192);

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

/** The steps with an HTML section, in report order. */
std::vector<const AnalysisStep *> htmlSteps()
{
    std::vector<const AnalysisStep *> steps;
    for (const AnalysisStep *step : analysisSteps()) {
        if (!step->htmlSection().anchor.isEmpty())
            steps.push_back(step);
    }
    std::stable_sort(steps.begin(), steps.end(), [](const AnalysisStep *a, const AnalysisStep *b) {
        return a->reportOrder() < b->reportOrder();
    });
    return steps;
}

// Where the built-in sections go among the steps' (AnalysisStep::reportOrder()).
constexpr int kMetricsOrder = 20;
constexpr int kComparisonOrder = 90;

} // namespace

struct HtmlReport::Inputs
{
    SampleTable table;
    AnalysisResults analysis;
    ClassificationReport report;
    SampleCounts counts;
    QList<RunInfo> runs;
    QString runName;
};

/** The page and the thumbnails, as the steps' sections see them. */
class HtmlReport::Writer final : public HtmlReportWriter
{
public:
    Writer(const HtmlReport &report, const Inputs &in, HtmlDocument &doc)
        : m_report(report), m_in(in), m_doc(doc)
    {
    }

    HtmlDocument &document() override { return m_doc; }
    const HtmlReportOptions &options() const override { return m_report.m_options; }
    HtmlThumbnail thumbnail(qint64 sample, const QString &caption, bool flagged) const override
    {
        const QString image = m_in.table.images.value(sample);
        HtmlThumbnail t;
        t.dataUri = image.isEmpty() ? QString()
                                    : m_report.m_encoder.dataUri(m_report.m_project.absoluteImagePath(image));
        t.title = m_in.table.ids.value(sample);
        t.caption = caption;
        t.flagged = flagged;
        return t;
    }

private:
    const HtmlReport &m_report;
    const Inputs &m_in;
    HtmlDocument &m_doc;
};

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
    in.counts = SampleCounts::of(in.table, in.analysis.get<LabelIssueResults>().isIssue);
    progress.throwIfCancelled();

    HtmlDocument doc(QStringLiteral("Loupe report: ") + m_project.fileName());
    writeHeader(doc, in);
    if (in.table.hasPredictions()) {
        const ReportContext context{m_project, in.table, in.analysis};
        Writer writer(*this, in, doc);
        bool metricsWritten = false;
        for (const AnalysisStep *step : htmlSteps()) {
            if (!metricsWritten && step->reportOrder() > kMetricsOrder) {
                writeMetricsPair(doc, in);
                metricsWritten = true;
            }
            step->writeHtml(context, writer, progress);
            progress.throwIfCancelled();
        }
        if (!metricsWritten)
            writeMetricsPair(doc, in);
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

void HtmlReport::writeMetricsPair(HtmlDocument &doc, const Inputs &in) const
{
    doc.appendHtml(QStringLiteral("<div class=\"pair\">\n")); // side by side when they fit
    writeMetrics(doc, in);
    writeConfusion(doc, in);
    doc.appendHtml(QStringLiteral("</div>\n"));
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
    const SampleCounts &counts = in.counts;
    QString subtitle =
        t.hasPredictions() ? QStringLiteral("Run “%1”").arg(in.runName) : QStringLiteral("No prediction run");
    subtitle += QStringLiteral(" · generated %1")
                    .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    doc.appendHtml(QStringLiteral("<header><h1>%1</h1><p>%2</p></header>\n")
                       .arg(HtmlDocument::escape(m_project.fileName()), HtmlDocument::escape(subtitle)));
    std::vector<std::pair<QString, QString>> cards = {
        {QStringLiteral("samples"), format::count(counts.samples)},
        {QStringLiteral("classes"), format::count(t.classNames.size())},
        {QStringLiteral("runs"), format::count(in.runs.size())},
    };
    if (counts.unlabeled > 0)
        cards.emplace_back(QStringLiteral("unlabeled"), format::count(counts.unlabeled));
    if (counts.excluded > 0)
        cards.emplace_back(QStringLiteral("excluded"), format::count(counts.excluded));
    if (t.hasPredictions()) {
        cards.emplace_back(QStringLiteral("evaluated"), format::count(counts.evaluated));
        cards.emplace_back(QStringLiteral("errors"), format::count(counts.errors));
        cards.emplace_back(QStringLiteral("accuracy"), format::percent(in.report.accuracy));
        cards.emplace_back(QStringLiteral("macro F1"), format::fixed3(in.report.macroF1));
    }
    if (counts.flagged >= 0)
        cards.emplace_back(QStringLiteral("likely label errors"), format::count(counts.flagged));
    cards.emplace_back(QStringLiteral("edited labels"), format::count(counts.edited));
    doc.summaryCards(cards);
    if (!t.hasPredictions())
        return;
    std::vector<std::pair<int, std::pair<QString, QString>>> sections = {
        {kMetricsOrder, {QStringLiteral("metrics"), QStringLiteral("Metrics")}},
        {kMetricsOrder, {QStringLiteral("confusion"), QStringLiteral("Confusion matrix")}}};
    for (const AnalysisStep *step : htmlSteps())
        sections.push_back({step->reportOrder(), {step->htmlSection().anchor, step->htmlSection().title}});
    if (in.runs.size() >= 2)
        sections.push_back(
            {kComparisonOrder, {QStringLiteral("comparison"), QStringLiteral("Run comparison")}});
    std::stable_sort(sections.begin(), sections.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<std::pair<QString, QString>> links;
    for (const auto &section : sections)
        links.push_back(section.second);
    doc.navigation(links);
}

void HtmlReport::writeMetrics(HtmlDocument &doc, const Inputs &in) const
{
    const ClassificationReport &r = in.report;
    doc.beginSection(QStringLiteral("metrics"));
    doc.heading(2, QStringLiteral("Metrics"));
    doc.paragraph(
        QStringLiteral("Accuracy %1, macro F1 %2 on %3 labelled samples; mean loss %4. Samples "
                       "excluded in review are left out.")
            .arg(format::percent(r.accuracy, 2), format::fixed3(r.macroF1), format::count(r.samples))
            .arg(r.meanLoss, 0, 'f', 4));
    doc.beginTable({QStringLiteral("class"), QStringLiteral("precision"), QStringLiteral("recall"),
                    QStringLiteral("F1"), QStringLiteral("support")},
                   QStringLiteral("lrrrr"));
    for (const ClassMetrics &m : r.perClass)
        doc.tableRow({m.name, format::fixed3(m.precision), format::fixed3(m.recall), format::fixed3(m.f1),
                      format::count(m.support)});
    doc.tableRow({QStringLiteral("macro avg"), format::fixed3(r.macroPrecision),
                  format::fixed3(r.macroRecall), format::fixed3(r.macroF1), format::count(r.samples)},
                 QStringLiteral("total"));
    doc.tableRow({QStringLiteral("weighted avg"), format::fixed3(r.weightedPrecision),
                  format::fixed3(r.weightedRecall), format::fixed3(r.weightedF1), format::count(r.samples)});
    doc.endTable();
    if (in.table.splitNames.size() > 1) {
        doc.heading(3, QStringLiteral("Per split"));
        doc.beginTable({QStringLiteral("split"), QStringLiteral("samples"), QStringLiteral("accuracy"),
                        QStringLiteral("macro F1"), QStringLiteral("mean loss")},
                       QStringLiteral("lrrrr"));
        for (int s = 0; s < in.table.splitNames.size(); ++s) {
            const ClassificationReport split = ClassificationReport::compute(in.table, s);
            doc.tableRow({in.table.splitNames.at(s), format::count(split.samples),
                          format::percent(split.accuracy, 2), format::fixed3(split.macroF1),
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
                                    .arg(r.perClass[i].name, kArrow, r.perClass[j].name, format::count(count),
                                         format::percent(share));
            html += QStringLiteral("<td%1%2 title=\"%3\">%4</td>")
                        .arg(dark ? QStringLiteral(" class=\"dark\"") : QString(), style,
                             HtmlDocument::escape(tip), count == 0 ? QString() : format::count(count));
        }
        html += QStringLiteral("</tr>\n");
    }
    doc.appendHtml(html + QStringLiteral("</tbody></table></div>\n"));
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

} // namespace loupe
