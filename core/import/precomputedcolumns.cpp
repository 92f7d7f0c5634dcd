#include "import/precomputedcolumns.h"

#include "common/progress.h"
#include "formats/npyfile.h"
#include "import/importproblems.h"
#include "import/npychecks.h"
#include "storage/runarrays.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace loupe {

namespace {

const QString kKnnIndicesFile = QStringLiteral("knn_indices.npy");
const QString kKnnDistancesFile = QStringLiteral("knn_distances.npy");
const QString kClustersFile = QStringLiteral("clusters.npy");
const QString kIssueScoresFile = QStringLiteral("issue_scores.npy");

// Ids are stored as float32 (as the analysis's own kNN graph), exact below 2^24.
constexpr double kLargestId = double(1 << 24);

/** What is wrong with one value (empty when it is fine). */
using ValueCheck = std::function<QString(float value)>;

/** Scans every value of file in blocks, reporting the first problem of each row. */
void checkEachValue(const NpyFile &file, const ValueCheck &check, ImportProblems &problems,
                    Progress &progress)
{
    progress.setStep(QStringLiteral("Checking %1").arg(file.fileName()));
    const qint64 cols = file.cols();
    const qint64 block = std::max<qint64>(1, (1 << 20) / std::max<qint64>(1, cols));
    std::vector<float> buffer(size_t(block * cols));
    for (qint64 first = 0; first < file.rows() && !problems.isFull(); first += block) {
        const qint64 count = std::min(block, file.rows() - first);
        file.readRows(first, count, buffer.data());
        for (qint64 r = 0; r < count; ++r) {
            for (qint64 c = 0; c < cols; ++c) {
                const QString problem = check(buffer[size_t(r * cols + c)]);
                if (!problem.isEmpty()) {
                    problems.add(
                        file.fileName(), 0,
                        QStringLiteral("row %1: %2 in column %3").arg(first + r).arg(problem).arg(c));
                    break;
                }
            }
        }
        progress.throwIfCancelled();
        progress.setProgress(first + count, file.rows());
    }
}

QString idProblem(float value, double end, const QString &what)
{
    if (!std::isfinite(value) || value != std::floor(value))
        return QStringLiteral("%1 is not a whole number").arg(double(value));
    if (value < -1.0f || double(value) >= end)
        return QStringLiteral("%1 %2 is outside -1 .. %3")
            .arg(what)
            .arg(double(value))
            .arg(end - 1, 0, 'f', 0);
    return {};
}

void checkColumnShape(const NpyFile &file, qint64 samples, ImportProblems &problems)
{
    if (file.rows() != samples)
        problems.add(
            file.fileName(), 0,
            QStringLiteral("has %1 rows but samples.csv has %2 samples").arg(file.rows()).arg(samples));
    if (file.cols() != 1)
        problems.add(file.fileName(), 0,
                     QStringLiteral("has %1 columns; expected one value per sample").arg(file.cols()));
}

} // namespace

PrecomputedColumns::PrecomputedColumns(const QString &folder, ImportProblems &problems)
    : m_knnIndices(openOptionalNpy(folder, kKnnIndicesFile, problems)),
      m_knnDistances(openOptionalNpy(folder, kKnnDistancesFile, problems)),
      m_clusters(openOptionalNpy(folder, kClustersFile, problems)),
      m_issueScores(openOptionalNpy(folder, kIssueScoresFile, problems))
{
    if (bool(m_knnIndices) != bool(m_knnDistances))
        problems.add(m_knnIndices ? kKnnIndicesFile : kKnnDistancesFile, 0,
                     QStringLiteral("comes with %1: the kNN graph needs both")
                         .arg(m_knnIndices ? kKnnDistancesFile : kKnnIndicesFile));
}

PrecomputedColumns::~PrecomputedColumns() = default;

bool PrecomputedColumns::isEmpty() const
{
    return !m_knnIndices && !m_knnDistances && !m_clusters && !m_issueScores;
}

QStringList PrecomputedColumns::fileNames() const
{
    QStringList names;
    for (const NpyFile *file :
         {m_knnIndices.get(), m_knnDistances.get(), m_clusters.get(), m_issueScores.get()}) {
        if (file)
            names << file->fileName();
    }
    return names;
}

