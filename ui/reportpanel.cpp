#include "reportpanel.h"

#include "prcurveview.h"

#include <cmath>

#include <QDoubleSpinBox>

#include "analysis/steps/diagnosisstep.h"
#include "metrics/classificationreport.h"
#include "projectsession.h"

#include <QComboBox>
#include <QGridLayout>
#include <QSlider>
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

/**
 * A slider beside box, in hundredths of its range, kept in step with it both ways: dragging
 * changes the value as the spin box does (so the panel recomputes as the slider moves), and
 * the spin box stays there for an exact value.
 */
QSlider *sliderFor(QDoubleSpinBox *box, QWidget *parent)
{
    auto *slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(int(std::lround(box->minimum() * 100.0)), int(std::lround(box->maximum() * 100.0)));
    slider->setValue(int(std::lround(box->value() * 100.0)));
    slider->setToolTip(box->toolTip());
    QObject::connect(slider, &QSlider::valueChanged, box, [box](int value) { box->setValue(value / 100.0); });
    QObject::connect(box, &QDoubleSpinBox::valueChanged, slider, [slider](double value) {
        const QSignalBlocker blocker(slider);
        slider->setValue(int(std::lround(value * 100.0)));
    });
    return slider;
}

/** Precision and recall of each class at the thresholds, from the confusion matrix with background. */
std::pair<double, double> precisionRecallAt(const std::vector<std::vector<qint64>> &confusion, size_t c)
{
    if (c >= confusion.size())
        return {NAN, NAN};
    qint64 predicted = 0, annotated = 0;
    for (size_t r = 0; r < confusion.size(); ++r)
        predicted += confusion[r][c];
    for (const qint64 n : confusion[c])
        annotated += n;
    const double found = double(confusion[c][c]);
    return {predicted > 0 ? found / double(predicted) : NAN, annotated > 0 ? found / double(annotated) : NAN};
}

} // namespace

