#include "common/simdlevel.h"

#include <cstdlib>
#include <cstring>

namespace loupe {

namespace {

SimdLevel detectLevel()
{
    const char *forced = std::getenv("LOUPE_SIMD");
    if (forced && std::strcmp(forced, "portable") == 0)
        return SimdLevel::Portable;
    return simdLevelSupported(SimdLevel::Avx2Fma) ? SimdLevel::Avx2Fma : SimdLevel::Portable;
}

} // namespace

bool simdLevelSupported(SimdLevel level)
{
    switch (level) {
    case SimdLevel::Portable:
        return true;
    case SimdLevel::Avx2Fma:
#if defined(__x86_64__) || defined(__i386__)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
        return false;
#endif
    }
    return false;
}

SimdLevel activeSimdLevel()
{
    static const SimdLevel level = detectLevel();
    return level;
}

const char *simdLevelName(SimdLevel level)
{
    return level == SimdLevel::Avx2Fma ? "avx2+fma" : "portable";
}

} // namespace loupe
