#pragma once

#include "dataset/reviewstatus.h"

#include <QList>
#include <QObject>

class QAction;
class QMenu;
class QStatusBar;
class QWidget;

namespace loupe {

class ProjectSession;
class SampleGridView;

/**
 * Edit's keyboard flow on the grid's selection: relabel with 1–9 and 0 (the first ten
 * classes) or L (pick any class by name), accept the analysis's suggestion with A, and
 * mark with R (reviewed), U (ambiguous), X (exclude), pressing a mark's key again to
 * clear it; a single mark moves on to the next tile. Every edit goes through the
 * session's one edit path, undoable.
 */
class EditController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EditController)

public:
    EditController(ProjectSession &session, SampleGridView &grid, QWidget *window, QStatusBar *statusBar);

    /** Fills edit with the relabel, mark and suggestion actions (the undo actions come first). */
    void populate(QMenu *edit);

    void relabelSelection(int classIndex);
    void pickClassForSelection();
    void markSelection(ReviewStatus status);
    void acceptSuggestedLabels();

private:
    QList<qint64> selectionOrComplain();
    void rebuildRelabelActions();
    void moveToNextTile();

    ProjectSession &m_session;
    SampleGridView &m_grid;
    QWidget *m_window;
    QStatusBar *m_statusBar;
    QMenu *m_relabelMenu = nullptr;
    QList<QAction *> m_relabelActions;
};

} // namespace loupe
