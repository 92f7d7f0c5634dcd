#include "boxgridpanel.h"

#include "analysis/labels/annotationneighbours.h"
#include "classpickerdialog.h"
#include "common/numberformat.h"
#include "projectsession.h"
#include "samplegridmodel.h"
#include "samplegridview.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "thumbnailcache.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace loupe {

namespace {

/** The verdict combo's first two entries; the verdicts follow, their value the verdict. */
constexpr int kErrors = -1;
constexpr int kAllBoxes = -2;

constexpr int kCropPixels = 96;
/** A suggestion weaker than this is no fix for A to apply: as the Annotation errors list. */
constexpr double kMinimumSuggestion = 0.1;

} // namespace

BoxGridPanel::BoxGridPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_crops(std::make_unique<ThumbnailCache>()),
      m_model(new BoxGridModel(*m_crops, this)), m_view(new SampleGridView(*m_crops, this)),
      m_show(new QComboBox(this)), m_verdict(new QComboBox(this)), m_class(new QComboBox(this)),
      m_order(new QComboBox(this)), m_minScore(new QDoubleSpinBox(this)), m_summary(new QLabel(this)),
      m_query(
          this, [this](Boxes &boxes) { showBoxes(boxes); },
          [this](const QString &message) { m_summary->setText(message); })
{
    m_view->setModel(m_model);
    m_view->setTileSize(kCropPixels);
    m_view->installEventFilter(this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(createControls());
    layout->addWidget(m_view, 1);

    connect(&session, &ProjectSession::opened, this, &BoxGridPanel::refresh);
    connect(&session, &ProjectSession::closed, this, &BoxGridPanel::refresh);
    connect(&session, &ProjectSession::boxesEdited, this, [this] {
        m_restoreRow = m_view->currentIndex().row();
        refresh();
    });
    connect(m_minScore, &QDoubleSpinBox::valueChanged, this, &BoxGridPanel::refresh);
    for (QComboBox *box : {m_show, m_verdict, m_class, m_order})
        connect(box, &QComboBox::currentIndexChanged, this, &BoxGridPanel::applyFilter);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_session.setSelection({current.data(SampleGridModel::SampleRole).toLongLong()}, this);
            });
    refresh();
}

BoxGridPanel::~BoxGridPanel()
{
    m_crops->waitForDone();
}

