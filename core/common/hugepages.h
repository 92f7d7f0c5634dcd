#pragma once

#include <cstddef>
#include <vector>

namespace loupe {

/**
 * Asks the kernel to back a large, not yet touched buffer with 2 MB pages.
 *
 * Each first touch of a 4 KB page is a page fault, about 12 µs each in the virtual machines
 * Loupe was measured on: a million-sample project faulted in some 50,000 pages while it
 * opened, more than half a second of CPU. With transparent huge pages in "madvise" mode (the
 * common default) one fault maps 512 of them. Buffers under a few megabytes are left alone,
 * as is everything where the kernel offers no such advice. LOUPE_NO_HUGEPAGES in the
 * environment turns the advice off, to measure what it brings.
 */
void adviseHugePages(const void *data, std::size_t bytes);

/** reserve(count), advised as above before anything writes to it. */
template<typename T> void reserveLarge(std::vector<T> &values, std::size_t count)
{
    values.reserve(count);
    adviseHugePages(values.data(), values.capacity() * sizeof(T));
}

/** assign(count, value) into a buffer advised before it is filled. */
template<typename T> void assignLarge(std::vector<T> &values, std::size_t count, const T &value)
{
    if (values.capacity() < count) {
        std::vector<T>().swap(values);
        reserveLarge(values, count);
    }
    values.assign(count, value);
}

} // namespace loupe
