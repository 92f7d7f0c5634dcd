#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QStatusBar;
class QWidget;

namespace loupe {

class BackgroundTask;
class Progress;

/**
 * The window's long work (an import, an analysis, an export), one at a time, on a
 * BackgroundTask: what to do when it succeeds, its outcome in the status bar or a
 * dialog, and closing the window once a cancelled task has stopped.
 */
class TaskRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskRunner)

public:
    using Work = std::function<void(Progress &progress)>;

    TaskRunner(BackgroundTask &task, QWidget *window, QStatusBar *statusBar);

    /**
     * Starts work titled title; onSuccess runs on the UI thread after it succeeds. False (with
     * a status-bar message) when other work is running.
     */
    bool start(const QString &title, Work work, std::function<void()> onSuccess = {});
    bool isRunning() const;
    /** When work runs, says so in the status bar and returns true. */
    bool refuseWhileBusy();
    BackgroundTask &task() const { return m_task; }

    /**
     * Whether the window may close now; if work runs, cancels it and closes the window once
     * it has stopped (import and analysis write in transactions: cancelling loses nothing
     * confirmed).
     */
    bool mayClose();

Q_SIGNALS:
    /** Work started or ended: actions that need the task idle update. */
    void busyChanged(bool busy);
    /** Work ended; error is empty on success or when cancelled. */
    void finished(bool cancelled, const QString &error);

private:
    void onFinished(bool cancelled, const QString &error);

    BackgroundTask &m_task;
    QWidget *m_window;
    QStatusBar *m_statusBar;
    std::function<void()> m_onSuccess;
    bool m_closeWhenDone = false;
};

} // namespace loupe
