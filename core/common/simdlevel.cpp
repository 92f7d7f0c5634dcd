#include "common/simdlevel.h"

#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace loupe {

namespace {

SimdLevel detectLevel()
{
    const char *forced = std::getenv("LOUPE_SIMD");
    if (forced && std::strcmp(forced, "portable") == 0)
        return SimdLevel::Portable;
    if (forced && std::strcmp(forced, "avx2") == 0 && simdLevelSupported(SimdLevel::Avx2Fma))
        return SimdLevel::Avx2Fma;
    for (const SimdLevel level : {SimdLevel::Avx512, SimdLevel::Avx2Fma}) {
        if (simdLevelSupported(level))
            return level;
    }
    return SimdLevel::Portable;
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
    case SimdLevel::Avx512:
#if defined(__x86_64__) || defined(__i386__)
        return simdLevelSupported(SimdLevel::Avx2Fma) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512bw");
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
    switch (level) {
    case SimdLevel::Avx512:
        return "avx512";
    case SimdLevel::Avx2Fma:
        return "avx2+fma";
    case SimdLevel::Portable:
        break;
    }
    return "portable";
}

} // namespace loupe
