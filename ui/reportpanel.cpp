#include "reportpanel.h"

#include "analysis/steps/diagnosisstep.h"
#include "metrics/classificationreport.h"
#include "projectsession.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace loupe {

namespace {

QStandardItem *numberItem(double value, int decimals = 3)
{
    auto *item = new QStandardItem(QString::number(value, 'f', decimals));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setData(value, Qt::UserRole);
    return item;
}

QList<QStandardItem *> reportRow(const QString &name, double precision, double recall, double f1,
                                 qint64 support, bool emphasise)
{
    auto *nameItem = new QStandardItem(name);
    QList<QStandardItem *> row{nameItem, numberItem(precision), numberItem(recall), numberItem(f1),
                               numberItem(double(support), 0)};
    if (emphasise) {
        for (QStandardItem *item : row) {
            QFont font = item->font();
            font.setBold(true);
            item->setFont(font);
        }
    }
    return row;
}

} // namespace

ReportPanel::ReportPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_scope(new QComboBox(this)), m_summary(new QLabel(this)),
      m_table(new QTableView(this)), m_model(new QStandardItemModel(this))
{
    auto *header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("Samples:"), this));
    header->addWidget(m_scope, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(header);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setAlternatingRowColors(true);
    m_model->setSortRole(Qt::UserRole);

    connect(&session, &ProjectSession::opened, this, &ReportPanel::refreshScopes);
    connect(&session, &ProjectSession::closed, this, &ReportPanel::refreshScopes);
    connect(&session, &ProjectSession::samplesEdited, this,
            &ReportPanel::refresh); // labels and excluded samples
    connect(&session, &ProjectSession::analysisReloaded, this, &ReportPanel::refresh);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &ReportPanel::refresh);
    refreshScopes();
}

void ReportPanel::refreshScopes()
{
    const QSignalBlocker blocker(m_scope);
    m_scope->clear();
    m_scope->addItem(tr("All"), -1);
    const QStringList splits = m_session.table().splitNames;
    for (int s = 0; s < splits.size(); ++s)
        m_scope->addItem(tr("Split: %1").arg(splits.at(s)), s);
    refresh();
}

void ReportPanel::refresh()
{
    m_model->clear();
    m_model->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support")});
    const SampleTable &table = m_session.table();
    if (!m_session.isOpen()) {
        m_summary->setText(tr("No project open."));
        Q_EMIT reportChanged(ClassificationReport());
        return;
    }
    if (!table.hasPredictions()) {
        m_summary->setText(tr("This project has no predictions yet."));
        Q_EMIT reportChanged(ClassificationReport());
        return;
    }
    const ClassificationReport report = ClassificationReport::compute(table, splitIndex());
    QString summary = tr("<b>Accuracy %1%</b> on %2 samples · macro F1 %3 · mean loss %4")
                          .arg(report.accuracy * 100.0, 0, 'f', 2)
                          .arg(QLocale().toString(report.samples))
                          .arg(report.macroF1, 0, 'f', 3)
                          .arg(report.meanLoss, 0, 'f', 3);
    const auto excluded = std::count(table.review.begin(), table.review.end(), ReviewStatus::Excluded);
    if (excluded > 0)
        summary += tr(" · %n excluded sample(s) left out", nullptr, int(excluded));
    const QString &diagnosis = m_session.analysis().get<DiagnosisResults>().sentence;
    if (!diagnosis.isEmpty())
        summary += QStringLiteral("<br>") + diagnosis.toHtmlEscaped();
    m_summary->setText(summary);
    for (const ClassMetrics &m : report.perClass)
        m_model->appendRow(reportRow(m.name, m.precision, m.recall, m.f1, m.support, false));
    m_model->appendRow(reportRow(tr("macro avg"), report.macroPrecision, report.macroRecall, report.macroF1,
                                 report.samples, true));
    m_model->appendRow(reportRow(tr("weighted avg"), report.weightedPrecision, report.weightedRecall,
                                 report.weightedF1, report.samples, true));
    m_table->resizeColumnsToContents();
    Q_EMIT reportChanged(report);
}

QString ReportPanel::summaryText() const
{
    return m_summary->text();
}

int ReportPanel::splitIndex() const
{
    return m_scope->currentData().isValid() ? m_scope->currentData().toInt() : -1;
}

} // namespace loupe
