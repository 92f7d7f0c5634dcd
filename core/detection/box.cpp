#include "detection/box.h"

#include <algorithm>

namespace loupe {

double intersectionArea(const Box &a, const Box &b)
{
    const double width = std::min(a.right(), b.right()) - std::max(a.x, b.x);
    const double height = std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
    return width > 0.0 && height > 0.0 ? width * height : 0.0;
}

double iou(const Box &detection, const Box &annotation, bool crowd)
{
    const double shared = intersectionArea(detection, annotation);
    const double together = crowd ? detection.area() : detection.area() + annotation.area() - shared;
    return together > 0.0 ? shared / together : 0.0;
}

} // namespace loupe
