#include "slicespanel.h"

#include "analysis/steps/slicesstep.h"
#include "common/error.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "analysis/slices/objectslices.h"
#include "storage/metadatareader.h"
#include "storage/sampletableloader.h"
#include "projectsession.h"
#include "shippedboxes.h"
#include "rankingtable.h"
#include "storage/project.h"
#include "storage/sqlfilter.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace loupe {

namespace {

constexpr int kConditionRole = Qt::UserRole + 1;
constexpr int kObjectSliceRole = Qt::UserRole + 2; ///< an object slice's position in m_missedImages
using rankingtable::numberItem;

/** One row of the table: a slice's name and figures, sortable by value. */
QList<QStandardItem *> sliceRow(const QString &text, qint64 count, qint64 errors, double rate, double lift,
                                double low, double high, double pValue)
{
    auto *name = new QStandardItem(text);
    name->setData(text, rankingtable::kSortRole);
    return {
        name,
        numberItem(double(count), QString::number(count)),
        numberItem(double(errors), QString::number(errors)),
        numberItem(rate, format::percent(rate)),
        numberItem(lift, QStringLiteral("%1x").arg(lift, 0, 'f', 2)),
        numberItem(low, QStringLiteral("%1-%2%").arg(low * 100.0, 0, 'f', 1).arg(high * 100.0, 0, 'f', 1)),
        numberItem(pValue, QString::number(pValue, 'g', 2))};
}

} // namespace

SlicesPanel::SlicesPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_condition(new QLineEdit(this)),
      m_apply(new QPushButton(tr("Filter"), this)), m_clear(new QPushButton(tr("Clear"), this)),
      m_message(new QLabel(this)), m_model(new QStandardItemModel(this)), m_table(new QTableView(this)),
      m_query(
          this, [this](QueryResult &result) { onQueryFinished(result); },
          [this](const QString &error) { onQueryFailed(error); }),
      m_objectQuery(
          this, [this](ObjectSliceRows &found) { showObjectSlices(found); },
          [this](const QString &error) { showMessage(error, true); })
{
    m_condition->setPlaceholderText(tr("SQL condition over sample_view, e.g. split = 'test' AND loss > 2"));
    m_condition->setClearButtonEnabled(true);
    m_condition->setToolTip(
        tr("A read-only WHERE clause over the sample_view columns (docs/project-format.md): "
           "id, image, split, label, predicted, confidence, loss, margin, issue_score, "
           "cluster and the metadata columns. Press Enter to apply."));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    rankingtable::setUp(m_table, m_model);

    auto *box = new QHBoxLayout;
    box->addWidget(m_condition, 1);
    box->addWidget(m_apply);
    box->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(box);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);

    connect(m_condition, &QLineEdit::returnPressed, this, [this] { applyCondition(m_condition->text()); });
    connect(m_apply, &QPushButton::clicked, this, [this] { applyCondition(m_condition->text()); });
    connect(m_clear, &QPushButton::clicked, this, [this] {
        m_condition->clear();
        applyCondition(QString());
    });
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    connect(m_table, &QTableView::clicked, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    // A query's result is for the project it was asked of, not the next one.
    connect(&session, &ProjectSession::opened, this, [this] { m_query.invalidate(); });
    connect(&session, &ProjectSession::closed, this, [this] { m_query.invalidate(); });
    connect(&session, &ProjectSession::opened, this, &SlicesPanel::rebuild);
    connect(&session, &ProjectSession::closed, this, &SlicesPanel::rebuild);
    connect(&session, &ProjectSession::analysisReloaded, this, &SlicesPanel::rebuild);
    connect(&session, &ProjectSession::samplesEdited, this, &SlicesPanel::rebuild);
    rebuild();
}

SlicesPanel::~SlicesPanel() = default;

void SlicesPanel::setHeader(bool objects)
{
    m_model->clear();
    m_model->setHorizontalHeaderLabels(
        {tr("Slice"), objects ? tr("Objects") : tr("Count"), objects ? tr("Missed") : tr("Errors"),
         objects ? tr("Miss rate") : tr("Error rate"), tr("Lift"), tr("95% interval"), tr("p")});
    m_model->horizontalHeaderItem(Lift)->setToolTip(tr("Error rate of the slice divided by the overall one"));
}

void SlicesPanel::rebuild()
{
    m_objectQuery.invalidate();
    if (m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection) {
        requestObjectSlices();
        return;
    }
    setHeader(false);
    for (const SliceRecord &slice : m_session.analysis().get<SliceResults>().slices) {
        QList<QStandardItem *> row = sliceRow(sliceName(slice), slice.count, slice.errors, slice.errorRate,
                                              slice.lift, slice.ciLow, slice.ciHigh, slice.pValue);
        row.first()->setData(slice.condition, kConditionRole);
        row.first()->setToolTip(slice.condition);
        m_model->appendRow(row);
    }
    m_table->sortByColumn(-1, Qt::AscendingOrder); // the analysis' ranking until a header is clicked
    m_table->resizeColumnsToContents();
}

