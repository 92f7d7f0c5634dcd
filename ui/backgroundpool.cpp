#include "backgroundpool.h"

#include <QThread>
#include <algorithm>
#include <QThreadPool>

namespace loupe {

QThreadPool *backgroundPool()
{
    static QThreadPool *pool = [] {
        auto *threads = new QThreadPool; // lives as long as the process: work may end during exit
        threads->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        return threads;
    }();
    return pool;
}

} // namespace loupe
