#include "boxfixcommand.h"

#include "common/error.h"
#include "storage/project.h"

namespace loupe {

BoxFixCommand::BoxFixCommand(Project &project, QList<BoxChange> changes, const QString &text,
                             std::function<void(const QList<qint64> &)> changed,
                             std::function<void(const QString &)> failed)
    : m_project(project), m_changes(std::move(changes)), m_changed(std::move(changed)),
      m_failed(std::move(failed))
{
    setText(text);
    const BoxEditRepository boxes(m_project);
    for (const BoxChange &change : m_changes) {
        const std::optional<Annotation> current =
            change.action == BoxChange::Action::Add ? std::nullopt : boxes.current(change.boxId);
        const qint64 image = current ? current->image : change.box.image;
        if (!m_images.contains(image))
            m_images.append(image);
    }
}

void BoxFixCommand::redo()
{
    m_succeeded = false;
    try {
        BoxEditRepository boxes(m_project);
        const qint64 before = boxes.history().isEmpty() ? 0 : boxes.history().last().editId;
        m_changes = boxes.apply(m_changes, {QStringLiteral("app"), text()});
        m_editIds.clear();
        for (const BoxEdit &edit : boxes.history()) {
            if (edit.editId > before)
                m_editIds.append(edit.editId);
        }
        m_succeeded = true;
    } catch (const Error &error) {
        setObsolete(true); // nothing was written: nothing to undo
        m_failed(error.message());
        return;
    }
    m_changed(m_images);
}

void BoxFixCommand::undo()
{
    m_succeeded = false;
    try {
        BoxEditRepository(m_project).undo(m_editIds, {QStringLiteral("app-undo"), text()});
        m_succeeded = true;
    } catch (const Error &error) {
        m_failed(error.message());
        return;
    }
    m_changed(m_images);
}

} // namespace loupe
