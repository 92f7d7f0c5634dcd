#pragma once

#include "dataset/samplemetadatacolumn.h"

#include <QString>

#include <map>
#include <vector>

namespace loupe {

/** One way a cluster differs from the rest of its classes, in one metadata column. */
struct ClusterTrait
{
    QString column;
    QString category;         ///< a text column's value; empty for a numeric column
    double memberValue = 0.0; ///< members' mean (numeric) or share with the value (text)
    double restValue = 0.0;   ///< the same over the rest of the members' classes, weighted to their class mix
    double effect = 0.0;      ///< standardised: Glass's delta (numeric) or Cohen's h (text); sign = direction
    double pValue = 1.0;      ///< two-sided, Welch's z (numeric) or two-proportion z (text)

    /** "lower image_sharpness than the rest of its classes (12.3 vs 410)". */
    QString text() const;
};

/** Parameters of ClusterDescription::describe. */
struct ClusterDescriptionParams
{
    /** Smallest |effect| worth naming: 0.5 is a "medium" effect in Cohen's terms. */
    double minEffect = 0.5;
    /** Family-wise error rate over every column, value and cluster tested (Bonferroni). */
    double alpha = 0.001;
    /** Traits kept per cluster, largest |effect| first. */
    int maxTraits = 2;
    /** Text columns with more distinct values than this (ids, paths) are not tested. */
    int maxCategories = 50;
    /**
     * Two numeric columns correlated at least this much (|Pearson r|) are one measurement under two
     * names (an imported brightness and the computed image_brightness): only the stronger is named.
     */
    double sameMeasurement = 0.99;
};

/**
 * What sets each cluster apart: the metadata columns (imported, and the image statistics the
 * images step computes) whose values differ most between a cluster's members and the rest
 * of the samples of the same classes.
 *
 * The comparison is class-matched: a cluster of mostly sandals is compared with the other
 * sandals, not with the whole dataset, so "darker" means darker than its classes usually are
 * and not "sandals are dark". For a cluster with class shares w_c the reference is the mixture
 * sum_c w_c (non-members of class c). A numeric column's effect is Glass's delta, (member mean
 * - reference mean) / reference standard deviation, tested with Welch's z; a text value's is
 * Cohen's h, 2 asin sqrt(p1) - 2 asin sqrt(p2), tested with a two-proportion z. A trait is
 * named when |effect| >= minEffect and the p-value passes Bonferroni over every test made.
 */
class ClusterDescription
{
public:
    explicit ClusterDescription(ClusterDescriptionParams params = {});

    /**
     * clusterOf: each sample's cluster (-1 none); classOf: its class (label, or prediction when
     * unlabeled; -1 none). Returns the traits of every cluster that has any, strongest first.
     */
    std::map<int, std::vector<ClusterTrait>>
    describe(const std::vector<int> &clusterOf, const std::vector<int> &classOf, int classes,
             const std::vector<SampleMetadataColumn> &metadata) const;

    /** The traits as one line: "lower image_sharpness than ... (12.3 vs 410); camera = B (80% vs 9%)". */
    static QString summary(const std::vector<ClusterTrait> &traits);

private:
    ClusterDescriptionParams m_params;
};

} // namespace loupe
