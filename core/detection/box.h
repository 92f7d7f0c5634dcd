#pragma once

namespace loupe {

/** An axis-aligned box in pixels, as COCO writes it: top-left corner, width and height. */
struct Box
{
    double x = 0.0;
    double y = 0.0;
    double width = 0.0;
    double height = 0.0;

    double area() const { return width > 0.0 && height > 0.0 ? width * height : 0.0; }
    double right() const { return x + width; }
    double bottom() const { return y + height; }
};

/** The area the two boxes share (0 when they do not overlap). */
double intersectionArea(const Box &a, const Box &b);

/**
 * Intersection over union of a detection and an annotation. Against a crowd region COCO
 * divides by the detection's area alone: a detection inside a crowd of people is not
 * penalised for covering only part of it (pycocotools' maskUtils.iou with iscrowd).
 */
double iou(const Box &detection, const Box &annotation, bool crowd = false);

} // namespace loupe
