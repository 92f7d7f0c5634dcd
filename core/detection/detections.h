#pragma once

#include "detection/box.h"

#include <QtGlobal>

#include <vector>

namespace loupe {

/** One annotated object: the ground truth of a detection data set. */
struct Annotation
{
    qint64 image = 0;
    int category = 0;
    Box box;
    /** COCO's area (of the segmentation when there is one); <= 0: the box's. Decides small/medium/large. */
    double area = 0.0;
    /** A region of many objects (COCO iscrowd): matching a detection to it is neither right nor wrong. */
    bool crowd = false;

    double sizeArea() const { return area > 0.0 ? area : box.area(); }
};

/** One box a model predicted, with its confidence. */
struct Detection
{
    qint64 image = 0;
    int category = 0;
    Box box;
    double score = 0.0;
};

/** The annotations and detections of a data set, by index into these vectors. */
struct DetectionSet
{
    qint64 images = 0;
    int categories = 0;
    std::vector<Annotation> annotations;
    std::vector<Detection> detections;
};

} // namespace loupe
