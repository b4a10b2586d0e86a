// How PTX types and state spaces map onto LLVM types and NVPTX address-space numbers.
#pragma once

#include "compiler/ptx/ast.h"

#include <optional>
#include <string_view>

namespace llvm {
class LLVMContext;
class Type;
} // namespace llvm

namespace cuport::lower {

// Address spaces of docs/kernel-ir.md (LLVM NVPTX numbering).
enum AddressSpace : unsigned {
  kGeneric = 0,
  kGlobal = 1,
  kShared = 3,
  kConst = 4,
  kLocal = 5,
};

// Param-space addresses are ordinary host addresses (the kernel parameter buffer or a caller's
// copy), so they live in the generic address space.
std::optional<unsigned> addressSpaceOf(ptx::StateSpace space);

// A PTX type name without the dot ("u32", "f16x2"); nullopt when the word is not a type.
std::optional<ptx::ScalarType> typeFromModifier(std::string_view name);

uint32_t bitsOf(ptx::ScalarType type);  // Pred = 1
bool isFloat(ptx::ScalarType type);     // f16, bf16, f32, f64 (scalar forms)
bool isFloatPair(ptx::ScalarType type); // f16x2, bf16x2
bool isSigned(ptx::ScalarType type);    // s8 .. s64
bool isUnsigned(ptx::ScalarType type);  // u8 .. u64
bool isBits(ptx::ScalarType type);      // b8 .. b128

// The LLVM type a value of `type` has: i1 for predicates, iN for bit and integer types, half,
// bfloat, float, double for floats; packed pairs (f16x2) as i32.
llvm::Type *llvmTypeOf(llvm::LLVMContext &context, ptx::ScalarType type);

// Size in bytes of one element (predicates take one byte in memory).
uint32_t byteSizeOf(ptx::ScalarType type);

} // namespace cuport::lower
