#pragma once

#include "edits/labelrepository.h"

#include <QUndoCommand>

#include <functional>

namespace loupe {

/**
 * An undoable relabel of one or more samples (a multi-selection is one command).
 * redo() and undo() write through LabelRepository at once, each in its own
 * transaction with an audit row, so the project is current after every step.
 */
class RelabelCommand final : public QUndoCommand
{
public:
    using ErrorHandler = std::function<void(const QString &)>;

    RelabelCommand(LabelRepository &labels, QList<LabelChange> changes, const QStringList &classNames,
                   ErrorHandler onError);

    void redo() override;
    void undo() override;

private:
    void applyLabels(bool forward);

    LabelRepository &m_labels;
    QList<LabelChange> m_changes;
    ErrorHandler m_onError;
};

} // namespace loupe
