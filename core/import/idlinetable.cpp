#include "import/idlinetable.h"

#include "common/hugepages.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace loupe {

namespace {

constexpr size_t kMinimumSlots = 1024;

// Three quarters full at most: linear probing stays short.
size_t slotsFor(size_t ids)
{
    return std::bit_ceil(std::max(kMinimumSlots, ids + ids / 3 + 1));
}

} // namespace

void IdLineTable::reserve(size_t ids)
{
    if (slotsFor(ids) > m_slots.size())
        rehash(slotsFor(ids));
}

qint64 IdLineTable::firstLineOrAdd(quint64 hash, qint64 line)
{
    if ((m_count + 1) * 4 > m_slots.size() * 3)
        rehash(slotsFor(std::max(m_count * 2, kMinimumSlots)));
    hash = hash == 0 ? 1 : hash;
    const size_t mask = m_slots.size() - 1;
    for (size_t at = slotOf(hash);; at = (at + 1) & mask) {
        Slot &slot = m_slots[at];
        if (slot.hash == hash)
            return slot.line;
        if (slot.hash == 0) {
            slot = {hash, line};
            ++m_count;
            return -1;
        }
    }
}

size_t IdLineTable::slotOf(quint64 hash) const
{
    // Fibonacci hashing: the top bits of the product depend on every bit of the hash.
    return size_t((hash * 0x9e3779b97f4a7c15ull) >> m_shift);
}

void IdLineTable::rehash(size_t slots)
{
    // Ten million ids take 256 MB of slots, each insert a random one: in 2 MB pages, the
    // address translations stay cached too.
    std::vector<Slot> fresh;
    assignLarge(fresh, slots, Slot{});
    std::vector<Slot> old = std::exchange(m_slots, std::move(fresh));
    m_shift = 64 - std::countr_zero(slots);
    const size_t mask = slots - 1;
    for (const Slot &slot : old) {
        if (slot.hash == 0)
            continue;
        size_t at = slotOf(slot.hash);
        while (m_slots[at].hash != 0)
            at = (at + 1) & mask;
        m_slots[at] = slot;
    }
}

} // namespace loupe
