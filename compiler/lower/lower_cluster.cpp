// Thread block clusters (sm_90): mapa and getctarank. cuport runs every cluster as one CTA
// (docs/execution-model.md; launches asking for more are refused), so the cluster's shared window
// is the CTA's own: rank 0 maps an address to itself, and every shared address is in rank 0.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"

namespace cuport::lower {
namespace {

// mapa{.shared::cluster}.{u32,u64} d, a, b: the address in CTA b of the variable at a. Rank 0 is
// the executing CTA, so d = a; any other rank names a CTA the cluster does not have, which the
// ISA leaves undefined: the grid ends with a launch failure (trap) instead of a stray address.
bool lowerMapa(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("shared::cluster");
  auto type = mods.takeOneOf({"u32", "u64"});
  if (!type || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 3))
    return false;
  auto &b = fl.builder();
  llvm::Type *addressType = *type == "u32" ? b.getInt32Ty() : b.getInt64Ty();
  llvm::Value *address = fl.read(inst.operands[1], addressType);
  llvm::Value *rank = fl.read(inst.operands[2], b.getInt32Ty());
  if (!address || !rank)
    return false;
  llvm::BasicBlock *otherCta = fl.newBlock("mapa.other_cta");
  llvm::BasicBlock *ownCta = fl.newBlock("mapa.own_cta");
  b.CreateCondBr(b.CreateICmpEQ(rank, b.getInt32(0)), ownCta, otherCta);
  b.SetInsertPoint(otherCta);
  b.CreateCall(declareTrap(fl.module()));
  b.CreateUnreachable();
  b.SetInsertPoint(ownCta);
  return fl.write(inst.operands[0], address);
}

// getctarank{.shared::cluster}.{u32,u64} d, a: the rank of the CTA whose shared memory holds a;
// d is .u32. The only CTA is rank 0 (an address outside shared memory is undefined in the ISA).
bool lowerGetCtaRank(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  mods.take("shared::cluster");
  auto type = mods.takeOneOf({"u32", "u64"});
  if (!type || !mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 2))
    return false;
  auto &b = fl.builder();
  if (!fl.read(inst.operands[1], *type == "u32" ? b.getInt32Ty() : b.getInt64Ty()))
    return false;
  return fl.write(inst.operands[0], b.getInt32(0));
}

} // namespace

LoweringResult lowerClusterInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "mapa")
    return lowerMapa(fl, inst);
  if (inst.opcode == "getctarank")
    return lowerGetCtaRank(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
