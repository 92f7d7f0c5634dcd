#include "controllers/filtercontroller.h"

#include "dataset/samplefilter.h"
#include "panels/mappanel.h"
#include "projectsession.h"

#include <QMenu>

namespace loupe {

namespace {

SampleFilter filterOf(SampleFilter::Kind kind, const QString &description, int value = -1)
{
    SampleFilter filter;
    filter.kind = kind;
    filter.value = value;
    filter.description = description;
    return filter;
}

} // namespace

FilterController::FilterController(ProjectSession &session, MapPanel &map, QMenu *filterMenu, QObject *parent)
    : QObject(parent), m_session(session), m_map(map), m_menu(filterMenu)
{
    connect(&session, &ProjectSession::opened, this, &FilterController::rebuildMenu);
    connect(&session, &ProjectSession::closed, this, &FilterController::rebuildMenu);
    connect(&session, &ProjectSession::filterChanged, this, [this] {
        if (!m_session.filter().isCluster())
            m_map.highlight({}, {});
    });
    rebuildMenu();
}

void FilterController::rebuildMenu()
{
    using Kind = SampleFilter::Kind;
    m_menu->clear();
    m_menu->setEnabled(m_session.isOpen());
    const auto add = [this](QMenu *menu, const QString &text, const SampleFilter &filter) {
        menu->addAction(text, this, [this, filter] { m_session.setFilter(filter); });
    };
    add(m_menu, tr("Model &Errors"), filterOf(Kind::Errors, tr("errors")));
    add(m_menu, tr("Likely &Label Errors"), filterOf(Kind::LabelIssues, tr("likely label errors")));
    add(m_menu, tr("E&dited Labels"), filterOf(Kind::Edited, tr("edited")));
    QMenu *review = m_menu->addMenu(tr("&Review Mark"));
    for (const ReviewStatus status :
         {ReviewStatus::None, ReviewStatus::Reviewed, ReviewStatus::Ambiguous, ReviewStatus::Excluded}) {
        const QString name = status == ReviewStatus::None ? tr("not reviewed") : reviewStatusName(status);
        add(review, name, filterOf(Kind::Review, name, int(status)));
    }
    const SampleTable &table = m_session.table();
    QMenu *given = m_menu->addMenu(tr("&Given Label"));
    QMenu *predicted = m_menu->addMenu(tr("&Predicted Class"));
    for (int c = 0; c < table.classNames.size(); ++c) {
        const QString name = table.classNames[c];
        add(given, name, filterOf(Kind::GivenLabel, tr("given %1").arg(name), c));
        add(predicted, name, filterOf(Kind::Predicted, tr("predicted %1").arg(name), c));
    }
    QMenu *split = m_menu->addMenu(tr("&Split"));
    for (int s = 0; s < table.splitNames.size(); ++s)
        add(split, table.splitNames[s], filterOf(Kind::Split, tr("split %1").arg(table.splitNames[s]), s));
    split->setEnabled(!table.splitNames.isEmpty());
}

void FilterController::filterToConfusionCell(int given, int predicted, int split)
{
    const SampleTable &table = m_session.table();
    SampleFilter filter = filterOf(
        SampleFilter::Kind::ConfusionCell,
        tr("given %1, predicted %2").arg(table.classNames.value(given), table.classNames.value(predicted)),
        given);
    filter.second = predicted;
    filter.split = split;
    if (split >= 0)
        filter.description += tr(" in %1").arg(table.splitNames.value(split));
    m_session.setFilter(filter);
}

void FilterController::filterToMapSelection(const std::vector<qint64> &points)
{
    // The grid shows what was lassoed; clearing the map's selection lifts that filter again.
    if (!points.empty())
        m_session.setFilter(filterOf(SampleFilter::Kind::MapSelection, tr("map selection")), points);
    else if (m_session.filter().kind == SampleFilter::Kind::MapSelection)
        m_session.clearFilter();
}

void FilterController::highlightCluster(int cluster)
{
    m_map.highlight(m_session.filteredSamples(), tr("cluster %1").arg(cluster));
}

} // namespace loupe
