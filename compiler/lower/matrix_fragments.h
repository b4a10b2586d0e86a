// Fragment operands of the warp matrix instructions (lower_matrix.cpp, lower_wmma.cpp): the
// registers of `{a, b, ...}` operands and the cuport.mma.sync call that hands a lane's A, B, C
// registers to the backend and takes its D registers back.
#pragma once

#include "compiler/lower/function_lowering.h"

#include <string>
#include <vector>

namespace cuport::lower {

// The registers of a fragment operand: `{a, b, ...}` or, for one register, the register itself.
std::vector<ptx::Operand> fragmentRegistersOf(const ptx::Operand &operand);

// One fragment operand of an mma: its registers must number `registers`; they go to (A, B, C)
// or come from (D) the buffer slots from `slot` on; `wide` registers are 64-bit (f64).
struct MmaFragment {
  const ptx::Operand &operand;
  size_t registers;
  uint32_t slot;
  bool wide;
};

// Checks the register counts, fills the lane's fragment buffer, calls cuport.mma.sync with
// `variant` and writes D. `d` is the destination; `name` names the instruction in diagnostics;
// `metadata`, when given, is mma.sp's metadata register (CUPORT_MMA_SLOT_E).
bool emitMmaSync(FunctionLowering &fl, const std::string &name, uint32_t variant,
                 const MmaFragment &d, const MmaFragment &a, const MmaFragment &b,
                 const MmaFragment &c, const ptx::Operand *metadata = nullptr);

} // namespace cuport::lower
