#include "controllers/editcontroller.h"

#include "analysis/steps/labelissuesstep.h"
#include "classpickerdialog.h"
#include "projectsession.h"
#include "samplegridview.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QMenu>
#include <QStatusBar>
#include <QWidget>

#include <algorithm>
#include <map>

namespace loupe {

namespace {
constexpr int kMaxRelabelShortcuts = 10;
}

EditController::EditController(ProjectSession &session, SampleGridView &grid, QWidget *window,
                               QStatusBar *statusBar)
    : QObject(window), m_session(session), m_grid(grid), m_window(window), m_statusBar(statusBar)
{
    connect(&session, &ProjectSession::opened, this, &EditController::rebuildRelabelActions);
    connect(&session, &ProjectSession::closed, this, &EditController::rebuildRelabelActions);
}

void EditController::populate(QMenu *edit)
{
    m_relabelMenu = edit->addMenu(tr("Re&label Selection As"));
    edit->addAction(tr("Relabel As (Find Class)…"), QKeySequence(Qt::Key_L), this,
                    &EditController::pickClassForSelection)
        ->setToolTip(tr("Pick the new class by typing part of its name (L)"));
    edit->addSeparator();
    const struct
    {
        QString text;
        QKeySequence key;
        ReviewStatus status;
        QString toolTip;
    } marks[] = {
        {tr("Mark &Reviewed"), QKeySequence(Qt::Key_R), ReviewStatus::Reviewed,
         tr("The label is checked and right; moves to the next tile (R toggles)")},
        {tr("Mark Am&biguous"), QKeySequence(Qt::Key_U), ReviewStatus::Ambiguous,
         tr("No single class fits this image (U toggles)")},
        {tr("E&xclude"), QKeySequence(Qt::Key_X), ReviewStatus::Excluded,
         tr("Leave this sample out: corrupt or out of scope; it leaves the metrics (X toggles)")},
        {tr("Clear &Mark"), QKeySequence(Qt::SHIFT | Qt::Key_R), ReviewStatus::None, {}},
    };
    for (const auto &mark : marks) {
        const ReviewStatus status = mark.status;
        edit->addAction(mark.text, mark.key, this, [this, status] { markSelection(status); })
            ->setToolTip(mark.toolTip);
    }
    edit->addSeparator();
    edit->addAction(tr("Select &All"), QKeySequence::SelectAll, &m_grid, &QAbstractItemView::selectAll);
    edit->addAction(tr("&Accept Suggested Label"), QKeySequence(Qt::Key_A), this,
                    &EditController::acceptSuggestedLabels)
        ->setToolTip(tr("Relabel the selected samples as the analysis suggests (A)"));
    rebuildRelabelActions();
}

void EditController::rebuildRelabelActions()
{
    if (!m_relabelMenu)
        return;
    qDeleteAll(m_relabelActions);
    m_relabelActions.clear();
    m_relabelMenu->clear();
    const QStringList classes = m_session.table().classNames;
    for (int c = 0; c < classes.size(); ++c) {
        auto *action = new QAction(classes.at(c), this);
        if (c < kMaxRelabelShortcuts)
            action->setShortcut(QKeySequence(Qt::Key_0 + (c + 1) % 10));
        action->setShortcutContext(Qt::WindowShortcut);
        action->setEnabled(!m_session.isReadOnly());
        connect(action, &QAction::triggered, this, [this, c] { relabelSelection(c); });
        m_window->addAction(action); // shortcuts work whether or not the menu is open
        m_relabelMenu->addAction(action);
        m_relabelActions << action;
    }
    m_relabelMenu->setEnabled(!classes.isEmpty());
}

QList<qint64> EditController::selectionOrComplain()
{
    const QList<qint64> samples = m_session.isOpen() ? m_grid.selectedSamples() : QList<qint64>();
    if (samples.isEmpty())
        m_statusBar->showMessage(tr("Select samples in the grid first."), 3000);
    return samples;
}

void EditController::relabelSelection(int classIndex)
{
    const QList<qint64> samples = selectionOrComplain();
    if (!samples.isEmpty() && m_session.relabel(samples, classIndex))
        m_statusBar->showMessage(
            tr("Relabelled %n sample(s) as %1 (Ctrl+Z to undo)", nullptr, int(samples.size()))
                .arg(m_session.table().classNames.value(classIndex)),
            4000);
}

void EditController::pickClassForSelection()
{
    const QList<qint64> samples = selectionOrComplain();
    if (samples.isEmpty())
        return;
    ClassPickerDialog picker(m_session.table().classNames, m_session.table().labels[size_t(samples.first())],
                             m_window);
    if (picker.exec() == QDialog::Accepted && picker.chosenClass() >= 0)
        relabelSelection(picker.chosenClass());
}

void EditController::markSelection(ReviewStatus status)
{
    const QList<qint64> samples = selectionOrComplain();
    if (samples.isEmpty())
        return;
    // Pressing the key again clears the mark: one key per mark, no separate "unmark" to learn.
    const std::vector<ReviewStatus> &review = m_session.table().review;
    const bool allMarked = std::all_of(samples.begin(), samples.end(),
                                       [&](qint64 sample) { return review[size_t(sample)] == status; });
    const ReviewStatus target = allMarked ? ReviewStatus::None : status;
    if (!m_session.setReview(samples, target))
        return;
    const QString what = target == ReviewStatus::None ? tr("Cleared the mark of") : tr("Marked");
    const QString suffix = target == ReviewStatus::None ? QString() : tr(" %1").arg(reviewStatusName(target));
    m_statusBar->showMessage(
        tr("%1 %n sample(s)%2 (Ctrl+Z to undo)", nullptr, int(samples.size())).arg(what, suffix), 4000);
    // Reviewing one tile at a time is a walk through the grid: step to the next one.
    if (samples.size() == 1 && target != ReviewStatus::None)
        moveToNextTile();
}

void EditController::moveToNextTile()
{
    const int next = m_grid.currentIndex().row() + 1;
    if (next <= 0 || next >= m_grid.model()->rowCount())
        return;
    const QModelIndex index = m_grid.model()->index(next, 0);
    m_grid.selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_grid.scrollTo(index);
}

void EditController::acceptSuggestedLabels()
{
    // One undo step per suggested class, since a command relabels to one class.
    std::map<int, QList<qint64>> bySuggestion;
    const LabelIssueResults &issues = m_session.analysis().get<LabelIssueResults>();
    for (const qint64 sample : m_grid.selectedSamples()) {
        const int suggestion = issues.suggestion(sample);
        if (suggestion >= 0 && suggestion != m_session.table().labels[size_t(sample)])
            bySuggestion[suggestion].append(sample);
    }
    if (bySuggestion.empty()) {
        m_statusBar->showMessage(tr("The analysis suggests no other label for the selection."), 3000);
        return;
    }
    int changed = 0;
    for (const auto &[label, samples] : bySuggestion)
        changed += m_session.relabel(samples, label) ? int(samples.size()) : 0;
    m_statusBar->showMessage(
        tr("Accepted the suggested label for %n sample(s) (Ctrl+Z to undo)", nullptr, changed), 4000);
}

} // namespace loupe
