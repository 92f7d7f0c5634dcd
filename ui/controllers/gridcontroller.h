#pragma once

#include "samplegridmodel.h"

#include <QObject>

class QComboBox;
class QToolBar;

namespace loupe {

class ProjectSession;
class SampleGridView;

/**
 * The grid's order (the Sort by box of the toolbar) and its part of the shared selection:
 * a selection made elsewhere (the map, a neighbour) selects the same tiles.
 */
class GridController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GridController)

public:
    GridController(ProjectSession &session, SampleGridModel &model, SampleGridView &view, QToolBar *toolbar);

    void setOrder(SampleGridModel::Order order);

private:
    void showSessionSelection(const QObject *origin);

    ProjectSession &m_session;
    SampleGridModel &m_model;
    SampleGridView &m_view;
    QComboBox *m_order;
};

} // namespace loupe
