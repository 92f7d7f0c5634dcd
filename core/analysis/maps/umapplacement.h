#pragma once

#include "analysis/maps/umap.h"
#include "analysis/neighbours/nearestneighbors.h"

#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;

/**
 * Fit-on-a-sample support for large maps: one nearest-neighbour index over the sample
 * serves both the sample's own kNN graph (for the fit) and the queries that place every
 * other point (umap-learn's transform), so the index is built once.
 */
class UmapPlacement
{
public:
    /** Indexes sampleRows x dims row-major vectors (copied); throws Cancelled. */
    UmapPlacement(const float *sampleVectors, qint64 sampleRows, int dims, const UmapParams &params,
                  Progress &progress);

    /** The kNN graph of the sample itself, self excluded (k columns). */
    KnnGraph sampleGraph(int k, Progress &progress) const;

    /**
     * Places every row of vectors (rows x dims) that is not in sample (ascending row
     * numbers of the fitted points, whose layout is fitted, sample.size() x 2): at the
     * membership-weighted mean of its params.neighbors nearest fitted points (memberships
     * as umap-learn's transform: local connectivity reduced by one), then
     * params.placementEpochs of SGD that move only the new points, at a quarter of the
     * learning rate. Writes all rows x 2 coordinates, fitted ones included.
     */
    void placeOthers(const float *vectors, qint64 rows, const std::vector<qint64> &sample,
                     const std::vector<float> &fitted, const UmapCurve &curve,
                     std::vector<float> &coordinates, Progress &progress) const;

private:
    /** Places count rows (sample indices others[0..count)) against the fitted layout; progress over [from,
     * to]. */
    void placeBatch(const float *vectors, const qint64 *others, qint64 count, int batch,
                    const std::vector<float> &fitted, const UmapCurve &curve, std::vector<float> &coordinates,
                    Progress &progress, double from, double to) const;

    NearestNeighbors m_index;
    UmapParams m_params;
    qint64 m_sampleRows;
    int m_dims;
    std::vector<float> m_sampleVectors; // needed again for the sample's own queries
};

} // namespace loupe
