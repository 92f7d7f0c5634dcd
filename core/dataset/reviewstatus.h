#pragma once

#include <QString>

#include <cstdint>

namespace loupe {

/**
 * A reviewer's verdict on a sample, kept apart from its label: "reviewed" (looked at,
 * label confirmed), "ambiguous" (no single class fits; a labelling-guide question) and
 * "excluded" (should not be used: corrupt, out of scope). Excluded samples leave the
 * metrics (see SampleTable::isEvaluated()).
 */
enum class ReviewStatus : std::uint8_t { None = 0, Reviewed, Ambiguous, Excluded };

/** "reviewed", "ambiguous", "excluded"; empty for None. The names stored in the project. */
QString reviewStatusName(ReviewStatus status);
/** The inverse of reviewStatusName(); None for anything else. */
ReviewStatus reviewStatusFromName(const QString &name);

} // namespace loupe
