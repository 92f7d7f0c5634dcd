#pragma once

#include <QString>

#include <atomic>
#include <functional>
#include <mutex>

namespace loupe {

/**
 * Progress reporting and cancellation for long work, shared between the worker and
 * whoever watches it (a progress bar, the CLI's stderr).
 *
 * The worker calls setProgress() as often as it likes; the observer is only called
 * when the value moves by at least 0.5 % or the step text changes, so tight loops
 * can report freely. Cancellation is a flag the worker polls through
 * throwIfCancelled(), which throws Cancelled.
 */
class Progress
{
public:
    using Observer = std::function<void(double fraction, const QString &step)>;

    Progress() = default;
    explicit Progress(Observer observer);

    void setStep(const QString &step);
    /** fraction in [0, 1] of the current step. */
    void setProgress(double fraction);
    void setProgress(qint64 done, qint64 total);

    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const
    {
        return m_cancelled.load(std::memory_order_relaxed) ||
               (m_cancelSource && m_cancelSource->isCancelled());
    }
    /**
     * Also counts as cancelled once source is: for work running beside the job source
     * reports on, whose own progress nobody watches. source must outlive this.
     */
    void followCancellationOf(const Progress &source) { m_cancelSource = &source; }
    /** Throws Cancelled when cancel() was called. */
    void throwIfCancelled() const;

private:
    void notify(double fraction, const QString &step);

    Observer m_observer;
    std::atomic_bool m_cancelled{false};
    const Progress *m_cancelSource = nullptr;
    std::mutex m_mutex; // guards m_step and m_lastReported
    QString m_step;
    double m_lastReported = -1.0;
};

/** Thrown by Progress::throwIfCancelled(). */
class Cancelled : public std::exception
{
public:
    const char *what() const noexcept override { return "cancelled"; }
};

} // namespace loupe
