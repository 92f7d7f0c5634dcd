#pragma once

#include "detection/boxerrors.h"

namespace loupe {

class Project;

/** A detection project's newest run, its boxes matched as a model would ship them. */
struct ShippedBoxes
{
    DetectionSet set;
    BoxErrors errors; ///< at kShippedScore and TIDE's IoU thresholds

    /** Reads the project's annotations and newest run (on a panel query's thread) and matches them. */
    static ShippedBoxes load(Project &project);
};

} // namespace loupe
