#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace loupe {

class AnalysisStep;

/** Every analysis step, in the order they run (analysisregistry.cpp is the one table). */
const std::vector<const AnalysisStep *> &analysisSteps();
/** The step named name, or null. */
const AnalysisStep *findAnalysisStep(const QString &name);
/** The steps' names, in order. */
QStringList analysisStepNames();

} // namespace loupe
