#pragma once

#include "edits/reviewrepository.h"

#include <QUndoCommand>

#include <functional>

namespace loupe {

/**
 * An undoable change of review marks (reviewed, ambiguous, excluded) of one or more
 * samples. Like RelabelCommand, redo() and undo() write through the repository at once,
 * each in its own transaction with audit rows; applied() hears of what was written.
 */
class ReviewCommand final : public QUndoCommand
{
public:
    using AppliedHandler = std::function<void(const QList<ReviewChange> &)>;
    using ErrorHandler = std::function<void(const QString &)>;

    ReviewCommand(ReviewRepository &reviews, QList<ReviewChange> changes, AppliedHandler applied,
                  ErrorHandler onError);

    void redo() override;
    void undo() override;

private:
    void applyMarks(bool forward);

    ReviewRepository &m_reviews;
    QList<ReviewChange> m_changes;
    AppliedHandler m_applied;
    ErrorHandler m_onError;
};

} // namespace loupe
