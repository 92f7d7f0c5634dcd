#include "common/numericenvironment.h"

#include <Eigen/Core>

namespace loupe {

void pinNumericalEnvironment()
{
    // A common x86-64 server core: 32 KiB L1 data, 1 MiB L2, and a modest share of L3.
    constexpr std::ptrdiff_t kL1 = 32 * 1024, kL2 = 1024 * 1024, kL3 = 8 * 1024 * 1024;
    Eigen::setCpuCacheSizes(kL1, kL2, kL3);
}

} // namespace loupe
