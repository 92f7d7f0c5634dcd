#include "comparepanel.h"

#include "common/error.h"
#include "common/numberformat.h"
#include "projectsession.h"
#include "rankingtable.h"
#include "storage/project.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace loupe {

namespace {

/** A change cell: green when it got better, red when worse (lowerIsBetter for error rates). */
QStandardItem *changeItem(double change, bool lowerIsBetter, const QString &text)
{
    QStandardItem *item = rankingtable::numberItem(change, text);
    const double better = lowerIsBetter ? -change : change;
    if (std::abs(change) > 1e-9)
        item->setForeground(better > 0 ? QColor(39, 174, 96) : QColor(214, 69, 65));
    return item;
}

} // namespace

ComparePanel::ComparePanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_before(new QComboBox(this)), m_after(new QComboBox(this)),
      m_compare(new QPushButton(tr("Compare"), this)), m_summary(new QLabel(this)),
      m_classModel(new QStandardItemModel(this)), m_classTable(new QTableView(this)),
      m_groupModel(new QStandardItemModel(this)), m_groupTable(new QTableView(this)),
      m_showFixed(new QPushButton(this)), m_showRegressed(new QPushButton(this)),
      m_showResolved(new QPushButton(this)),
      m_query(
          this, [this](std::shared_ptr<RunComparison> &comparison) { onComparisonFinished(comparison); },
          [this](const QString &error) { onComparisonFailed(error); })
{
    auto *runs = new QHBoxLayout;
    runs->addWidget(new QLabel(tr("Before:"), this));
    runs->addWidget(m_before, 1);
    runs->addWidget(new QLabel(tr("After:"), this));
    runs->addWidget(m_after, 1);
    runs->addWidget(m_compare);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_showFixed);
    buttons->addWidget(m_showRegressed);
    buttons->addWidget(m_showResolved);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(runs);
    layout->addWidget(m_summary);
    layout->addLayout(buttons);
    layout->addWidget(m_classTable, 1);
    layout->addWidget(m_groupTable, 2);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    rankingtable::setUp(m_classTable, m_classModel);
    rankingtable::setUp(m_groupTable, m_groupModel);
    // Rows come ranked (classes in class order, groups by the size of their change): keep that order.
    m_classTable->setSortingEnabled(false);
    m_groupTable->setSortingEnabled(false);
    m_showFixed->setToolTip(tr("Samples the before run got wrong and the after run gets right"));
    m_showRegressed->setToolTip(tr("Samples the before run got right and the after run gets wrong"));
    m_showResolved->setToolTip(
        tr("Likely label errors of the before run that the after run no longer flags"));

    connect(m_compare, &QPushButton::clicked, this, &ComparePanel::compare);
    connect(m_showFixed, &QPushButton::clicked, this,
            [this] { showSamples(tr("fixed in %1").arg(m_comparison->after.name), m_comparison->fixed); });
    connect(m_showRegressed, &QPushButton::clicked, this, [this] {
        showSamples(tr("regressed in %1").arg(m_comparison->after.name), m_comparison->regressed);
    });
    connect(m_showResolved, &QPushButton::clicked, this, [this] {
        showSamples(tr("label issues resolved in %1").arg(m_comparison->after.name),
                    m_comparison->issuesResolved);
    });
    connect(&session, &ProjectSession::opened, this, &ComparePanel::refreshRuns);
    connect(&session, &ProjectSession::closed, this, &ComparePanel::refreshRuns);
    // A relabel changes what "right" means for both runs: the figures are stale.
    connect(&session, &ProjectSession::samplesEdited, this, [this] {
        if (m_comparison)
            m_summary->setText(summaryText() + tr("<br><i>Labels changed since: press Compare again.</i>"));
    });
    refreshRuns();
}

ComparePanel::~ComparePanel() = default;

void ComparePanel::refreshRuns()
{
    m_query.invalidate();
    m_comparison.reset();
    m_before->clear();
    m_after->clear();
    m_classModel->clear();
    m_groupModel->clear();
    const QList<RunInfo> runs = m_session.isOpen() ? m_session.project()->runs() : QList<RunInfo>();
    for (const RunInfo &run : runs) {
        const QString text = QStringLiteral("%1  (%2)").arg(run.name, run.created.left(10));
        m_before->addItem(text, run.id);
        m_after->addItem(text, run.id);
    }
    // The natural question: the newest run against the one before it.
    m_before->setCurrentIndex(std::max(0, int(runs.size()) - 2));
    m_after->setCurrentIndex(int(runs.size()) - 1);
    m_compare->setEnabled(runs.size() >= 2);
    m_summary->setText(runs.size() >= 2
                           ? tr("Pick two runs and press Compare.")
                           : tr("Import a second run (File > Import Run, or loupe-cli import-run) "
                                "to measure what retraining changed."));
    updateButtons();
}

void ComparePanel::compare()
{
    if (!m_session.isOpen() || m_before->currentIndex() < 0)
        return;
    const int before = m_before->currentData().toInt();
    const int after = m_after->currentData().toInt();
    m_compare->setEnabled(false);
    m_summary->setText(tr("Comparing…"));
    m_query.request(m_session.project()->path(), [before, after](ProjectReader &reader) {
        return std::make_shared<RunComparison>(RunComparison::compute(reader.project(), before, after));
    });
}

