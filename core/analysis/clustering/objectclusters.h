#pragma once

#include "analysis/clustering/clusterreport.h"
#include "detection/boxerrors.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace loupe {

class Progress;

/** Parameters of ObjectClusters::find. */
struct ObjectClusterParams
{
    /** Objects clustered at most: a seeded sample beyond it (each costs its image's decode). */
    qint64 maxObjects = 5000;
    int k = 0; ///< clusters; 0: one per 300 objects clustered, from 4 to 16
    quint64 seed = 1;
};

/** What an ObjectClusters groups. */
enum class ClusteredItems {
    Objects,        ///< annotated objects, by their pixels; failed: missed
    PredictedBoxes, ///< the model's boxes, by its box embeddings; failed: wrong
    Images,         ///< images, by the run's image embeddings; failed: an object missed in it
};

/**
 * One group of objects that look alike, with how often the model misses them; or of predicted
 * boxes the model sees alike, with how often they are wrong; or of images, with how often the
 * model misses an object in them.
 */
struct ObjectCluster
{
    ClusterStats stats;      ///< errors: missed objects (wrong boxes); expected: what their classes predict
    double medianSide = 0.0; ///< pixels (sqrt of the box area)
    double meanBrightness = 0.0; ///< 0 to 1 (objects only)
    double meanContrast = 0.0;   ///< the crops' standard deviation, 0 to 1 (objects only)
    std::vector<qint64>
        examples; ///< failed members (missed objects, wrong boxes, images with a miss), at most 8
    std::vector<qint64> members; ///< every member: annotation, predicted box or image indexes
    /** Predicted boxes: the commonest error among the wrong members, and its share of them. */
    BoxError commonError = BoxError::None;
    double commonErrorShare = 0.0;
};

/**
 * Failure clusters over objects: the annotated objects (crowd regions aside) grouped by what
 * they look like (objectCropFeatures: appearance, brightness, contrast, size, shape; k-means),
 * ranked as the image clusters are (ClusterReport: the misses in excess of what the members'
 * classes explain, at a 95 % lower bound), so "small dark objects on clutter, of any class"
 * rises above a class that is hard everywhere. An object is missed when no box of its class
 * matched it (BoxErrors at the caller's thresholds).
 */
struct ObjectClusters
{
    qint64 total = 0;      ///< objects (crowd regions aside)
    qint64 clustered = 0;  ///< of them, in the sample clustered
    qint64 unreadable = 0; ///< clustered objects whose image could not be read (left in, at zero features)
    double missRate = 0.0; ///< over the clustered objects
    std::vector<ObjectCluster> clusters; ///< the worst first

    ClusteredItems items = ClusteredItems::Objects;

    static ObjectClusters find(const DetectionSet &set, const BoxErrors &errors,
                               const std::function<QString(qint64 image)> &imagePath, Progress &progress,
                               const ObjectClusterParams &params = {});
    /**
     * The precision side, from the model's box embeddings: the predicted boxes it ships
     * (evaluated at the caller's threshold, crowd regions aside) grouped where the model sees
     * them alike (k-means on the embeddings), ranked by the wrong boxes (any TIDE error) in
     * excess of what their predicted classes' error rates explain. "The model calls textured
     * background a bag" gathers in one group. Empty without embeddings (hasEmbeddings).
     * missRate is then the share of wrong boxes.
     */
    static ObjectClusters ofPredictedBoxes(const DetectionSet &set, const BoxErrors &errors,
                                           const BoxEvidence &evidence, Progress &progress,
                                           const ObjectClusterParams &params = {});

    /**
     * "412 objects, 80.1% missed (their classes predict 51.0%): mostly Shirt (62%), about 31 px, dark,
     * flat" (flat: little contrast in the box, as where nothing is there).
     */
    /**
     * Over images, from the run's image embeddings (rows x dimensions, one per image): the
     * images grouped where the model sees them alike (k-means), ranked by the images in which
     * it misses an object (at the caller's thresholds) beyond what their classes explain, an
     * image's class being its commonest annotated one (images without annotations take no part
     * in the rates). "Night scenes" or "cluttered shelves" gather in one group whatever their
     * classes. Empty without embeddings of one row per image; missRate is then the share of
     * images with a miss.
     */
    static ObjectClusters ofImages(const DetectionSet &set, const BoxErrors &errors,
                                   const std::vector<float> &embeddings, int dimensions, Progress &progress,
                                   const ObjectClusterParams &params = {});

    static QString describe(const ObjectCluster &cluster, const QStringList &classNames);
    /**
     * "230 predicted boxes, 64.3% wrong (their classes predict 20.1%): mostly Bag (80%), about
     * 30 px; 71% of the wrong ones on nothing".
     */
    static QString describeBoxes(const ObjectCluster &cluster, const QStringList &classNames);
    /** "120 images, 61.7% with a missed object (their classes predict 40.2%): mostly Shirt (35%)". */
    static QString describeImages(const ObjectCluster &cluster, const QStringList &classNames);
    /** describe(), describeBoxes() or describeImages(), by what the clusters group. */
    QString describeCluster(const ObjectCluster &cluster, const QStringList &classNames) const;
};

} // namespace loupe
