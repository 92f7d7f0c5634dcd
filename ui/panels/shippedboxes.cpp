#include "shippedboxes.h"

#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

namespace loupe {

ShippedBoxes ShippedBoxes::load(Project &project)
{
    ShippedBoxes boxes;
    boxes.set = DetectionStore(project.database()).load(project.latestRunId());
    BoxErrorParams shipped;
    shipped.minScore = kShippedScore;
    boxes.errors = BoxErrors::classify(boxes.set, shipped);
    return boxes;
}

} // namespace loupe
