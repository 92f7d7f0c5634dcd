#pragma once

#include "dataset/metadatacolumn.h"

#include <QStringList>

#include <vector>

namespace loupe {

/** One metadata column's values for every sample, as the slice finder reads them. */
struct SampleMetadataColumn
{
    QString name;
    MetadataColumn::Type type = MetadataColumn::Type::Text;
    std::vector<double> numbers; ///< Integer and Real: per sample, NaN for NULL
    std::vector<int> codes;      ///< Text: per sample, an index into categories or -1 for NULL
    QStringList categories;      ///< Text: the distinct values
};

} // namespace loupe
