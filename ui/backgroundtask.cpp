#include "backgroundtask.h"

#include "backgroundpool.h"

#include "common/error.h"
#include "common/progress.h"

#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe {

BackgroundTask::BackgroundTask(QObject *parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &BackgroundTask::onWorkFinished);
}

BackgroundTask::~BackgroundTask()
{
    // The work captures nothing of ours but the Progress, which it shares; still, a
    // task outliving its window would write to a project nobody shows, so stop it.
    cancel();
    m_watcher.waitForFinished();
}

bool BackgroundTask::start(const QString &title, Work work)
{
    if (isRunning())
        return false;
    m_title = title;
    // The observer runs on the worker thread: queue the signal to the UI thread, and
    // drop it if this object is gone by then.
    QPointer<BackgroundTask> self(this);
    m_progress = std::make_shared<Progress>([self](double fraction, const QString &step) {
        if (self)
            QMetaObject::invokeMethod(
                self,
                [self, fraction, step] {
                    if (self)
                        Q_EMIT self->progressed(fraction, step);
                },
                Qt::QueuedConnection);
    });
    m_watcher.setFuture(
        QtConcurrent::run(backgroundPool(), [progress = m_progress, work = std::move(work)]() {
            Outcome outcome;
            try {
                work(*progress);
            } catch (const Cancelled &) {
                outcome.cancelled = true;
            } catch (const Error &error) {
                outcome.error = error.message();
            } catch (const std::exception &error) {
                // Out of memory and friends: say so instead of taking the window down.
                outcome.error = QString::fromUtf8(error.what());
            }
            return outcome;
        }));
    Q_EMIT started(title);
    return true;
}

void BackgroundTask::cancel()
{
    if (m_progress)
        m_progress->cancel();
}

bool BackgroundTask::isCancelling() const
{
    return isRunning() && m_progress && m_progress->isCancelled();
}

void BackgroundTask::waitForFinished()
{
    m_watcher.waitForFinished();
}

void BackgroundTask::onWorkFinished()
{
    const Outcome outcome = m_watcher.result();
    m_progress.reset();
    Q_EMIT finished(outcome.cancelled, outcome.error);
}

} // namespace loupe
