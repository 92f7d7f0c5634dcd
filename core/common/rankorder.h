#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

/**
 * Orders items by values[item], highest first, NaN last; items with equal values keep their
 * order (as std::stable_sort with that comparison would leave them).
 *
 * A radix sort on 32-bit keys: the grid orders a million samples by issue score each time a
 * project opens or a filter changes, on the UI thread, and a comparison sort took a fifth of
 * a second of that.
 */
void sortDescendingNaNLast(std::vector<qint64> &items, const std::vector<float> &values);

} // namespace loupe
