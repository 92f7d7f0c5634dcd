#pragma once

#include <QString>

namespace loupe {

/**
 * What a filter of the samples selects: its kind, typed, so that panels react to the
 * kind (the map outlines a cluster, the status bar names it) instead of recognising a
 * translated description, and the value it selects by.
 */
struct SampleFilter
{
    enum class Kind {
        None,          ///< all samples
        Errors,        ///< model errors (SampleState::isError)
        LabelIssues,   ///< flagged as likely label errors
        Edited,        ///< label differs from the imported one
        Review,        ///< value: a ReviewStatus
        GivenLabel,    ///< value: a class index
        Predicted,     ///< value: a class index
        Split,         ///< value: an index into SampleTable::splitNames
        Cluster,       ///< value: a k-means cluster
        MapCluster,    ///< value: a density cluster of the map
        Pattern,       ///< value: a failure pattern across classes
        ConfusionCell, ///< value: given label, second: predicted class, split: a split or -1 for all
        Sql,           ///< text: the condition over sample_view
        MapSelection,  ///< a rectangle or lasso on the map
        Similar,       ///< samples like the selection (similarity search)
        Comparison,    ///< text: fixed or regressed samples of a run comparison
        Objects, ///< the images of objects chosen in a panel: an object cluster, a selection on the object
                 ///< map
    };

    Kind kind = Kind::None;
    int value = -1;
    int second = -1;
    int split = -1;
    QString text;
    /** What the status bar says, e.g. "cluster 12" or "SQL: split = 'test'". */
    QString description;

    bool isCluster() const
    {
        return kind == Kind::Cluster || kind == Kind::MapCluster || kind == Kind::Pattern;
    }
};

} // namespace loupe
