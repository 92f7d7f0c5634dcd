#include "import/npychecks.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/npyfile.h"
#include "import/importproblems.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace loupe {

std::unique_ptr<NpyFile> openOptionalNpy(const QString &folder, const QString &name, ImportProblems &problems)
{
    const QString path = QDir(folder).filePath(name);
    if (!QFileInfo::exists(path))
        return nullptr;
    try {
        return std::make_unique<NpyFile>(path);
    } catch (const Error &error) {
        problems.add(name, 0, error.message().section(QStringLiteral(": "), 1));
        return nullptr;
    }
}

namespace {

/**
 * True when no value is NaN or infinite, in one pass the compiler vectorises (integer tests of
 * the exponent bits; a float sum would not be reordered under the project's IEEE flags). The
 * common case, so only a block that fails it is looked at row by row.
 */
bool allFinite(const float *values, qint64 count)
{
    std::uint32_t nonFinite = 0;
    for (qint64 i = 0; i < count; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, values + i, sizeof bits);
        nonFinite |= std::uint32_t((bits & 0x7f800000u) == 0x7f800000u);
    }
    return nonFinite == 0;
}

} // namespace

void checkValues(const NpyFile &file, bool probabilities, ImportProblems &problems, Progress &progress)
{
    const qint64 cols = file.cols();
    const qint64 block = std::max<qint64>(1, (1 << 20) / std::max<qint64>(1, cols));
    std::vector<float> buffer(size_t(block * cols));
    for (qint64 first = 0; first < file.rows() && !problems.isFull(); first += block) {
        const qint64 count = std::min(block, file.rows() - first);
        file.readRows(first, count, buffer.data());
        // Probabilities are also checked for sign and sum, row by row; other values only for
        // being finite.
        const bool blockIsSound = !probabilities && allFinite(buffer.data(), count * cols);
        for (qint64 r = 0; r < count && !blockIsSound; ++r) {
            const float *row = buffer.data() + r * cols;
            double sum = 0.0;
            QString problem;
            for (qint64 k = 0; k < cols && problem.isEmpty(); ++k) {
                if (!std::isfinite(row[k]))
                    problem =
                        QStringLiteral("%1 in column %2")
                            .arg(std::isnan(row[k]) ? QStringLiteral("NaN") : QStringLiteral("infinity"))
                            .arg(k);
                else if (probabilities && row[k] < 0.0f)
                    problem = QStringLiteral("negative probability %1 in column %2").arg(row[k]).arg(k);
                sum += row[k];
            }
            if (problem.isEmpty() && probabilities && std::abs(sum - 1.0) > kProbabilitySumTolerance)
                problem =
                    QStringLiteral("probabilities sum to %1, not 1 (tolerance %2); save unnormalised scores "
                                   "as logits.npy instead")
                        .arg(sum, 0, 'g', 6)
                        .arg(kProbabilitySumTolerance);
            if (!problem.isEmpty())
                problems.add(file.fileName(), 0, QStringLiteral("row %1: %2").arg(first + r).arg(problem));
        }
        progress.throwIfCancelled();
        progress.setProgress(first + count, file.rows());
    }
}

} // namespace loupe
