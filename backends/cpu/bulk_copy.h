// Bulk asynchronous copies on the CPU backend (cuport.bulk.copy / cuport.bulk.reduce of
// docs/kernel-ir.md): the ISA's operand rules and the element-wise reductions of
// cp.reduce.async.bulk. The copies themselves happen at issue time (runtime_symbols.cpp).
#pragma once

#include <cstdint>

namespace cuport::cpu {

// Why a bulk operation's operands break the ISA's rules (both addresses 16-byte aligned, the size
// a multiple of 16), or nullptr. `instruction` names it in the message, written to `message`.
const char *bulkOperandError(const char *instruction, uint64_t destination, uint64_t source,
                             uint32_t size, char (&message)[160]);

// destination[i] = destination[i] op source[i] for each element of `size` bytes (a multiple of
// 16), with `op` and `type` the CUPORT_BULK_* codes of backends/warp_operations.h. Half-precision
// adds round to nearest even without flushing subnormals (.noftz); min and max return the number
// when one operand is NaN, and order -0.0 below +0.0.
void bulkReduce(uint32_t op, uint32_t type, void *destination, const void *source, uint32_t size);

} // namespace cuport::cpu
