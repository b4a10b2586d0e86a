// What the scalar (lower_video_scalar.cpp) and SIMD (lower_video.cpp) video instructions share:
// their operand types, the byte / half-word fields their selectors name, vset's comparisons and
// the ranges .sat clamps to.
#pragma once

#include "compiler/ptx/ast.h"

#include <llvm/IR/IRBuilder.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace cuport::lower {

// Whether a video operand type is signed: .s32 true, .u32 false, nullopt for any other type.
std::optional<bool> videoWordSignedness(std::optional<ptx::ScalarType> type);

// The `bits`-wide field of `word` at bit `shift`, sign- or zero-extended to `to`.
llvm::Value *extractVideoField(llvm::IRBuilder<> &b, llvm::Value *word, unsigned shift,
                               unsigned bits, bool isSigned, llvm::Type *to);

// vset's .eq/.ne/.lt/.le/.gt/.ge as a signed predicate: the operands are extended exactly into a
// wider type, so it orders unsigned and mixed operands too.
llvm::CmpInst::Predicate videoComparison(const std::string &comparison);

// The range .sat clamps a result to: the signed or unsigned integers of `bits` bits.
std::pair<int64_t, int64_t> videoSaturationRange(unsigned bits, bool isSigned);

} // namespace cuport::lower
