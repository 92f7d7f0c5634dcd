#include "import/imagecheckbatch.h"

#include "import/imagepathchecker.h"
#include "import/importproblems.h"

namespace loupe {

ImageCheckBatch::ImageCheckBatch(const ImagePathChecker &checker, ImportProblems &problems, QString file)
    : m_checker(checker), m_problems(problems), m_file(std::move(file))
{
}

ImageCheckBatch::~ImageCheckBatch()
{
    if (m_inFlight.valid())
        m_inFlight.wait();
}

void ImageCheckBatch::add(qint64 line, QByteArrayView utf8)
{
    m_pending.lines.push_back(line);
    m_pending.paths.appendUtf8(utf8);
    if (m_pending.lines.size() >= kBatchSize)
        dispatch();
}

void ImageCheckBatch::finish()
{
    dispatch();
    reportInFlight();
}

void ImageCheckBatch::dispatch()
{
    reportInFlight();
    if (m_pending.lines.empty())
        return;
    m_inFlight = std::async(std::launch::async, &ImageCheckBatch::check, std::cref(m_checker),
                            std::exchange(m_pending, {}));
}

void ImageCheckBatch::reportInFlight()
{
    if (!m_inFlight.valid())
        return;
    const Checked checked = m_inFlight.get();
    for (size_t i = 0; i < checked.problems.size(); ++i) {
        if (!checked.problems[i].isEmpty())
            m_problems.add(m_file, checked.lines[i], checked.problems[i]);
    }
}

ImageCheckBatch::Checked ImageCheckBatch::check(const ImagePathChecker &checker, Batch batch)
{
    const auto count = qint64(batch.lines.size());
    Checked checked{std::move(batch.lines), std::vector<QString>(size_t(count))};
#pragma omp parallel for schedule(static, 256)
    for (qint64 i = 0; i < count; ++i)
        checked.problems[size_t(i)] = checker.check(batch.paths.utf8(i));
    return checked;
}

} // namespace loupe
