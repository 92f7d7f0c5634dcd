#include "common/rankorder.h"

#include "common/hugepages.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <utility>

namespace loupe {

namespace {

/** A key whose ascending order is the values' descending order, NaN last. */
std::uint32_t descendingKey(float value)
{
    if (std::isnan(value))
        return UINT32_MAX;
    if (value == 0.0f)
        value = 0.0f; // -0 and +0 compare equal, so they tie
    const auto bits = std::bit_cast<std::uint32_t>(value);
    const std::uint32_t ascending = (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
    return ~ascending;
}

/** One stable counting pass over 16 bits of each entry's key (the entry's top 32 bits). */
void radixPass(const std::vector<std::uint64_t> &from, std::vector<std::uint64_t> &to, int shift)
{
    std::vector<std::uint32_t> starts(1u << 16, 0);
    for (const std::uint64_t entry : from)
        ++starts[(entry >> shift) & 0xFFFFu];
    std::uint32_t sum = 0;
    for (std::uint32_t &start : starts)
        sum += std::exchange(start, sum);
    for (const std::uint64_t entry : from)
        to[starts[(entry >> shift) & 0xFFFFu]++] = entry;
}

void comparisonSort(std::vector<qint64> &items, const std::vector<float> &values)
{
    std::stable_sort(items.begin(), items.end(), [&values](qint64 a, qint64 b) {
        return descendingKey(values[size_t(a)]) < descendingKey(values[size_t(b)]);
    });
}

} // namespace

void sortDescendingNaNLast(std::vector<qint64> &items, const std::vector<float> &values)
{
    if (items.size() < 4096 || values.size() > UINT32_MAX) {
        comparisonSort(items, values); // the histograms would cost more than they save
        return;
    }
    // Key in the top half, item in the bottom: the passes only look at the key, and being
    // stable they keep the items' order among equal keys.
    std::vector<std::uint64_t> entries;
    reserveLarge(entries, items.size());
    for (const qint64 item : items)
        entries.push_back((std::uint64_t(descendingKey(values[size_t(item)])) << 32) | std::uint64_t(item));
    std::vector<std::uint64_t> scratch;
    reserveLarge(scratch, items.size());
    scratch.resize(items.size());
    radixPass(entries, scratch, 32);
    radixPass(scratch, entries, 48);
    for (size_t i = 0; i < entries.size(); ++i)
        items[i] = qint64(entries[i] & 0xFFFFFFFFu);
}

} // namespace loupe
