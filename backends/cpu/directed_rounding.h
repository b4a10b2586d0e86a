// Floating-point operations in a rounding mode other than the default round-to-nearest-even.
// Kernel IR carries such operations as llvm.experimental.constrained.* calls with a static
// rounding mode (docs/kernel-ir.md); lowerDirectedRounding rewrites each into a call to one of
// the runtime functions below, which compute the exact result in that mode. Nothing else in the
// kernel is affected, so the round-to-nearest code stays as fast as before.
#pragma once

#include <cstdint>

#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>

namespace cuport::cpu {

enum class RoundingKind : uint32_t { NearestEven = 0, TowardZero = 1, Down = 2, Up = 3 };
enum class RoundedOp : uint32_t { Add = 0, Sub = 1, Mul = 2, Div = 3, Fma = 4, Sqrt = 5 };
// Operand and result kinds of rounded conversions. Integers travel sign- or zero-extended to 64
// bits; floats as their bit patterns.
enum class NumberKind : uint32_t { Signed = 0, Unsigned = 1, F16 = 2, BF16 = 3, F32 = 4, F64 = 5 };

// Rewrites every constrained FP call with a static rounding mode into a runtime call.
llvm::Error lowerDirectedRounding(llvm::Module &module);

extern "C" {
float cuport_cpu_rounded_f32(uint32_t op, float a, float b, float c, uint32_t mode);
double cuport_cpu_rounded_f64(uint32_t op, double a, double b, double c, uint32_t mode);
uint64_t cuport_cpu_rounded_convert(uint64_t value, uint32_t from, uint32_t to, uint32_t mode);
}

} // namespace cuport::cpu
