// The metadata of mma.sp. A row of A is cut into chunks: 4 elements holding 2 non-zero ones (.f16,
// .bf16, .e4m3, .e5m2, .s8, .u8), 2 holding 1 (.tf32), or 8 holding 4 as two pairs (.s4, .u4).
// Each chunk has a 4-bit field: two 2-bit indices, the lower for the chunk's first stored element
// (or pair), the upper for its second; .tf32's field is 0b0100 for the first element of its
// chunk, 0b1110 for the second.
//
// Rows groupID and groupID + 8 belong to the group of lanes 4 groupID .. 4 groupID + 3, and the
// sparsity selector picks which of them hold the group's fields (one lane, a pair, or all four):
// - .f16 / .bf16 / .tf32: each metadata lane holds 16 columns of .f16 (8 of .tf32): row groupID's
//   four chunks in bits 15..0, row groupID + 8's in bits 31..16, chunk c at bits 4c + 3..4c; the
//   first lane the first columns (the ISA's Tk: [m..n] figures; m16n8k16 .f16 T_i, m16n8k32 T_2i
//   and T_2i+1).
// - .s8 / .u8 / .e4m3 / .e5m2 / .s4 / .u4: each metadata lane holds eight chunks of one row (32
//   columns, 64 for .s4 / .u4), chunk c at bits 4c + 3..4c: the first lane row groupID, the
//   second row groupID + 8, the third and fourth (m16n8k64 .s8, m16n8k128 .s4) the next columns
//   of the two rows.
#include "backends/cpu/sparse_metadata.h"

#include "backends/warp_operations.h"

namespace cuport::cpu {

std::string sparseColumns(uint32_t variant, uint32_t m, uint32_t k,
                          const uint32_t metadata[kLanesPerWarp], uint32_t present,
                          int32_t *columns) {
  uint32_t type = (variant >> 4) & 15;
  bool ordered = variant & CUPORT_MMA_ORDERED_METADATA;
  uint32_t selector = (variant >> CUPORT_MMA_SELECTOR_SHIFT) & 3;
  bool tf32 = type == CUPORT_MMA_TF32, pairs = type == CUPORT_MMA_S4 || type == CUPORT_MMA_U4;
  bool halfWords = tf32 || type == CUPORT_MMA_F16 || type == CUPORT_MMA_BF16;
  uint32_t chunk = tf32 ? 2 : pairs ? 8 : 4, stored = chunk / 2, chunks = k / chunk;
  uint32_t metadataLanes = 2 * chunks * 4 / 32;
  for (uint32_t row = 0; row < m; ++row) {
    uint32_t groupID = row % 8, high = row / 8;
    for (uint32_t c = 0; c < chunks; ++c) {
      uint32_t lane = 4 * groupID + selector * metadataLanes, shift;
      if (halfWords) {
        lane += c / 4;
        shift = 4 * (c % 4) + 16 * high;
      } else {
        lane += 2 * (c / 8) + high;
        shift = 4 * (c % 8);
      }
      int32_t *placed = columns + row * (k / 2) + c * stored;
      if (!(present & (1u << lane))) {
        for (uint32_t j = 0; j < stored; ++j)
          placed[j] = -1;
        continue;
      }
      uint32_t field = (metadata[lane] >> shift) & 15;
      uint32_t first = field & 3, second = field >> 2;
      bool undefined = tf32 ? field != 0b0100 && field != 0b1110
                            : first == second || (ordered && first > second);
      if (undefined) {
        std::string bits = "0b";
        for (int bit = 3; bit >= 0; --bit)
          bits += (field >> bit) & 1 ? '1' : '0';
        return "mma.sp: lane " + std::to_string(lane) + "'s metadata bits " +
               std::to_string(shift + 3) + ".." + std::to_string(shift) + " (" + bits +
               ") for row " + std::to_string(row) + ", columns " + std::to_string(c * chunk) +
               ".." + std::to_string(c * chunk + chunk - 1) +
               " of A are not a sparsity pattern the PTX ISA defines" +
               (tf32      ? " (.tf32 takes 0b0100 or 0b1110)"
                : ordered ? " (::ordered_metadata needs two increasing indices)"
                          : " (the two indices must differ)");
      }
      if (tf32) {
        placed[0] = int32_t(c * chunk + (field == 0b1110 ? 1 : 0));
      } else if (pairs) {
        placed[0] = int32_t(c * chunk + 2 * first), placed[1] = placed[0] + 1;
        placed[2] = int32_t(c * chunk + 2 * second), placed[3] = placed[2] + 1;
      } else {
        placed[0] = int32_t(c * chunk + first), placed[1] = int32_t(c * chunk + second);
      }
    }
  }
  return "";
}

} // namespace cuport::cpu