QWidget *BoxGridPanel::createControls()
{
    auto *controls = new QWidget(this);
    m_show->addItem(tr("Annotations and predictions"), int(BoxGridModel::Show::All));
    m_show->addItem(tr("Annotations"), int(BoxGridModel::Show::Annotations));
    m_show->addItem(tr("Predictions"), int(BoxGridModel::Show::Predictions));
    m_order->addItem(tr("Likeliest errors first"), int(BoxVerdicts::Order::ErrorScore));
    m_order->addItem(tr("By type"), int(BoxVerdicts::Order::Type));
    for (QComboBox *box : {m_show, m_verdict, m_class, m_order})
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_class->setMinimumContentsLength(12); // class names arrive with the boxes
    m_minScore->setRange(0.0, 1.0);
    m_minScore->setSingleStep(0.05);
    m_minScore->setDecimals(2);
    m_minScore->setValue(kShippedScore);
    m_minScore->setPrefix(tr("score ≥ "));
    m_minScore->setToolTip(tr("The model's boxes scored lower are left out, and the rest matched again"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fillVerdicts();
    auto *row = new QHBoxLayout(controls);
    row->setContentsMargins(6, 4, 6, 0);
    for (QWidget *widget :
         {static_cast<QWidget *>(m_show), static_cast<QWidget *>(m_verdict), static_cast<QWidget *>(m_class),
          static_cast<QWidget *>(m_order), static_cast<QWidget *>(m_minScore)})
        row->addWidget(widget);
    row->addWidget(m_summary, 1);
    return controls;
}

void BoxGridPanel::fillVerdicts()
{
    const QVariant chosen = m_verdict->currentData();
    const QSignalBlocker blocker(m_verdict);
    m_verdict->clear();
    m_verdict->addItem(tr("Errors"), kErrors);
    m_verdict->addItem(tr("All boxes"), kAllBoxes);
    const BoxGridData *boxes = m_model->boxes();
    for (int v = 0; v < kBoxVerdicts; ++v) {
        const qint64 count = boxes ? boxes->verdicts.counts()[size_t(v)] : 0;
        if (count > 0)
            m_verdict->addItem(
                QStringLiteral("%1 (%2)").arg(boxVerdictName(BoxVerdict(v)), format::count(count)), v);
    }
    m_verdict->setCurrentIndex(
        std::max(0, m_verdict->findData(chosen.isValid() ? chosen : QVariant(kErrors))));
}

void BoxGridPanel::refresh()
{
    m_query.invalidate();
    const bool detection = m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection;
    if (!detection) {
        m_model->clear();
        m_summary->setText(tr("The boxes of a detection project show here."));
        return;
    }
    m_summary->setText(tr("Matching the boxes…"));
    BoxErrorParams matching;
    matching.minScore = m_minScore->value();
    m_query.request(m_session.project()->path(), [matching](ProjectReader &reader) -> Boxes {
        Project &project = reader.project();
        const int run = project.latestRunId();
        const DetectionStore store(project.database());
        auto boxes = std::make_shared<BoxGridData>();
        boxes->minScore = matching.minScore;
        boxes->set = run >= 0 ? store.load(run) : DetectionSet();
        boxes->errors = findAnnotationErrors(boxes->set, store.boxEvidence(run));
        boxes->verdicts = BoxVerdicts::judge(boxes->set, BoxErrors::classify(boxes->set, matching),
                                             boxes->errors, {matching});
        boxes->boxIds = store.annotationIds();
        return boxes;
    });
}

void BoxGridPanel::showBoxes(Boxes &boxes)
{
    const SampleTable &table = m_session.table();
    QStringList paths;
    paths.reserve(table.images.size());
    for (const QString &image : table.images)
        paths << m_session.project()->absoluteImagePath(image);
    m_model->setBoxes(boxes, table.classNames, paths);
    {
        const QSignalBlocker blocker(m_class);
        const int chosen = m_class->currentIndex();
        m_class->clear();
        m_class->addItem(tr("All classes"), -1);
        for (int c = 0; c < table.classNames.size(); ++c)
            m_class->addItem(table.classNames.at(c), c);
        m_class->setCurrentIndex(std::clamp(chosen, 0, m_class->count() - 1));
    }
    fillVerdicts();
    applyFilter();
}

void BoxGridPanel::applyFilter()
{
    BoxGridModel::Filter filter;
    filter.show = BoxGridModel::Show(m_show->currentData().toInt());
    const int verdict = m_verdict->currentData().toInt();
    filter.errorsOnly = verdict == kErrors;
    if (verdict >= 0)
        filter.verdict = BoxVerdict(verdict);
    filter.category = m_class->currentData().isValid() ? m_class->currentData().toInt() : -1;
    filter.order = BoxVerdicts::Order(m_order->currentData().toInt());
    m_model->setFilter(filter);
    m_summary->setText(summary());
    const int rows = m_model->rowCount();
    if (rows > 0) {
        const int row = std::clamp(m_restoreRow, 0, rows - 1);
        m_view->setCurrentIndex(m_model->index(row));
        m_view->scrollTo(m_model->index(row));
    }
    m_restoreRow = -1;
}

QString BoxGridPanel::summary() const
{
    const BoxGridData *boxes = m_model->boxes();
    if (!boxes)
        return {};
    qint64 errors = 0;
    for (int v = 0; v < kBoxVerdicts; ++v)
        errors += isBoxError(BoxVerdict(v)) ? boxes->verdicts.counts()[size_t(v)] : 0;
    return tr("%1 shown · %2 boxes, %3 of them errors")
        .arg(format::count(m_model->rowCount()), format::count(qint64(boxes->verdicts.entries().size())),
             format::count(errors));
}

QList<int> BoxGridPanel::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedIndexes())
        rows << index.row();
    if (rows.isEmpty() && m_view->currentIndex().isValid())
        rows << m_view->currentIndex().row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

bool BoxGridPanel::edit(const QList<BoxChange> &changes, const QString &text)
{
    if (changes.isEmpty())
        return false;
    m_restoreRow = m_view->currentIndex().row();
    return m_session.changeBoxes(changes, text);
}

bool BoxGridPanel::relabelSelected(int category)
{
    const BoxGridData *boxes = m_model->boxes();
    if (!boxes || category < 0 || category >= m_session.table().classNames.size())
        return false;
    QList<BoxChange> changes;
    for (const int row : selectedRows()) {
        const BoxVerdicts::Entry &e = m_model->entry(row);
        if (const Annotation *a = m_model->annotationAt(row); a && a->category != category)
            changes.append({BoxChange::Action::Relabel,
                            boxes->boxIds[e.index],
                            {a->image, category, a->box, 0.0, false}});
        else if (const Detection *d = m_model->predictionAt(row))
            changes.append({BoxChange::Action::Add, -1, {d->image, category, d->box, 0.0, false}});
    }
    return edit(changes, tr("Boxes as %1").arg(m_session.table().classNames.at(category)));
}

bool BoxGridPanel::pickClassForSelected()
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty() || !m_model->boxes())
        return false;
    const Annotation *a = m_model->annotationAt(rows.first());
    const Detection *d = m_model->predictionAt(rows.first());
    ClassPickerDialog picker(m_session.table().classNames, a ? a->category : d ? d->category : -1, this);
    return picker.exec() == QDialog::Accepted && picker.chosenClass() >= 0 &&
           relabelSelected(picker.chosenClass());
}

