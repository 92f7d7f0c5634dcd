#pragma once

#include <cmath>

namespace loupe {

/** Per-sample values derived from one probability row and the given label. */
struct SampleScores
{
    int predicted = -1;      // argmax class (lowest index on ties)
    double confidence = 0.0; // p[predicted]
    // The following are NaN for an unlabeled sample.
    double givenProbability = NAN; // p[label], the self-confidence
    double loss = NAN;             // cross-entropy of the label: -ln(max(p[label], kMinProbability))
    double margin = NAN;           // normalized margin: p[label] - max over k != label of p[k], in [-1, 1]
};

/** Probabilities are clamped to this before the log, so a confident miss has a finite loss (~27.6). */
constexpr double kMinProbability = 1e-12;

/** label < 0 means unlabeled. probabilities has numClasses entries. */
SampleScores computeSampleScores(const float *probabilities, int numClasses, int label);

} // namespace loupe