void ComparePanel::waitForComparison()
{
    m_query.waitForIdle();
}

void ComparePanel::onComparisonFailed(const QString &error)
{
    m_compare->setEnabled(true);
    m_comparison.reset();
    m_summary->setText(tr("Cannot compare: %1").arg(error.toHtmlEscaped()));
    updateButtons();
}

void ComparePanel::onComparisonFinished(std::shared_ptr<RunComparison> &comparison)
{
    m_compare->setEnabled(true);
    m_comparison = comparison;
    m_summary->setText(summaryText());
    showClasses();
    showGroups();
    updateButtons();
}

QString ComparePanel::summaryText() const
{
    if (!m_comparison)
        return m_summary->text();
    const RunComparison &c = *m_comparison;
    QString text = tr("<b>%1 → %2</b> on %3 labelled samples: accuracy %4 → %5 (%6 pt), macro F1 %7 → %8")
                       .arg(c.before.name.toHtmlEscaped(), c.after.name.toHtmlEscaped())
                       .arg(QLocale().toString(c.reportBefore.samples))
                       .arg(format::percent(c.reportBefore.accuracy), format::percent(c.reportAfter.accuracy),
                            format::signedPoints(c.reportAfter.accuracy - c.reportBefore.accuracy))
                       .arg(c.reportBefore.macroF1, 0, 'f', 3)
                       .arg(c.reportAfter.macroF1, 0, 'f', 3);
    if (c.issuesBefore >= 0 && c.issuesAfter >= 0)
        text += tr("<br>Likely label errors %1 → %2").arg(c.issuesBefore).arg(c.issuesAfter);
    return text;
}

void ComparePanel::showClasses()
{
    m_classModel->clear();
    m_classModel->setHorizontalHeaderLabels({tr("Class"), tr("Support"), tr("F1 before"), tr("F1 after"),
                                             tr("Change"), tr("Recall before"), tr("Recall after")});
    const RunComparison &c = *m_comparison;
    for (size_t k = 0; k < c.reportBefore.perClass.size() && k < c.reportAfter.perClass.size(); ++k) {
        const ClassMetrics &before = c.reportBefore.perClass[k];
        const ClassMetrics &after = c.reportAfter.perClass[k];
        m_classModel->appendRow(
            {rankingtable::textItem(before.name),
             rankingtable::numberItem(double(before.support), QString::number(before.support)),
             rankingtable::numberItem(before.f1, QString::number(before.f1, 'f', 3)),
             rankingtable::numberItem(after.f1, QString::number(after.f1, 'f', 3)),
             changeItem(after.f1 - before.f1, false, QString::number(after.f1 - before.f1, 'f', 3)),
             rankingtable::numberItem(before.recall, QString::number(before.recall, 'f', 3)),
             rankingtable::numberItem(after.recall, QString::number(after.recall, 'f', 3))});
    }
    m_classTable->resizeColumnsToContents();
}

void ComparePanel::showGroups()
{
    m_groupModel->clear();
    m_groupModel->setHorizontalHeaderLabels(
        {tr("Cluster or slice"), tr("Size"), tr("Error rate before"), tr("After"), tr("Change (pt)")});
    const RunComparison &c = *m_comparison;
    for (const std::vector<GroupDelta> *groups : {&c.clusters, &c.slices}) {
        for (const GroupDelta &group : *groups) {
            m_groupModel->appendRow(
                {rankingtable::textItem(group.name),
                 rankingtable::numberItem(double(group.size), QString::number(group.size)),
                 rankingtable::numberItem(group.rateBefore(), format::percent(group.rateBefore())),
                 rankingtable::numberItem(group.rateAfter(), format::percent(group.rateAfter())),
                 changeItem(group.rateChange(), true, format::signedPoints(group.rateChange()))});
        }
    }
    m_groupTable->resizeColumnsToContents();
}

void ComparePanel::showSamples(const QString &description, const std::vector<qint64> &samples)
{
    SampleFilter filter;
    filter.kind = SampleFilter::Kind::Comparison;
    filter.description = description;
    m_session.setFilter(filter, samples);
}

void ComparePanel::updateButtons()
{
    const RunComparison *c = m_comparison.get();
    m_showFixed->setText(tr("Show fixed (%1)").arg(c ? qint64(c->fixed.size()) : 0));
    m_showRegressed->setText(tr("Show regressed (%1)").arg(c ? qint64(c->regressed.size()) : 0));
    m_showResolved->setText(tr("Show resolved issues (%1)").arg(c ? qint64(c->issuesResolved.size()) : 0));
    m_showFixed->setEnabled(c && !c->fixed.empty());
    m_showRegressed->setEnabled(c && !c->regressed.empty());
    m_showResolved->setEnabled(c && !c->issuesResolved.empty());
    m_showResolved->setVisible(!c || c->issuesBefore >= 0);
}

} // namespace loupe