ReportPanel::ReportPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_scope(new QComboBox(this)), m_summary(new QLabel(this)),
      m_table(new QTableView(this)), m_model(new QStandardItemModel(this)), m_thresholds(new QWidget(this)),
      m_minScore(new QDoubleSpinBox(this)), m_matchIou(new QDoubleSpinBox(this)),
      m_prCurve(new PrCurveView(this)),
      m_detection(
          this, [this](DetectionSummary &summary) { showDetection(summary); },
          [this](const QString &message) { m_summary->setText(message.toHtmlEscaped()); })
{
    m_scopeRow = new QWidget(this); // splits: a classification project's
    auto *header = new QHBoxLayout(m_scopeRow);
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(new QLabel(tr("Samples:"), m_scopeRow));
    header->addWidget(m_scope, 1);
    // A detection project's thresholds: what counts as a prediction, and as finding an object.
    m_minScore->setRange(0.0, 1.0);
    m_minScore->setSingleStep(0.05);
    m_minScore->setValue(kShippedScore);
    m_minScore->setPrefix(tr("score ≥ "));
    m_minScore->setToolTip(tr("Boxes scoring less are not predictions (error types, confusion matrix)"));
    m_matchIou->setRange(0.05, 0.95);
    m_matchIou->setSingleStep(0.05);
    m_matchIou->setValue(0.5);
    m_matchIou->setPrefix(tr("IoU ≥ "));
    m_matchIou->setToolTip(tr("A box overlapping an object this much finds it"));
    m_minScoreSlider = sliderFor(m_minScore, m_thresholds);
    m_matchIouSlider = sliderFor(m_matchIou, m_thresholds);
    auto *thresholds = new QGridLayout(m_thresholds);
    thresholds->setContentsMargins(0, 0, 0, 0);
    thresholds->addWidget(m_minScoreSlider, 0, 0);
    thresholds->addWidget(m_minScore, 0, 1);
    thresholds->addWidget(m_matchIouSlider, 1, 0);
    thresholds->addWidget(m_matchIou, 1, 1);
    thresholds->setColumnStretch(0, 1);
    m_thresholds->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_scopeRow);
    layout->addWidget(m_thresholds);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_prCurve);
    m_prCurve->hide();
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
    connect(m_minScore, &QDoubleSpinBox::valueChanged, this, &ReportPanel::refresh);
    connect(m_table, &QTableView::clicked, this,
            [this](const QModelIndex &index) { showCurveOf(index.row()); });
    connect(m_matchIou, &QDoubleSpinBox::valueChanged, this, &ReportPanel::refresh);
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
    const bool detection = m_session.project()->task() == ProjectTask::Detection;
    m_thresholds->setVisible(detection);
    m_prCurve->setVisible(detection);
    m_scopeRow->setVisible(!detection);
    if (detection) {
        m_summary->setText(tr("Matching the boxes…"));
        const double minScore = m_minScore->value(), matchIou = m_matchIou->value();
        m_detection.request(m_session.project()->path(), [minScore, matchIou](ProjectReader &reader) {
            return detectionSummary(reader.project(), minScore, matchIou);
        });
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

void ReportPanel::showDetection(const DetectionSummary &summary)
{
    m_model->clear();
    m_model->setHorizontalHeaderLabels(
        {tr("Class"), tr("AP"), tr("AP50"), tr("Precision"), tr("Recall"), tr("Objects")});
    // The AP columns take every score; these two follow the thresholds above.
    for (const int column : {3, 4})
        m_model->horizontalHeaderItem(column)->setToolTip(tr("At score ≥ %1 and IoU ≥ %2")
                                                              .arg(m_minScore->value(), 0, 'f', 2)
                                                              .arg(m_matchIou->value(), 0, 'f', 2));
    if (!summary.hasRun) {
        m_summary->setText(tr("%1 images, %2 annotated boxes; no predictions yet.")
                               .arg(QLocale().toString(summary.images), QLocale().toString(summary.objects)));
        return;
    }
    QStringList kinds;
    for (int t = 1; t < kBoxErrorTypes; ++t) {
        if (summary.errors[t] > 0)
            kinds << QStringLiteral("%1 %2").arg(QLocale().toString(summary.errors[t]),
                                                 boxErrorName(BoxError(t)));
    }
    m_summary->setText(tr("<b>mAP %1</b> · AP50 %2 · AP75 %3 on %4 images, %5 objects, %6 boxes<br>"
                          "%7 right, %8 missed objects; %9")
                           .arg(summary.map * 100.0, 0, 'f', 1)
                           .arg(summary.map50 * 100.0, 0, 'f', 1)
                           .arg(summary.map75 * 100.0, 0, 'f', 1)
                           .arg(QLocale().toString(summary.images), QLocale().toString(summary.objects),
                                QLocale().toString(summary.boxes),
                                QLocale().toString(summary.errors[int(BoxError::None)]),
                                QLocale().toString(summary.missed), kinds.join(QStringLiteral(", "))));
    for (size_t c = 0; c < summary.perClass.size(); ++c) {
        const DetectionSummary::ClassRow &row = summary.perClass[c];
        const auto [precision, recall] = precisionRecallAt(summary.confusion, c);
        m_model->appendRow({new QStandardItem(row.name), numberItem(std::isnan(row.ap) ? 0.0 : row.ap),
                            numberItem(std::isnan(row.ap50) ? 0.0 : row.ap50),
                            numberItem(std::isnan(precision) ? 0.0 : precision),
                            numberItem(std::isnan(recall) ? 0.0 : recall),
                            numberItem(double(row.objects), 0)});
    }
    m_table->resizeColumnsToContents();
    m_lastDetection = summary;
    showCurveOf(0);
    Q_EMIT reportChanged(ClassificationReport());
    Q_EMIT detectionConfusionChanged(summary.confusionNames, summary.confusion);
}

void ReportPanel::showCurveOf(int row)
{
    if (row < 0 || size_t(row) >= m_lastDetection.perClass.size())
        return;
    // The table sorts: the row's class by name, not by position.
    const QString name = m_model->index(row, 0).data().toString();
    for (const DetectionSummary::ClassRow &c : m_lastDetection.perClass) {
        if (c.name == name)
            m_prCurve->setCurve(c.name, c.precisionAt50);
    }
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
