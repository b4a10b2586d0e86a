// mma.sp's sparse A operand: where in A's dense rows each stored (non-zero) element goes, after
// the PTX ISA's "Sparse matrix storage" section and the metadata layouts of its "Matrix fragments
// for multiply-accumulate operation with sparse matrix A" sections.
#pragma once

#include "backends/cpu/warp_collectives.h"

#include <cstdint>
#include <string>

namespace cuport::cpu {

// `variant` is a cuport.mma.sync variant with CUPORT_MMA_SPARSE (its A type, selector and
// CUPORT_MMA_ORDERED_METADATA); A is m x k dense, m x k/2 stored. metadata[lane] is the lane's
// metadata register, `present` the lanes that gave one. Sets columns[row * k/2 + j] to the dense
// column of row `row`'s stored element j, or to -1 where the lane holding that chunk's metadata is
// absent (the element then counts as zero). Returns a diagnostic naming the lane and bits when
// the metadata is one the ISA leaves undefined (two equal indices; with ::ordered_metadata,
// indices not in increasing order; for .tf32, anything but 0b0100 and 0b1110), else "".
std::string sparseColumns(uint32_t variant, uint32_t m, uint32_t k,
                          const uint32_t metadata[kLanesPerWarp], uint32_t present,
                          int32_t *columns);

} // namespace cuport::cpu
