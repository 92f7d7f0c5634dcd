#pragma once

#include "common/progress.h"

#include <QtGlobal>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <type_traits>

#include <omp.h>

namespace loupe {

/**
 * Runs body over [0, count) in chunks of grain items on the OpenMP threads (threads = 0:
 * all), reporting progress as from + (to - from) * done / count. body is called as
 * body(begin, end), or body(begin, end, thread) when it takes the OpenMP thread number
 * (for per-thread scratch buffers).
 *
 * Exceptions cannot leave an OpenMP region, so the first one thrown by body is kept,
 * the remaining chunks are skipped and it is rethrown on the calling thread; a
 * cancellation skips the remaining chunks the same way and throws Cancelled.
 * The analysis kernels' one parallel loop with progress and cancel.
 */
template<typename Body>
void parallelFor(qint64 count, qint64 grain, Progress &progress, Body &&body, double from = 0.0,
                 double to = 1.0, int threads = 0)
{
    progress.throwIfCancelled();
    grain = std::max<qint64>(1, grain);
    const qint64 chunks = (count + grain - 1) / grain;
    std::atomic<qint64> done{0};
    std::atomic_bool stop{false};
    std::mutex errorMutex;
    std::exception_ptr error; // guarded by errorMutex

#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : omp_get_max_threads())
    for (qint64 chunk = 0; chunk < chunks; ++chunk) {
        if (stop.load(std::memory_order_relaxed))
            continue;
        if (progress.isCancelled()) {
            stop.store(true, std::memory_order_relaxed);
            continue;
        }
        const qint64 begin = chunk * grain;
        const qint64 end = std::min(count, begin + grain);
        try {
            if constexpr (std::is_invocable_v<Body, qint64, qint64, int>)
                body(begin, end, omp_get_thread_num());
            else
                body(begin, end);
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error)
                error = std::current_exception();
            stop.store(true, std::memory_order_relaxed);
        }
        const qint64 total = done.fetch_add(end - begin, std::memory_order_relaxed) + (end - begin);
        progress.setProgress(from + (to - from) * double(total) / double(count));
    }
    if (error)
        std::rethrow_exception(error);
    progress.throwIfCancelled();
}

/**
 * A Progress for one stage of a longer job: the stage's [0, 1] maps to [from, to] of
 * parent, and a cancel of parent reaches the stage at its next progress report (and
 * at construction), so stage functions that only know their own Progress stop too.
 */
class StageProgress
{
public:
    StageProgress(Progress &parent, double from, double to)
        : m_stage([this, &parent, from, to](double fraction, const QString &) {
              parent.setProgress(from + (to - from) * fraction);
              if (parent.isCancelled())
                  m_stage.cancel();
          })
    {
        if (parent.isCancelled())
            m_stage.cancel();
    }
    StageProgress(const StageProgress &) = delete;
    StageProgress &operator=(const StageProgress &) = delete;

    Progress &progress() { return m_stage; }

private:
    Progress m_stage;
};

} // namespace loupe