bool BoxGridPanel::deleteSelected()
{
    const BoxGridData *boxes = m_model->boxes();
    if (!boxes)
        return false;
    QList<BoxChange> changes;
    for (const int row : selectedRows()) {
        if (m_model->annotationAt(row))
            changes.append({BoxChange::Action::Delete, boxes->boxIds[m_model->entry(row).index], {}});
    }
    return edit(changes, tr("Delete %n box(es)", nullptr, int(changes.size())));
}

bool BoxGridPanel::acceptSelected()
{
    const BoxGridData *boxes = m_model->boxes();
    if (!boxes)
        return false;
    QList<BoxChange> changes;
    for (const int row : selectedRows()) {
        const BoxVerdicts::Entry &e = m_model->entry(row);
        if (e.kind == BoxVerdicts::Kind::Annotation) {
            const AnnotationSuggestion s =
                boxes->errors.strongestFor(boxes->set, e.index, kMinimumSuggestion);
            if (const auto change = changeFixing(s, boxes->boxIds[e.index]))
                changes.append(*change);
        } else if (const auto change = changeFixing(
                       boxes->errors.overlookedFor(boxes->set, e.index, kMinimumSuggestion), -1)) {
            changes.append(*change); // an overlooked object: added as the model saw it
        }
    }
    return edit(changes, tr("Accept %n fix(es)", nullptr, int(changes.size())));
}

bool BoxGridPanel::eventFilter(QObject *watched, QEvent *event)
{
    // L is the window's "Relabel As" for images; over the boxes it picks a class for the boxes.
    if (watched == m_view && event->type() == QEvent::ShortcutOverride &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_L &&
        static_cast<QKeyEvent *>(event)->modifiers() == Qt::NoModifier) {
        event->accept();
        return true;
    }
    if (watched == m_view && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->modifiers() != Qt::NoModifier && key->modifiers() != Qt::KeypadModifier)
            return QWidget::eventFilter(watched, event);
        const int k = key->key();
        if (k >= Qt::Key_0 && k <= Qt::Key_9) {
            relabelSelected(k == Qt::Key_0 ? 9 : k - Qt::Key_1);
            return true;
        }
        if (k == Qt::Key_Delete || k == Qt::Key_Backspace) {
            deleteSelected();
            return true;
        }
        if (k == Qt::Key_A) {
            acceptSelected();
            return true;
        }
        if (k == Qt::Key_L) {
            pickClassForSelected();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace loupe
