#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace loupe {

class Progress;

/**
 * Runs one piece of long work (an import, an analysis) on a worker thread with a
 * loupe::Progress the UI can watch and cancel. Progress reaches the UI thread as
 * queued signals, so the window never waits on the worker; one task runs at a time.
 */
class BackgroundTask final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackgroundTask)

public:
    /** The work; it reports through progress and throws loupe::Error or Cancelled. */
    using Work = std::function<void(Progress &progress)>;

    explicit BackgroundTask(QObject *parent = nullptr);
    ~BackgroundTask() override;

    /** Starts work titled title (e.g. "Importing fashion-mnist"); false when a task is already running. */
    bool start(const QString &title, Work work);
    bool isRunning() const { return m_watcher.isRunning(); }
    QString title() const { return m_title; }

    /** Asks the work to stop at its next cancellation point; finished() follows. */
    void cancel();
    bool isCancelling() const;
    /** Blocks until the work has returned (window close, tests); finished() is still delivered. */
    void waitForFinished();

Q_SIGNALS:
    void started(const QString &title);
    /** fraction of the current step in [0, 1]; step names it. */
    void progressed(double fraction, const QString &step);
    /** error is empty on success; cancelled tells a user's cancel from a failure. */
    void finished(bool cancelled, const QString &error);

private:
    struct Outcome
    {
        bool cancelled = false;
        QString error;
    };

    void onWorkFinished();

    QString m_title;
    std::shared_ptr<Progress> m_progress;
    QFutureWatcher<Outcome> m_watcher;
};

} // namespace loupe
