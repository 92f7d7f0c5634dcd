#include "reviewcommand.h"

#include "common/error.h"

#include <QCoreApplication>

namespace loupe {

namespace {

QString commandText(const QList<ReviewChange> &changes)
{
    const ReviewStatus status = changes.first().newStatus;
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("ReviewCommand", text);
    };
    const QString what =
        status == ReviewStatus::None ? tr("Clear mark") : tr("Mark %1").arg(reviewStatusName(status));
    return changes.size() == 1 ? what : tr("%1 of %2 samples").arg(what).arg(changes.size());
}

} // namespace

ReviewCommand::ReviewCommand(ReviewRepository &reviews, QList<ReviewChange> changes, AppliedHandler applied,
                             ErrorHandler onError)
    : m_reviews(reviews), m_changes(std::move(changes)), m_applied(std::move(applied)),
      m_onError(std::move(onError))
{
    setText(commandText(m_changes));
}

void ReviewCommand::redo()
{
    applyMarks(true);
}

void ReviewCommand::undo()
{
    applyMarks(false);
}

void ReviewCommand::applyMarks(bool forward)
{
    QList<ReviewChange> targets;
    for (const ReviewChange &change : m_changes)
        targets.append({change.sample, forward ? change.oldStatus : change.newStatus,
                        forward ? change.newStatus : change.oldStatus});
    try {
        const QList<ReviewChange> written =
            m_reviews.apply(targets, forward ? QStringLiteral("app") : QStringLiteral("app-undo"));
        if (m_applied && !written.isEmpty())
            m_applied(written);
    } catch (const Error &error) {
        setObsolete(true);
        if (m_onError)
            m_onError(error.message());
    }
}

} // namespace loupe
