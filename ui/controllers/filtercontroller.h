#pragma once

#include <QObject>

#include <vector>

class QMenu;

namespace loupe {

class MapPanel;
class ProjectSession;

/**
 * View > Filter By and the filters other panels ask for: model errors, likely label
 * errors, edited labels, a review mark, a given or predicted class, a split (each a typed
 * SampleFilter whose samples core selects), a confusion-matrix cell, and the map's
 * selection. Keeps the map's cluster highlight in step with the filter's kind.
 */
class FilterController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterController)

public:
    FilterController(ProjectSession &session, MapPanel &map, QMenu *filterMenu, QObject *parent = nullptr);

    /** Shows the evaluated samples given `given` and predicted `predicted`, in split (-1: all). */
    void filterToConfusionCell(int given, int predicted, int split);
    /** Shows what was selected on the map; an empty selection lifts a map-selection filter. */
    void filterToMapSelection(const std::vector<qint64> &points);
    /** Highlights cluster's members on the map (the cluster the user picked), dimming the rest. */
    void highlightCluster(int cluster);

private:
    void rebuildMenu();

    ProjectSession &m_session;
    MapPanel &m_map;
    QMenu *m_menu;
};

} // namespace loupe
