#pragma once

#include "edits/samplechange.h"

#include <QUndoCommand>

namespace loupe {

/**
 * The one undo command for every editable value of samples (labels, review marks; boxes
 * next), in the spirit of Tiled's ChangeValue: it holds the changes of one user action (a
 * multi-selection is one command) and writes them through the session, which writes
 * through the value's repository (EditRepository<Field>) at once, each redo and undo in a
 * transaction with its audit rows, and notifies the panels. Undo is an edit back to the
 * old values, recorded as source "app-undo".
 *
 * Session is ProjectSession; a template parameter only so that this header needs no UI
 * class and tests can drive the command with a stand-in.
 */
template<typename Field, typename Session> class ChangeSampleValues final : public QUndoCommand
{
public:
    using Change = SampleChange<typename Field::Value>;

    ChangeSampleValues(Session &session, QList<Change> changes, const QString &text)
        : m_session(session), m_changes(std::move(changes))
    {
        setText(text);
    }

    void redo() override { write(m_changes, {QStringLiteral("app"), {}}); }

    void undo() override
    {
        QList<Change> back;
        for (const Change &change : m_changes)
            back.append(change.reversed());
        write(back, {QStringLiteral("app-undo"), QStringLiteral("undo")});
    }

private:
    void write(const QList<Change> &targets, const EditStamp &stamp)
    {
        // A failed write (the file went read-only, the disk is full) leaves the project as it
        // was; the session has said why, and the command can no longer be replayed.
        if (!m_session.template applyEdit<Field>(targets, stamp))
            setObsolete(true);
    }

    Session &m_session;
    QList<Change> m_changes;
};

} // namespace loupe
