#pragma once

#include "detection/box.h"

#include <QHash>
#include <QString>

#include <utility>
#include <vector>

namespace loupe {

class Progress;

/** One entry of a COCO file's "images". */
struct CocoImage
{
    qint64 id = 0;
    QString fileName;
    int width = 0;  ///< 0: not given
    int height = 0; ///< 0: not given
    /** Every other scalar key (split, camera, date_captured, ...), as text: the image's metadata. */
    std::vector<std::pair<QString, QString>> metadata;
};

/** One entry of "categories". */
struct CocoCategory
{
    qint64 id = 0;
    QString name;
    QString supercategory;
};

/** One entry of "annotations", its image and category resolved to indexes into the dataset's lists. */
struct CocoAnnotation
{
    qint64 id = -1; ///< -1: not given
    qint64 image = 0;
    int category = 0;
    Box box;
    double area = 0.0; ///< as written; 0: not given (the box's area is used)
    bool crowd = false;
};

/** A COCO instances file, validated: unique ids, every annotation on a known image and category. */
struct CocoDataset
{
    std::vector<CocoImage> images;
    std::vector<CocoCategory> categories;
    std::vector<CocoAnnotation> annotations;

    /** The index of the image with this COCO id; -1 when none. */
    qint64 imageIndex(qint64 id) const { return imageById.value(id, -1); }
    /** The index of the category with this COCO id; -1 when none. */
    int categoryIndex(qint64 id) const { return int(categoryById.value(id, -1)); }

    /** Fills the id lookups from images and categories; an id used twice is an Error naming file. */
    void indexIds(const QString &file);

    QHash<qint64, qint64> imageById;
    QHash<qint64, qint64> categoryById;
};

/**
 * Why box does not fit image ("reaches past the image's width 640"); empty when it does, within
 * a pixel (float boxes round outwards), or when the image's size is unknown.
 */
QString boxOutsideImage(const Box &box, const CocoImage &image);

/**
 * The COCO image id of a project's sample: its id when that is a whole number (as a COCO import
 * stores it), else its position from 1. Exports and later runs' results use the same ids.
 */
qint64 cocoImageId(const QString &sampleId, qint64 sample);

/** One entry of a COCO results file (a model's predictions), resolved against a dataset. */
struct CocoResult
{
    qint64 image = 0;
    int category = 0;
    Box box;
    double score = 0.0;
    std::vector<float> probabilities; ///< per category, when given; else empty
    qint64 embeddingRow = -1;         ///< row of a box embeddings .npy, when given
};

/**
 * Reads COCO detection files as a stream (JsonStream): an instances file of a gigabyte
 * needs the memory of its boxes, not of its text; segmentations, "info" and "licenses" are
 * skipped unread. Every problem is an Error naming the file, the line and the entry, and
 * nothing is returned: `instances.json:812: annotations[40] (id 1207): the box [620, 10,
 * 40, 30] reaches past the image's width 640`.
 */
class CocoReader
{
public:
    /** An instances file: "images", "annotations" (boxes) and "categories". */
    static CocoDataset readInstances(const QString &path, Progress &progress);

    /**
     * A results file: a list of {image_id, category_id, bbox, score}, with an optional
     * "probabilities" list (one per category, summing to about 1) and "embedding" (a row
     * index). Image and category ids must be the dataset's.
     */
    static std::vector<CocoResult> readResults(const QString &path, const CocoDataset &dataset,
                                               Progress &progress);
};

} // namespace loupe
