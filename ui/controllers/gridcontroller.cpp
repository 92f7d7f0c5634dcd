#include "controllers/gridcontroller.h"

#include "projectsession.h"
#include "samplegridview.h"

#include <QComboBox>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSignalBlocker>
#include <QToolBar>

#include <algorithm>

namespace loupe {

namespace {
// A lasso of half the map is not a grid selection anyone works through (and would cost
// seconds of scattered ranges); such selections reach the grid as the filter instead.
constexpr qsizetype kMaxGridSelection = 20000;
} // namespace

GridController::GridController(ProjectSession &session, SampleGridModel &model, SampleGridView &view,
                               QToolBar *toolbar)
    : QObject(toolbar), m_session(session), m_model(model), m_view(view), m_order(new QComboBox(toolbar))
{
    toolbar->addWidget(new QLabel(tr(" Sort by: "), toolbar));
    m_order->addItem(tr("Issue score (likely label errors first)"), int(SampleGridModel::Order::IssueScore));
    m_order->addItem(tr("Loss"), int(SampleGridModel::Order::Loss));
    m_order->addItem(tr("Confidence"), int(SampleGridModel::Order::Confidence));
    m_order->addItem(tr("Id"), int(SampleGridModel::Order::Id));
    toolbar->addWidget(m_order);
    connect(m_order, &QComboBox::currentIndexChanged, this,
            [this] { m_model.setOrder(SampleGridModel::Order(m_order->currentData().toInt())); });
    connect(&session, &ProjectSession::selectionChanged, this, &GridController::showSessionSelection);
    connect(view.selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_session.setSelection(m_view.selectedSamples(), &m_view); });
    connect(&session, &ProjectSession::opened, this, [this] {
        if (m_model.rowCount() > 0)
            m_view.setCurrentIndex(m_model.index(0));
    });
}

void GridController::setOrder(SampleGridModel::Order order)
{
    m_order->setCurrentIndex(m_order->findData(int(order)));
}

void GridController::showSessionSelection(const QObject *origin)
{
    if (origin == &m_view || m_session.selection().size() > kMaxGridSelection)
        return;
    // Rows of the selected samples, merged into contiguous ranges: one range per run of
    // rows keeps selecting tens of thousands of samples fast.
    std::vector<int> rows;
    for (const qint64 sample : m_session.selection()) {
        const int row = m_model.rowOf(sample);
        if (row >= 0)
            rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    QItemSelection selection;
    for (size_t i = 0; i < rows.size();) {
        size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        selection.select(m_model.index(rows[i]), m_model.index(rows[j]));
        i = j + 1;
    }
    const QSignalBlocker blocker(m_view.selectionModel());
    m_view.selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!rows.empty())
        m_view.scrollTo(m_model.index(rows.front()));
    m_view.viewport()->update();
}

} // namespace loupe
