#include "metrics/samplescores.h"

#include <algorithm>

namespace loupe {

SampleScores computeSampleScores(const float *probabilities, int numClasses, int label)
{
    SampleScores scores;
    if (numClasses <= 0)
        return scores;
    const float *best = std::max_element(probabilities, probabilities + numClasses);
    scores.predicted = int(best - probabilities);
    scores.confidence = *best;
    if (label < 0 || label >= numClasses)
        return scores;

    const double given = probabilities[label];
    double bestOther = 0.0;
    for (int k = 0; k < numClasses; ++k) {
        if (k != label)
            bestOther = std::max(bestOther, double(probabilities[k]));
    }
    scores.givenProbability = given;
    scores.loss = -std::log(std::max(given, kMinProbability));
    scores.margin = given - bestOther;
    return scores;
}

} // namespace loupe
