#pragma once

namespace loupe {

/**
 * Lets glibc's malloc keep freed buffers of up to 32 MB for reuse instead of handing them
 * back to the kernel. By default it maps each large block afresh and unmaps it on free,
 * so every per-block buffer of the kNN search, the map's schedule and the clusterings
 * faulted its pages in again: 90,000 page faults in the demo's analysis, about 12 µs each
 * in a virtual machine, a tenth of its CPU time. Blocks above 32 MB (the embedding matrix,
 * the graph) are still mapped and returned at once, and AnalysisContext::releaseAllBut()
 * still trims the heap where the analysis frees much. Returns whether malloc took both
 * settings (false elsewhere than glibc, or under a sanitizer's allocator, which ignores them).
 * Call once at startup, before threads start.
 */
bool keepFreedBuffersForReuse();

} // namespace loupe
