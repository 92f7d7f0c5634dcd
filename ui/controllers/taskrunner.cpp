#include "controllers/taskrunner.h"

#include "backgroundtask.h"

#include <QMessageBox>
#include <QStatusBar>
#include <QWidget>

namespace loupe {

TaskRunner::TaskRunner(BackgroundTask &task, QWidget *window, QStatusBar *statusBar)
    : QObject(window), m_task(task), m_window(window), m_statusBar(statusBar)
{
    connect(&m_task, &BackgroundTask::started, this, [this] { Q_EMIT busyChanged(true); });
    connect(&m_task, &BackgroundTask::finished, this, &TaskRunner::onFinished);
}

bool TaskRunner::refuseWhileBusy()
{
    if (!m_task.isRunning())
        return false;
    m_statusBar->showMessage(tr("Wait for %1 to finish, or cancel it.").arg(m_task.title()), 4000);
    return true;
}

bool TaskRunner::start(const QString &title, Work work, std::function<void()> onSuccess)
{
    if (refuseWhileBusy() || !m_task.start(title, std::move(work)))
        return false;
    m_onSuccess = std::move(onSuccess);
    return true;
}

bool TaskRunner::isRunning() const
{
    return m_task.isRunning();
}

bool TaskRunner::mayClose()
{
    if (!m_task.isRunning())
        return true;
    m_closeWhenDone = true;
    m_task.cancel();
    m_statusBar->showMessage(tr("Cancelling %1 before closing…").arg(m_task.title()));
    return false;
}

void TaskRunner::onFinished(bool cancelled, const QString &error)
{
    const QString title = m_task.title();
    const std::function<void()> onSuccess = std::move(m_onSuccess);
    m_onSuccess = nullptr;
    if (cancelled)
        m_statusBar->showMessage(tr("%1: cancelled.").arg(title), 6000);
    else if (error.isEmpty())
        m_statusBar->showMessage(tr("%1: done.").arg(title), 6000);
    Q_EMIT busyChanged(false);
    Q_EMIT finished(cancelled, error);
    if (m_closeWhenDone) {
        m_window->close();
        return;
    }
    if (!error.isEmpty())
        QMessageBox::warning(m_window, tr("%1 failed").arg(title), error);
    else if (!cancelled && onSuccess)
        onSuccess();
}

} // namespace loupe
