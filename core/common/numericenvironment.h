#pragma once

namespace loupe {

/**
 * Makes the analysis compute the same numbers on every machine. Eigen sizes the blocks of
 * its matrix products from the CPU's cache sizes, and the block sizes decide the order in
 * which products are summed, so the same data gave last-bit differences on another CPU,
 * which k-means and the demo model's training then grew into different clusters. Pinning
 * the sizes fixes the order (at a few percent of product speed on CPUs with larger caches).
 * Call once at startup, before any analysis.
 */
void pinNumericalEnvironment();

} // namespace loupe
