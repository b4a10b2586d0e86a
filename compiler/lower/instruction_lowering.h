// The instruction families. Each returns nullopt when the opcode is not one of its own, true
// when it lowered the instruction, false after diagnosing it.
#pragma once

#include "compiler/ptx/ast.h"

#include <optional>

namespace llvm {
class Value;
}

namespace cuport::lower {

class FunctionLowering;
using LoweringResult = std::optional<bool>;

LoweringResult lowerIntegerInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerFloatInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
// f16, bf16, f16x2 and bf16x2 arithmetic (lower_half.cpp), reached through the float family.
LoweringResult lowerHalfInstruction(FunctionLowering &fl, const ptx::Instruction &inst,
                                    ptx::ScalarType type);
// cvt with packed or narrow formats (f16x2, bf16x2, tf32, e4m3x2, e5m2x2) or .relu / .satfinite /
// .rna (lower_cvt_narrow.cpp), reached through the data family.
bool isNarrowConversion(const ptx::Instruction &inst);
bool lowerNarrowConversion(FunctionLowering &fl, const ptx::Instruction &inst);
// cvt.pack (lower_cvt_pack.cpp), reached through the data family.
bool isPackConversion(const ptx::Instruction &inst);
bool lowerPackConversion(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerCompareInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerDataInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerMemoryInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerAtomicInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerControlInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerSyncInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
// mbarrier.* and cp.async.mbarrier.arrive (lower_mbarrier.cpp).
LoweringResult lowerMbarrierInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
// cp.async.bulk, cp.reduce.async.bulk, their groups and prefetch, st.async and red.async
// (lower_bulk_copy.cpp).
LoweringResult lowerBulkCopyInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerClusterInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerStackInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerWarpInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerMatrixInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerWmmaInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerTextureInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerVideoInstruction(FunctionLowering &fl, const ptx::Instruction &inst);
LoweringResult lowerScalarVideoInstruction(FunctionLowering &fl, const ptx::Instruction &inst);

// `@%p bra L` as one conditional branch; `condition` is null for an unguarded branch.
bool lowerBranch(FunctionLowering &fl, const ptx::Instruction &inst, llvm::Value *condition);

} // namespace cuport::lower
