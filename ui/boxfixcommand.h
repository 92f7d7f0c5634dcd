#pragma once

#include "edits/boxeditrepository.h"

#include <QList>
#include <QUndoCommand>

#include <functional>

namespace loupe {

class Project;

/**
 * An undoable change to a detection project's boxes on the app's undo stack: redo applies
 * the changes through BoxEditRepository (one audited transaction), undo applies their
 * inverse (another, so the trail keeps both). changed(image) is called after either, for each
 * image touched; failed(message) when the project refuses (nothing was written then).
 */
class BoxFixCommand final : public QUndoCommand
{
public:
    BoxFixCommand(Project &project, QList<BoxChange> changes, const QString &text,
                  std::function<void(const QList<qint64> &images)> changed,
                  std::function<void(const QString &message)> failed);

    void redo() override;
    void undo() override;

    /** Whether the last redo or undo was written. */
    bool succeeded() const { return m_succeeded; }

private:
    Project &m_project;
    QList<BoxChange> m_changes;
    QList<qint64> m_images;  // the images the changes touch, read before the first redo
    QList<qint64> m_editIds; // of the last redo: what undo takes back
    std::function<void(const QList<qint64> &)> m_changed;
    std::function<void(const QString &)> m_failed;
    bool m_succeeded = false;
};

} // namespace loupe
