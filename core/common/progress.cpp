#include "common/progress.h"

#include <cmath>

namespace loupe {

Progress::Progress(Observer observer) : m_observer(std::move(observer)) {}

void Progress::setStep(const QString &step)
{
    {
        std::lock_guard lock(m_mutex);
        m_step = step;
        m_lastReported = 0.0;
    }
    notify(0.0, step);
}

void Progress::setProgress(double fraction)
{
    QString step;
    {
        std::lock_guard lock(m_mutex);
        if (std::abs(fraction - m_lastReported) < 0.005 && fraction < 1.0)
            return;
        m_lastReported = fraction;
        step = m_step;
    }
    notify(fraction, step);
}

void Progress::setProgress(qint64 done, qint64 total)
{
    setProgress(total > 0 ? double(done) / double(total) : 1.0);
}

void Progress::throwIfCancelled() const
{
    if (isCancelled())
        throw Cancelled();
}

void Progress::notify(double fraction, const QString &step)
{
    if (m_observer)
        m_observer(fraction, step);
}

} // namespace loupe
