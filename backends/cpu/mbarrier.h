// mbarrier objects on the CPU backend: the 64-bit word in shared memory that the cuport.mbarrier.*
// intrinsics (docs/kernel-ir.md) work on, and the phase test the block scheduler uses to resume
// threads waiting at mbarrier.test_wait / try_wait. Every thread of a block runs on one host
// thread, so the word needs no atomic updates.
//
// Layout (the ISA leaves it opaque): bits 0..20 the pending arrival count of the current phase,
// 21..41 the expected arrival count, 42..62 the transaction count (two's complement), bit 63 the
// phase parity. The state an arrive returns is the word before the arrival.
#pragma once

#include <cstdint>

namespace cuport::cpu {

// Each returns nullptr, or a message saying which rule of the ISA the operation breaks.
const char *mbarrierInit(uint64_t &word, uint32_t count);
const char *mbarrierArrive(uint64_t &word, uint32_t count, int32_t transactions, uint32_t flags,
                           uint64_t &state);
// expect_tx (a positive delta) and complete_tx (negative).
const char *mbarrierTransactions(uint64_t &word, int32_t delta);

uint32_t mbarrierPendingCount(uint64_t state);
// The parity of the phase a wait names (its CUPORT_MBARRIER_WAIT_* variant and operand).
uint32_t mbarrierWaitedParity(uint32_t variant, uint64_t phase);
// Whether the phase a wait names has completed: `phase` is the state an arrive returned, or a
// phase parity with CUPORT_MBARRIER_WAIT_PARITY in `variant`.
bool mbarrierPhaseComplete(uint64_t word, uint32_t variant, uint64_t phase);

} // namespace cuport::cpu
