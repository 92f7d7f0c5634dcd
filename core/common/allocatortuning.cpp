#include "common/allocatortuning.h"

#include <cstdlib> // defines __GLIBC__ on glibc

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace loupe {

bool keepFreedBuffersForReuse()
{
#ifdef __GLIBC__
    // Both or neither: setting either one turns off glibc's own adjustment of the other,
    // and the mapping threshold alone, left at 128 KB, made every such buffer fault (ten
    // times the faults).
    constexpr int kLargestReusedBlock = 32 << 20; // glibc's largest mapping threshold
    constexpr int kFreeTopKept = 256 << 20;
    return mallopt(M_MMAP_THRESHOLD, kLargestReusedBlock) == 1 &&
           mallopt(M_TRIM_THRESHOLD, kFreeTopKept) == 1;
#else
    return false;
#endif
}

} // namespace loupe
