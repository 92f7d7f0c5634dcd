#pragma once

// What every benchmark program reports: medians of its runs and the process's peak memory.

#include <sys/resource.h>

#include <algorithm>
#include <vector>

namespace loupe::bench {

/** The median (the mean of the middle two for an even count); values must not be empty. */
inline double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/** The process's peak resident memory so far, in MiB (Linux reports KiB). */
inline double peakResidentMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

} // namespace loupe::bench