void PrecomputedColumns::checkShapes(qint64 samples, ImportProblems &problems) const
{
    if (m_knnIndices && m_knnDistances) {
        for (const NpyFile *file : {m_knnIndices.get(), m_knnDistances.get()}) {
            if (file->rows() != samples)
                problems.add(file->fileName(), 0,
                             QStringLiteral("has %1 rows but samples.csv has %2 samples")
                                 .arg(file->rows())
                                 .arg(samples));
        }
        if (m_knnDistances->cols() != m_knnIndices->cols())
            problems.add(kKnnDistancesFile, 0,
                         QStringLiteral("has %1 columns but %2 has %3")
                             .arg(m_knnDistances->cols())
                             .arg(kKnnIndicesFile)
                             .arg(m_knnIndices->cols()));
        if (m_knnIndices->isFloatingPoint())
            problems.add(
                kKnnIndicesFile, 0,
                QStringLiteral("holds %1; expected integer sample indices").arg(m_knnIndices->dtype()));
    }
    if (m_clusters) {
        checkColumnShape(*m_clusters, samples, problems);
        if (m_clusters->isFloatingPoint())
            problems.add(kClustersFile, 0,
                         QStringLiteral("holds %1; expected integer cluster ids").arg(m_clusters->dtype()));
    }
    if (m_issueScores)
        checkColumnShape(*m_issueScores, samples, problems);
    if (samples > qint64(kLargestId) && (m_knnIndices || m_clusters))
        problems.add(m_knnIndices ? kKnnIndicesFile : kClustersFile, 0,
                     QStringLiteral("ids are stored exactly only below %1 samples").arg(qint64(kLargestId)));
}

void PrecomputedColumns::check(qint64 samples, ImportProblems &problems, Progress &progress) const
{
    checkShapes(samples, problems);
    problems.throwIfAny();
    if (m_knnIndices) {
        const auto end = double(samples);
        checkEachValue(
            *m_knnIndices, [end](float v) { return idProblem(v, end, QStringLiteral("sample index")); },
            problems, progress);
        checkEachValue(
            *m_knnDistances,
            [](float v) {
                // Padding (index -1) may carry an infinite distance.
                return v >= 0.0f ? QString() : QStringLiteral("distance %1 is not >= 0").arg(double(v));
            },
            problems, progress);
    }
    if (m_clusters)
        checkEachValue(
            *m_clusters, [](float v) { return idProblem(v, kLargestId, QStringLiteral("cluster id")); },
            problems, progress);
    if (m_issueScores)
        checkEachValue(
            *m_issueScores,
            [](float v) {
                return std::isnan(v) || (v >= 0.0f && v <= 1.0f)
                           ? QString()
                           : QStringLiteral("score %1 is outside 0 .. 1 (NaN for none)").arg(double(v));
            },
            problems, progress);
}

void PrecomputedColumns::write(RunArrays &arrays, const std::vector<qint64> &fileRows,
                               Progress &progress) const
{
    const std::pair<const NpyFile *, RunArray> columns[] = {
        {m_knnIndices.get(), RunArray::ImportedKnnIndices},
        {m_knnDistances.get(), RunArray::ImportedKnnDistances},
        {m_clusters.get(), RunArray::ImportedClusters},
        {m_issueScores.get(), RunArray::ImportedIssueScores}};
    for (const auto &[file, array] : columns) {
        if (!file)
            continue;
        progress.setStep(QStringLiteral("Writing %1").arg(file->fileName()));
        arrays.write(array, {file->rows(), file->cols()}, rowsInSampleOrder(*file, fileRows), &progress);
    }
}

ArrayStore::RowSource rowsInSampleOrder(const NpyFile &file, const std::vector<qint64> &fileRows)
{
    return [&file, &fileRows](qint64 first, qint64 count, float *out) {
        if (fileRows.empty()) {
            file.readRows(first, count, out);
            return;
        }
        for (qint64 r = 0; r < count; ++r)
            file.readRows(fileRows[size_t(first + r)], 1, out + r * file.cols());
    };
}

} // namespace loupe
