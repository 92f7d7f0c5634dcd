#pragma once

#include "dataset/metadatacolumn.h"

#include <functional>
#include <vector>

namespace loupe {

struct ImageFacts;

/**
 * One metadata column the images step computes from a decoded image: its name, type and
 * value; whether it describes how the image was taken rather than what it shows (a
 * condition, which failure patterns are grouped by beside the embedding), and whether it is
 * positive and skewed (compared on a log scale).
 */
struct ImageStatisticColumn
{
    const char *name;
    MetadataColumn::Type type;
    std::function<double(const ImageFacts &)> value;
    bool condition;
    bool logScale;
};

/** Every column the images step stores, in order: the one list of their names. */
const std::vector<ImageStatisticColumn> &imageStatisticColumns();

} // namespace loupe
