// Warp-level matrix instructions (mma.sync, wmma.mma, ldmatrix, stmatrix, movmatrix), computed over
// the 32 lanes' fragments once the block scheduler has the whole warp waiting at them.
#pragma once

#include "backends/cpu/context.h"
#include "backends/cpu/warp_collectives.h"

#include <cstdint>
#include <string>

namespace cuport::cpu {

// mma.sync: `variant` is a cuport.mma.sync variant (backends/warp_operations.h); each group
// lane's request.operand[0] is the address of its fragment buffer (CUPORT_MMA_SLOT_*), whose D
// slots receive the lane's part of D. Lanes outside the group (exited, or past the end of a
// partial warp: undefined in PTX) contribute zero fragments (and mma.sp no metadata: the chunks
// it would place stay zero). Returns "" or, for mma.sp metadata the ISA leaves undefined, why
// (D is then not written).
std::string multiplyAccumulateMatrices(uint32_t variant, uint32_t group,
                                       ThreadContext *const lanes[kLanesPerWarp]);

// ldmatrix.m8n8.b16: `variant` is the matrix count | CUPORT_LDMATRIX_TRANS; lanes 8i..8i+7 give in
// operand[0] the addresses of matrix i's rows (16 bytes each); each lane's result[0] holds
// registers 0 (low half) and 1, result[1] registers 2 and 3. Rows of lanes outside the group read
// as zeros.
void loadMatrices(uint32_t variant, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]);

// stmatrix.m8n8.b16: `variant` as ldmatrix's; each lane's operand[1] and operand[2] hold its
// registers 0 | 1 << 32 and 2 | 3 << 32, fragments of the matrices (of their transposes with
// CUPORT_LDMATRIX_TRANS) in ldmatrix's layout; lanes 8i..8i+7 give in operand[0] the addresses of
// matrix i's rows, which receive 16 bytes each. Fragments of lanes outside the group count as
// zeros; rows whose lane is outside it are not written.
void storeMatrices(uint32_t variant, uint32_t group, ThreadContext *const lanes[kLanesPerWarp]);

// movmatrix.m8n8.trans.b16: each lane's operand[0] is its .b16x2 fragment of an 8x8 matrix;
// result[0] its fragment of the transpose. Lanes outside the group hold zeros.
void transposeMatrix(uint32_t group, ThreadContext *const lanes[kLanesPerWarp]);

} // namespace cuport::cpu
