// Synchronization: bar / barrier (-> @cuport.bar.sync, .arrive, .red), bar.warp.sync, membar and
// fence.
#include "backends/warp_operations.h"
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
  // bar.X is barrier.X.aligned. The scheduler gives the non-aligned (per-thread) semantics, which
  // also covers the aligned promise, so .aligned needs no IR of its own.
  auto kind = mods.takeOneOf({"sync", "arrive", "red"});
  if (!kind)
    return fl.unsupported(inst);
  mods.take("aligned");
  std::optional<std::string> reduction;
  if (*kind == "red") {
    reduction = mods.takeOneOf({"popc", "and", "or"});
    if (!reduction || !mods.take(*reduction == "popc" ? "u32" : "pred"))
      return fl.unsupported(inst);
  }
  if (!mods.allTaken())
    return fl.unsupported(inst);

  // Operands: [d,] a [, b] [, {!}c]: d and c for red only; b is required for arrive.
  size_t first = reduction ? 1 : 0;
  size_t extra = reduction ? 2 : 0;
  size_t count = inst.operands.size() > extra ? inst.operands.size() - extra : 0;
  bool countAllowed = *kind == "arrive" ? count == 2 : count == 1 || count == 2;
  if (!countAllowed)
    return fl.error(inst.loc,
                    "'" + inst.opcode + "." + *kind + "' has the wrong number of operands");
  llvm::Value *id = fl.read(inst.operands[first], b.getInt32Ty());
  llvm::Value *threads =
      count == 2 ? fl.read(inst.operands[first + 1], b.getInt32Ty()) : b.getInt32(-1);
  if (!id || !threads)
    return false;
  if (*kind == "sync") {
    b.CreateCall(declareBarSync(fl.module()), {id, threads});
    return true;
  }
  if (*kind == "arrive") {
    b.CreateCall(declareBarArrive(fl.module()), {id, threads});
    return true;
  }
  llvm::Value *predicate = fl.readPredicate(inst.operands.back());
  if (!predicate)
    return false;
  uint32_t code = *reduction == "popc"  ? CUPORT_BAR_RED_POPC
                  : *reduction == "and" ? CUPORT_BAR_RED_AND
                                        : CUPORT_BAR_RED_OR;
  llvm::Value *result =
      b.CreateCall(declareBarRed(fl.module()), {b.getInt32(code), id, threads, predicate});
  if (*reduction != "popc")
    result = b.CreateICmpNE(result, b.getInt32(0));
  return fl.write(inst.operands[0], result);
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
