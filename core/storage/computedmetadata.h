#pragma once

#include "dataset/metadatacolumn.h"

#include <QStringList>

#include <vector>

namespace loupe {

class Project;

/** One metadata column computed from the data (not imported): a value per sample, NaN for none. */
struct ComputedColumn
{
    QString name;
    MetadataColumn::Type type = MetadataColumn::Type::Real; ///< Integer or Real
    std::vector<double> values;
};

/**
 * Writes columns computed by the analysis into sample_metadata, beside the imported ones,
 * so that slices, the SQL filter, the map coloring and cluster descriptions read them like
 * any metadata. A column is added (and flagged `computed` in metadata_columns) the first
 * time and overwritten by later analyses; an imported column of the same name is never
 * touched: that column is skipped and its name returned. Call inside a transaction.
 */
QStringList writeComputedMetadata(Project &project, const std::vector<ComputedColumn> &columns);

} // namespace loupe
