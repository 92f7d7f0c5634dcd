#include "import/imagecheckbatch.h"

#include "import/imagepathchecker.h"
#include "import/importproblems.h"

namespace loupe {

ImageCheckBatch::ImageCheckBatch(const ImagePathChecker &checker, ImportProblems &problems, QString file)
    : m_checker(checker), m_problems(problems), m_file(std::move(file))
{
}

void ImageCheckBatch::add(qint64 line, const QString &path)
{
    m_lines.push_back(line);
    m_paths.push_back(path);
    if (m_paths.size() >= kBatchSize)
        flush();
}

void ImageCheckBatch::flush()
{
    std::vector<QString> results(m_paths.size());
    const auto count = qint64(m_paths.size());
#pragma omp parallel for schedule(static, 256)
    for (qint64 i = 0; i < count; ++i)
        results[size_t(i)] = m_checker.check(m_paths[size_t(i)]);
    for (size_t i = 0; i < results.size(); ++i) {
        if (!results[i].isEmpty())
            m_problems.add(m_file, m_lines[i], results[i]);
    }
    m_lines.clear();
    m_paths.clear();
}

} // namespace loupe
