#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

/**
 * The line on which each id of a file was first seen, keyed by the id's 64-bit hash, for
 * "id X is already on line N" while the file is read once.
 *
 * Open addressing in one flat array, not std::unordered_map: that allocated a node per id and
 * missed the cache on every insert, and at ten million ids it held about 400 MB. This holds
 * 16 bytes a slot, at most three quarters full.
 */
class IdLineTable
{
public:
    /** Room for ids entries without growing. */
    void reserve(size_t ids);
    /** The line an id of this hash was first seen on; -1 for a new one, which is then remembered on line. */
    qint64 firstLineOrAdd(quint64 hash, qint64 line);
    size_t size() const { return m_count; }
    /**
     * Starts loading the slot a hash would take into the cache. A million ids make the table
     * 32 MB, and each insert otherwise waits for a random slot of it from memory.
     */
    void prefetch(quint64 hash) const
    {
        __builtin_prefetch(m_slots.data() + slotOf(hash == 0 ? 1 : hash), 1);
    }

private:
    struct Slot
    {
        quint64 hash = 0; // 0: empty (a hash of 0 is stored as 1)
        qint64 line = 0;
    };
    void rehash(size_t slots);
    size_t slotOf(quint64 hash) const;

    std::vector<Slot> m_slots;
    size_t m_count = 0;
    int m_shift = 64;
};

} // namespace loupe
