#pragma once

#include "analysis/slices/slicefinder.h"
#include "detection/boxerrors.h"
#include "dataset/samplemetadatacolumn.h"

#include <QStringList>

#include <vector>

namespace loupe {

/**
 * Where the model misses objects: the slices of the annotated objects (crowd regions aside)
 * whose miss rate is convincingly above the rest, ranked as SliceFinder ranks slices of images
 * (errors beyond the overall rate that the Wilson bound is sure of, so 50 misses in 100 objects
 * outrank 50 in 1,000).
 *
 * An object counts as found when a box of its class matched it (BoxErrors at the caller's
 * thresholds), else as missed. The slices cut by: class; the image's split; object size (sqrt
 * of the area, px); aspect ratio (width / height); objects in the image; and every column of the images'
 * metadata, each object taking its image's value. Slice conditions are left empty: they describe objects, not
 * the images the SQL filter selects; instead each slice's errorRows are the annotation indexes of
 * its missed objects (whose images a view can show).
 */
struct ObjectSlices
{
    static std::vector<Slice> find(const DetectionSet &set, const BoxErrors &errors,
                                   const QStringList &classNames, const std::vector<int> &imageSplit,
                                   const QStringList &splitNames,
                                   const std::vector<SampleMetadataColumn> &imageMetadata, Progress &progress,
                                   const SliceFinderParams &params = {});
};

} // namespace loupe
