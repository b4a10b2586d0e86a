// The results of a warp collective, computed over the lanes that take part in it once the block
// scheduler has them all waiting (block_scheduler.cpp).
#pragma once

#include "backends/cpu/context.h"

#include <cstdint>
#include <string>

namespace cuport::cpu {

inline constexpr uint32_t kLanesPerWarp = 32;

// Whether a SuspendKind is a warp collective (else a block barrier).
bool isWarpCollective(uint32_t kind);

// The instruction a SuspendKind stands for, for messages.
const char *suspendKindName(uint32_t kind);

// `group` holds the lanes that take part: every lane that waits with the same kind, op and
// membermask, which is every non-exited lane of the membermask (activemask: the lanes waiting at
// the same site). lanes[l] is lane l's context (null past the end of a partial warp). Reads each
// group lane's request operands and writes its request results. Returns "" or, when the operands
// are ones the ISA leaves undefined and the launch must fail (mma.sp metadata), why.
std::string resolveWarpCollective(uint32_t kind, uint32_t op, uint32_t group,
                                  ThreadContext *const lanes[kLanesPerWarp]);

} // namespace cuport::cpu
