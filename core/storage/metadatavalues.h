#pragma once

#include "storage/projectschema.h"

#include <QStringList>

#include <vector>

namespace loupe {

class Project;

/**
 * One metadata column's value for every sample, ready to color a map or bin a chart:
 * numbers for integer and real columns, category indices for text columns (the most
 * frequent maxCategories values; rarer ones and NULL are -1).
 */
struct MetadataValues
{
    MetadataColumn column;
    std::vector<float> numbers;  // numeric columns: per sample, NaN for NULL
    std::vector<int> categories; // text columns: per sample, -1 for NULL or a rare value
    QStringList categoryNames;   // most frequent first

    bool isNumeric() const { return column.type != MetadataColumn::Type::Text; }

    /** Reads column name for samples samples; throws loupe::Error for an unknown column. */
    static MetadataValues load(Project &project, const QString &name, qint64 samples, int maxCategories = 20);
};

} // namespace loupe
