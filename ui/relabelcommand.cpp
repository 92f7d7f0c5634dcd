#include "relabelcommand.h"

#include "common/error.h"

#include <QCoreApplication>

namespace loupe {

namespace {

QString commandText(const QList<LabelChange> &changes, const QStringList &classNames)
{
    const QString target = classNames.value(changes.first().newLabel, QStringLiteral("(unlabeled)"));
    if (changes.size() == 1)
        return QCoreApplication::translate("RelabelCommand", "Relabel as %1").arg(target);
    return QCoreApplication::translate("RelabelCommand", "Relabel %1 samples as %2")
        .arg(changes.size())
        .arg(target);
}

} // namespace

RelabelCommand::RelabelCommand(LabelRepository &labels, QList<LabelChange> changes,
                               const QStringList &classNames, ErrorHandler onError)
    : m_labels(labels), m_changes(std::move(changes)), m_onError(std::move(onError))
{
    setText(commandText(m_changes, classNames));
}

void RelabelCommand::redo()
{
    applyLabels(true);
}

void RelabelCommand::undo()
{
    applyLabels(false);
}

void RelabelCommand::applyLabels(bool forward)
{
    QList<LabelChange> targets;
    for (const LabelChange &change : m_changes)
        targets.append({change.sample, forward ? change.oldLabel : change.newLabel,
                        forward ? change.newLabel : change.oldLabel});
    try {
        m_labels.apply(targets, forward ? QString() : QStringLiteral("undo"),
                       forward ? QStringLiteral("app") : QStringLiteral("app-undo"));
    } catch (const Error &error) {
        setObsolete(true);
        if (m_onError)
            m_onError(error.message());
    }
}

} // namespace loupe
