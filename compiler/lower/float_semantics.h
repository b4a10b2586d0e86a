// PTX floating-point modifiers as IR: rounding (.rn default; .rz/.rm/.rp through constrained
// intrinsics), flush-to-zero (.ftz: denormal inputs and results become a zero of the same sign)
// and saturation (.sat: clamp to [0, 1], NaN to +0).
#pragma once

#include "compiler/lower/modifiers.h"

#include <llvm/ADT/FloatingPointMode.h>
#include <llvm/IR/IRBuilder.h>

#include <optional>

namespace cuport::lower {

// Consumes .rn/.rz/.rm/.rp; nullopt when none is given.
std::optional<llvm::RoundingMode> takeRounding(Modifiers &modifiers);
// Consumes .rni/.rzi/.rmi/.rpi (round to an integral value).
std::optional<llvm::RoundingMode> takeIntegerRounding(Modifiers &modifiers);

llvm::Value *flushDenormal(llvm::IRBuilder<> &b, llvm::Value *value);
llvm::Value *saturate(llvm::IRBuilder<> &b, llvm::Value *value);
// Rounds to an integral value in the same type (roundeven, trunc, floor, ceil).
llvm::Value *roundToIntegral(llvm::IRBuilder<> &b, llvm::Value *value, llvm::RoundingMode mode);

// a op b with the given rounding; Instruction::FAdd, FSub, FMul or FDiv.
llvm::Value *roundedBinary(llvm::IRBuilder<> &b, unsigned opcode, llvm::Value *lhs,
                           llvm::Value *rhs, llvm::RoundingMode mode);
llvm::Value *roundedFma(llvm::IRBuilder<> &b, llvm::Value *a, llvm::Value *x, llvm::Value *c,
                        llvm::RoundingMode mode);
llvm::Value *roundedSqrt(llvm::IRBuilder<> &b, llvm::Value *value, llvm::RoundingMode mode);
// f64 to f32 rounded to odd: an inexact result gets its last bit set. A later rounding to any
// format of at most 22 significant bits is then the correct rounding of the f64.
llvm::Value *roundToOddSingle(llvm::IRBuilder<> &b, llvm::Value *value);
// f32 or f64 to bf16 rounded to nearest even, subnormals kept, in integer arithmetic (an LLVM
// fptrunc to bfloat may flush subnormals on hosts without bf16 conversions).
llvm::Value *truncateToBfloat(llvm::IRBuilder<> &b, llvm::Value *value);
// Conversions whose result may be inexact: fptrunc, sitofp, uitofp.
llvm::Value *roundedCast(llvm::IRBuilder<> &b, unsigned opcode, llvm::Value *value, llvm::Type *to,
                         llvm::RoundingMode mode);

} // namespace cuport::lower
