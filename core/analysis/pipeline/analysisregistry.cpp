#include "analysis/pipeline/analysisregistry.h"

#include "analysis/steps/diagnosisstep.h"
#include "analysis/steps/duplicatesstep.h"
#include "analysis/steps/imagesstep.h"
#include "analysis/steps/kmeansstep.h"
#include "analysis/steps/knnstep.h"
#include "analysis/steps/labelissuesstep.h"
#include "analysis/steps/mapclustersstep.h"
#include "analysis/steps/mapstep.h"
#include "analysis/steps/patternsstep.h"
#include "analysis/steps/slicesstep.h"

namespace loupe {

namespace {

template<typename Step> const AnalysisStep *instance()
{
    static const Step step;
    return &step;
}

} // namespace

const std::vector<const AnalysisStep *> &analysisSteps()
{
    // One line per step, in the order they run: each finds what the ones before it provide
    // (the knn graph feeds the label issues, the map and the duplicates; the images step's
    // decode feeds the duplicates, and its statistics the slices and cluster descriptions;
    // the map feeds its clusters).
    static const std::vector<const AnalysisStep *> steps = {
        instance<KnnStep>(),         instance<ImagesStep>(),   instance<DuplicatesStep>(),
        instance<LabelIssuesStep>(), instance<MapStep>(),      instance<KMeansStep>(),
        instance<MapClustersStep>(), instance<PatternsStep>(), instance<SlicesStep>(),
        instance<DiagnosisStep>(),
    };
    return steps;
}

const AnalysisStep *findAnalysisStep(const QString &name)
{
    for (const AnalysisStep *step : analysisSteps()) {
        if (step->name() == name)
            return step;
    }
    return nullptr;
}

QStringList analysisStepNames()
{
    QStringList names;
    for (const AnalysisStep *step : analysisSteps())
        names << step->name();
    return names;
}

} // namespace loupe