void SlicesPanel::requestObjectSlices()
{
    setHeader(true);
    showMessage(tr("Finding where the model misses objects…"), false);
    m_objectQuery.request(m_session.project()->path(), [](ProjectReader &reader) {
        Project &project = reader.project();
        const ShippedBoxes shipped = ShippedBoxes::load(project);
        const SampleTable images = loadSampleTable(project);
        Progress quiet;
        ObjectSliceRows found;
        found.slices =
            ObjectSlices::find(shipped.set, shipped.errors, project.classNames(), images.splitIndex,
                               images.splitNames, readSampleMetadata(project), quiet);
        for (loupe::Slice &slice : found.slices) {
            std::vector<qint64> imagesOfMisses;
            for (const qint64 g : slice.errorRows)
                imagesOfMisses.push_back(shipped.set.annotations[size_t(g)].image);
            std::sort(imagesOfMisses.begin(), imagesOfMisses.end());
            imagesOfMisses.erase(std::unique(imagesOfMisses.begin(), imagesOfMisses.end()),
                                 imagesOfMisses.end());
            found.missedImages.push_back(std::move(imagesOfMisses));
            slice.errorRows = {};
        }
        return found;
    });
}

void SlicesPanel::showObjectSlices(ObjectSliceRows &found)
{
    setHeader(true);
    m_missedImages = std::move(found.missedImages);
    for (size_t k = 0; k < found.slices.size(); ++k) {
        const loupe::Slice &slice = found.slices[k];
        QList<QStandardItem *> row =
            sliceRow(QStringLiteral("%1 = %2").arg(slice.column, slice.value), slice.evaluated, slice.errors,
                     slice.errorRate, slice.lift, slice.errorRateLow, slice.errorRateHigh, slice.pValue);
        row.first()->setData(qint64(k), kObjectSliceRole);
        m_model->appendRow(row);
    }
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->resizeColumnsToContents();
    showMessage(tr("The annotated objects the model misses (score ≥ %1, IoU 0.5), by slice, the most "
                   "convincing excess first. Each object takes its image's metadata. Click one to show the "
                   "images of its missed objects; the SQL filter selects images.")
                    .arg(kShippedScore),
                false);
}

void SlicesPanel::activateRow(int row)
{
    const QModelIndex index = m_table->model()->index(row, Slice);
    if (!index.isValid())
        return;
    if (const QVariant objects = index.data(kObjectSliceRole); objects.isValid()) {
        showMissedImagesOf(objects.toLongLong(), index.data().toString());
        return;
    }
    const QString condition = index.data(kConditionRole).toString();
    if (condition.isEmpty())
        return;
    m_condition->setText(condition);
    applyCondition(condition);
}

void SlicesPanel::showMissedImagesOf(qint64 slice, const QString &name)
{
    if (slice < 0 || size_t(slice) >= m_missedImages.size())
        return;
    SampleFilter filter;
    filter.kind = SampleFilter::Kind::Objects;
    filter.description = tr("the images of the missed objects of %1").arg(name);
    m_session.setFilter(filter, m_missedImages[size_t(slice)]);
}

void SlicesPanel::applyCondition(const QString &condition)
{
    if (!m_session.isOpen())
        return;
    if (condition.trimmed().isEmpty()) {
        m_session.clearFilter();
        showMessage(QString(), false);
        return;
    }
    m_apply->setEnabled(false);
    showMessage(tr("Running…"), false);
    // SqlFilter opens its own connection with the read-only authorizer and the time limit.
    m_query.request(m_session.project()->path(), [condition = condition.trimmed()](ProjectReader &reader) {
        SqlFilterResult matched = SqlFilter(reader.path()).run(condition);
        return QueryResult{condition, std::move(matched.sampleIndices), matched.truncated};
    });
}

void SlicesPanel::waitForQuery()
{
    m_query.waitForIdle();
}

void SlicesPanel::onQueryFailed(const QString &error)
{
    m_apply->setEnabled(true);
    showMessage(error, true);
    Q_EMIT queryFinished(error);
}

void SlicesPanel::onQueryFinished(QueryResult &result)
{
    m_apply->setEnabled(true);
    const qint64 matched = qint64(result.samples.size());
    SampleFilter filter;
    filter.kind = SampleFilter::Kind::Sql;
    filter.text = result.condition;
    filter.description = QStringLiteral("SQL: ") + result.condition;
    m_session.setFilter(filter, std::move(result.samples));
    showMessage(tr("%n sample(s) match%1.", nullptr, int(matched))
                    .arg(result.truncated ? tr(" (the list was cut at the row limit)") : QString()),
                false);
    Q_EMIT queryFinished(QString());
}

void SlicesPanel::showMessage(const QString &text, bool error)
{
    m_message->setVisible(!text.isEmpty());
    m_message->setText(text);
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText,
                     error ? QColor(214, 69, 65) : this->palette().color(QPalette::WindowText));
    m_message->setPalette(palette);
}

} // namespace loupe
