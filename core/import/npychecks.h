#pragma once

#include <QString>

#include <memory>

namespace loupe {

class ImportProblems;
class NpyFile;
class Progress;

/** Rows whose probabilities sum to within this of 1 are renormalised; others are refused. */
constexpr double kProbabilitySumTolerance = 1e-3;

/** The .npy file name in folder, opened; nullptr when absent, or unreadable (the reason goes to problems). */
std::unique_ptr<NpyFile> openOptionalNpy(const QString &folder, const QString &name,
                                         ImportProblems &problems);

/**
 * Scans every value of a .npy file (memory-mapped, in blocks) for NaN and infinity and, for
 * probabilities, negative values and sums other than 1; each problem as `file: row R: ...`.
 */
void checkValues(const NpyFile &file, bool probabilities, ImportProblems &problems, Progress &progress);

} // namespace loupe
