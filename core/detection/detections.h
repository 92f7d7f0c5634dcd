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

/**
 * What a model gave about its boxes beyond class and score, parallel to
 * DetectionSet::detections; either part may be empty.
 */
struct BoxEvidence
{
    std::vector<float> probabilities; ///< detections x categories, row-major: the class probabilities
    std::vector<float> embeddings;    ///< detections x dimensions, row-major: where each box sits in the
                                      ///< model's feature space
    int dimensions = 0;

    /** Whether the embeddings are there and fit count boxes. */
    bool hasEmbeddings(size_t count) const
    {
        return dimensions > 0 && count > 0 && embeddings.size() == count * size_t(dimensions);
    }
};

/** A run's embeddings of its images (embeddings.npy): one row per image, or none. */
struct ImageEmbeddings
{
    std::vector<float> rows; ///< images x dimensions, row-major
    int dimensions = 0;

    /** Whether there is one row per image of images. */
    bool fits(qint64 images) const
    {
        return dimensions > 0 && images > 0 && rows.size() == size_t(images) * size_t(dimensions);
    }
};

} // namespace loupe
