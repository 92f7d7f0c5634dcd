#include "report/htmlcomparisonsection.h"

#include <algorithm>

#include "common/numberformat.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "formats/htmldocument.h"
#include "formats/thumbnailencoder.h"
#include "report/runcomparison.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

namespace loupe {

namespace {

const QChar kArrow(0x2192);

QString runLabel(const RunInfo &run)
{
    return QStringLiteral("“%1” (%2)")
        .arg(run.name, run.created.isEmpty()
                           ? QStringLiteral("run %1").arg(run.id)
                           : run.created.left(16).replace(QLatin1Char('T'), QLatin1Char(' ')));
}

/** A signed count change, green when it went the good way. */
QString countDeltaCell(qint64 change, bool higherIsBetter)
{
    if (change == 0)
        return QStringLiteral("<span class=\"muted\">±0</span>");
    const bool better = (change > 0) == higherIsBetter;
    return QStringLiteral("<span class=\"%1\">%2%3</span>")
        .arg(better ? QStringLiteral("good") : QStringLiteral("bad"),
             change > 0 ? QStringLiteral("+") : QString(), format::count(change));
}

} // namespace

HtmlComparisonSection::HtmlComparisonSection(Project &project, const ThumbnailEncoder &encoder, int examples,
                                             int groups)
    : m_project(project), m_encoder(encoder), m_examples(std::max(0, examples)), m_groups(std::max(0, groups))
{
}

void HtmlComparisonSection::write(HtmlDocument &doc, int before, int after, Progress &progress) const
{
    progress.setStep(QStringLiteral("Comparing the runs"));
    const RunComparison comparison = RunComparison::compute(m_project, before, after);
    const SampleTable tableBefore = loadSampleTable(m_project, before);
    const SampleTable tableAfter = loadSampleTable(m_project, after);
    progress.throwIfCancelled();
    doc.beginSection(QStringLiteral("comparison"));
    doc.heading(2, QStringLiteral("Latest run against the previous one"));
    writeHeadline(doc, comparison);
    writePerClass(doc, comparison);
    writeSamples(doc, comparison, tableBefore, tableAfter, progress);
    writeGroups(doc, QStringLiteral("Failure clusters whose error rate changed most"), comparison.clusters);
    writeGroups(doc, QStringLiteral("Slices whose error rate changed most"), comparison.slices);
    doc.endSection();
}

void HtmlComparisonSection::writeHeadline(HtmlDocument &doc, const RunComparison &c) const
{
    doc.paragraph(
        QStringLiteral("Before: %1 %2 after: %3, on the same %4 labelled samples and the current labels.")
            .arg(runLabel(c.before), kArrow, runLabel(c.after), format::count(c.reportBefore.samples)),
        QStringLiteral("note"));
    std::vector<std::pair<QString, QString>> cards = {
        {QStringLiteral("fixed (wrong → right)"), format::count(qint64(c.fixed.size()))},
        {QStringLiteral("regressed (right → wrong)"), format::count(qint64(c.regressed.size()))},
    };
    if (c.issuesBefore >= 0 && c.issuesAfter >= 0)
        cards.emplace_back(QStringLiteral("label issues no longer flagged"),
                           format::count(qint64(c.issuesResolved.size())));
    doc.summaryCards(cards);
    doc.beginTable({QString(), QStringLiteral("before"), QStringLiteral("after"), QStringLiteral("change")},
                   QStringLiteral("lrrr"));
    const ClassificationReport &b = c.reportBefore, &a = c.reportAfter;
    doc.tableRowHtml({QStringLiteral("accuracy"), format::percent(b.accuracy, 2),
                      format::percent(a.accuracy, 2), HtmlDocument::deltaCell(a.accuracy - b.accuracy)});
    doc.tableRowHtml({QStringLiteral("macro F1"), format::fixed3(b.macroF1), format::fixed3(a.macroF1),
                      HtmlDocument::deltaCell(a.macroF1 - b.macroF1, true, false)});
    doc.tableRowHtml({QStringLiteral("mean loss"), QString::number(b.meanLoss, 'f', 4),
                      QString::number(a.meanLoss, 'f', 4),
                      HtmlDocument::deltaCell(a.meanLoss - b.meanLoss, false, false)});
    if (c.issuesBefore >= 0 && c.issuesAfter >= 0)
        doc.tableRowHtml({QStringLiteral("likely label errors"), format::count(c.issuesBefore),
                          format::count(c.issuesAfter),
                          countDeltaCell(c.issuesAfter - c.issuesBefore, false)});
    doc.endTable();
}

void HtmlComparisonSection::writePerClass(HtmlDocument &doc, const RunComparison &c) const
{
    doc.heading(3, QStringLiteral("F1 per class"));
    doc.beginTable({QStringLiteral("class"), QStringLiteral("support"), QStringLiteral("F1 before"),
                    QStringLiteral("F1 after"), QStringLiteral("change")},
                   QStringLiteral("lrrrr"));
    for (size_t i = 0; i < c.reportBefore.perClass.size() && i < c.reportAfter.perClass.size(); ++i) {
        const ClassMetrics &b = c.reportBefore.perClass[i], &a = c.reportAfter.perClass[i];
        doc.tableRowHtml({HtmlDocument::escape(b.name), format::count(b.support), format::fixed3(b.f1),
                          format::fixed3(a.f1), HtmlDocument::deltaCell(a.f1 - b.f1, true, false)});
    }
    doc.endTable();
}

void HtmlComparisonSection::writeSamples(HtmlDocument &doc, const RunComparison &c, const SampleTable &before,
                                         const SampleTable &after, Progress &progress) const
{
    progress.setStep(QStringLiteral("Embedding comparison thumbnails"));
    const std::vector<HtmlThumbnail> fixed = thumbnails(c.fixed, before, after, false, progress);
    const std::vector<HtmlThumbnail> regressed = thumbnails(c.regressed, before, after, true, progress);
    if (fixed.empty() && regressed.empty())
        return;
    doc.paragraph(
        QStringLiteral("Largest change in loss first; caption: prediction before %1 after.").arg(kArrow),
        QStringLiteral("note"));
    if (!fixed.empty()) {
        doc.heading(3, QStringLiteral("Fixed: wrong before, right after (%1)")
                           .arg(format::count(qint64(c.fixed.size()))));
        doc.gallery(fixed);
    }
    if (!regressed.empty()) {
        doc.heading(3, QStringLiteral("Regressed: right before, wrong after (%1)")
                           .arg(format::count(qint64(c.regressed.size()))));
        doc.gallery(regressed);
    }
}

void HtmlComparisonSection::writeGroups(HtmlDocument &doc, const QString &title,
                                        const std::vector<GroupDelta> &groups) const
{
    std::vector<const GroupDelta *> shown;
    for (const GroupDelta &group : groups) {
        if (group.labelled > 0 && shown.size() < size_t(m_groups))
            shown.push_back(&group);
    }
    if (shown.empty())
        return;
    doc.heading(3, title);
    doc.beginTable({QStringLiteral("group"), QStringLiteral("samples"), QStringLiteral("error rate before"),
                    QStringLiteral("error rate after"), QStringLiteral("change")},
                   QStringLiteral("lrrrr"));
    for (const GroupDelta *g : shown)
        doc.tableRowHtml({HtmlDocument::escape(g->name), format::count(g->size),
                          format::percent(g->rateBefore()), format::percent(g->rateAfter()),
                          HtmlDocument::deltaCell(g->rateChange(), false)});
    doc.endTable();
}

std::vector<HtmlThumbnail> HtmlComparisonSection::thumbnails(const std::vector<qint64> &samples,
                                                             const SampleTable &before,
                                                             const SampleTable &after, bool regressed,
                                                             Progress &progress) const
{
    std::vector<HtmlThumbnail> result;
    for (size_t i = 0; i < samples.size() && i < size_t(m_examples); ++i) {
        const qint64 s = samples[i];
        const QString image = after.images.value(s);
        HtmlThumbnail t;
        t.dataUri = image.isEmpty() ? QString() : m_encoder.dataUri(m_project.absoluteImagePath(image));
        t.title = after.ids.value(s);
        t.caption = before.classNames.value(before.predicted[size_t(s)]) + QLatin1Char(' ') + kArrow +
                    QLatin1Char(' ') + after.classNames.value(after.predicted[size_t(s)]);
        t.flagged = regressed;
        result.push_back(t);
        progress.throwIfCancelled();
    }
    return result;
}

} // namespace loupe
