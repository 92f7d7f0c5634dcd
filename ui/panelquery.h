#pragma once

#include "backgroundpool.h"
#include "common/error.h"
#include "storage/project.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QPointer>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <memory>
#include <optional>

namespace loupe {

/**
 * The project a panel query reads, opened read-only on the worker thread the first time
 * the query asks for it (SQLite connections stay on their thread; a query answered from
 * memory opens nothing).
 */
class ProjectReader
{
public:
    explicit ProjectReader(QString path) : m_path(std::move(path)) {}

    Project &project()
    {
        if (!m_project)
            m_project = Project::open(m_path, Project::Access::ReadOnly);
        return *m_project;
    }
    const QString &path() const { return m_path; }

private:
    QString m_path;
    std::unique_ptr<Project> m_project;
};

/**
 * How a panel reads the project off the UI thread, the one way: a query runs on a worker
 * thread against its own read-only connection to the project file, one at a time; a
 * request made while one runs waits and replaces any earlier waiting one; a result made
 * stale meanwhile (a newer request, a reset) is dropped instead of shown. A loupe::Error
 * thrown by the work reaches the panel's failure handler with its message; results and
 * failures are delivered on the UI thread.
 *
 * So scrolling through the grid never queues a backlog of loads, and a result never lands
 * on a project or selection it was not asked for.
 */
template<typename Result> class PanelQuery
{
public:
    using Work = std::function<Result(ProjectReader &reader)>;
    using Done = std::function<void(Result &result)>;
    using Failed = std::function<void(const QString &message)>;

    /** done and failed are called on the UI thread while context lives. */
    PanelQuery(QObject *context, Done done, Failed failed)
        : m_done(std::move(done)), m_failed(std::move(failed))
    {
        QObject::connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Outcome>>::finished, context,
                         [this] { onFinished(); });
    }
    ~PanelQuery() { m_watcher.waitForFinished(); }
    PanelQuery(const PanelQuery &) = delete;
    PanelQuery &operator=(const PanelQuery &) = delete;

    /** Runs work against the project at path: now, or when the running query ends. */
    void request(const QString &path, Work work)
    {
        ++m_generation;
        m_pending = Pending{path, std::move(work)};
        if (!m_inFlight)
            startPending();
    }
    /** Drops whatever is waiting or running: its result will not be delivered. */
    void invalidate()
    {
        ++m_generation;
        m_pending.reset();
    }
    /** Whether a query waits or runs whose result will be delivered. */
    bool isBusy() const { return m_pending.has_value() || (m_inFlight && m_running == m_generation); }
    /** Blocks until no query waits or runs, and their results are delivered (tests). */
    void waitForIdle()
    {
        while (m_inFlight || m_pending) {
            m_watcher.waitForFinished();
            QCoreApplication::sendPostedEvents();
            QCoreApplication::processEvents();
        }
    }

private:
    struct Outcome
    {
        std::optional<Result> result;
        QString error;
    };
    struct Pending
    {
        QString path;
        Work work;
    };

    void startPending()
    {
        Pending pending = std::move(*m_pending);
        m_pending.reset();
        m_running = m_generation;
        m_inFlight = true;
        m_watcher.setFuture(QtConcurrent::run(backgroundPool(), [pending = std::move(pending)]() {
            auto outcome = std::make_shared<Outcome>();
            try {
                ProjectReader reader(pending.path);
                outcome->result = pending.work(reader);
            } catch (const Error &error) {
                outcome->error = error.message();
            }
            return outcome;
        }));
    }

    void onFinished()
    {
        m_inFlight = false;
        const std::shared_ptr<Outcome> outcome = m_watcher.result();
        const bool current = m_running == m_generation;
        if (m_pending)
            startPending();
        if (!current)
            return;
        if (outcome->result)
            m_done(*outcome->result);
        else
            m_failed(outcome->error);
    }

    Done m_done;
    Failed m_failed;
    QFutureWatcher<std::shared_ptr<Outcome>> m_watcher;
    std::optional<Pending> m_pending;
    quint64 m_generation = 0; // bumped by every request and invalidate()
    quint64 m_running = 0;    // the generation of the running query
    bool m_inFlight = false;  // a query started and its finished() not yet handled
};

} // namespace loupe
