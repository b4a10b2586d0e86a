// Synchronization: bar / barrier (-> @cuport.bar.sync), bar.warp.sync, membar and fence.
#include "compiler/lower/function_lowering.h"
#include "compiler/lower/instruction_lowering.h"
#include "compiler/lower/intrinsics.h"
#include "compiler/lower/modifiers.h"

namespace cuport::lower {
namespace {

bool lowerBarrier(FunctionLowering &fl, const ptx::Instruction &inst) {
  auto &b = fl.builder();
  Modifiers mods(inst.modifiers);
  if (inst.opcode == "bar" && mods.take("warp")) {
    if (!mods.take("sync") || !mods.allTaken())
      return fl.unsupported(inst);
    if (!fl.expectOperands(inst, 1))
      return false;
    llvm::Value *mask = fl.read(inst.operands[0], b.getInt32Ty());
    if (!mask)
      return false;
    b.CreateCall(declareBarWarpSync(fl.module()), {mask});
    return true;
  }
  mods.take("cta");
  // bar.sync is barrier.sync.aligned; the aligned promise needs no IR of its own.
  if (!mods.take("sync"))
    return fl.unsupported(inst);
  mods.take("aligned");
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (inst.operands.empty() || inst.operands.size() > 2)
    return fl.expectOperands(inst, 1);
  llvm::Value *id = fl.read(inst.operands[0], b.getInt32Ty());
  llvm::Value *count =
      inst.operands.size() == 2 ? fl.read(inst.operands[1], b.getInt32Ty()) : b.getInt32(-1);
  if (!id || !count)
    return false;
  b.CreateCall(declareBarSync(fl.module()), {id, count});
  return true;
}

bool lowerFence(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  llvm::AtomicOrdering ordering = llvm::AtomicOrdering::SequentiallyConsistent;
  if (inst.opcode == "membar") {
    if (!mods.takeOneOf({"cta", "gl", "sys"}))
      return fl.unsupported(inst);
  } else if (mods.take("proxy")) {
    // fence.proxy.alias orders accesses through different virtual aliases of one location;
    // fence.proxy.async orders generic accesses with the async proxy (cp.async.bulk, tensor
    // copies). Every access here goes through the one host address space, and cp.async copies
    // complete at once, so a full fence is (more than) what either asks.
    auto proxy = mods.takeOneOf({"alias", "async"});
    if (!proxy)
      return fl.unsupported(inst);
    if (*proxy == "async")
      mods.takeOneOf({"global", "shared::cta", "shared"});
  } else {
    auto semantics = mods.takeOneOf({"sc", "acq_rel"});
    if (!semantics || !mods.takeOneOf({"cta", "cluster", "gpu", "sys"}))
      return fl.unsupported(inst);
    if (*semantics == "acq_rel")
      ordering = llvm::AtomicOrdering::AcquireRelease;
  }
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, 0))
    return false;
  // Every scope becomes a system-scope fence: stronger than asked, never weaker.
  fl.builder().CreateFence(ordering);
  return true;
}

} // namespace

LoweringResult lowerSyncInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "bar" || inst.opcode == "barrier")
    return lowerBarrier(fl, inst);
  if (inst.opcode == "membar" || inst.opcode == "fence")
    return lowerFence(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
