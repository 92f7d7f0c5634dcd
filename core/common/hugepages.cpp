#include "common/hugepages.h"

#include <QtGlobal>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace loupe {

namespace {
constexpr std::size_t kLargeBuffer = std::size_t(4) << 20; // two huge pages at least
} // namespace

void adviseHugePages(const void *data, std::size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    static const bool off = qEnvironmentVariableIsSet("LOUPE_NO_HUGEPAGES");
    if (off || data == nullptr || bytes < kLargeBuffer)
        return;
    // madvise takes whole pages: the part of the buffer from its first page boundary on.
    static const auto pageSize = std::uintptr_t(sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<std::uintptr_t>(data) + pageSize - 1) & ~(pageSize - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(pageSize - 1);
    if (end > begin)
        madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE); // advice: failure is harmless
#else
    (void)data;
    (void)bytes;
#endif
}

} // namespace loupe
