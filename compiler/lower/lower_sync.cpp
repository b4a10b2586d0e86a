// Synchronization: bar / barrier (-> @cuport.bar.sync, .arrive, .red), barrier.cluster,
// bar.warp.sync, membar, fence and griddepcontrol.
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
  if (inst.opcode == "barrier" && mods.take("cluster")) {
    // A cluster is one CTA, whose threads all run on one host thread: the scheduler's order is
    // the memory order, so .release/.relaxed arrivals and .acquire waits need nothing more, and
    // .aligned is the per-thread behaviour's special case.
    auto kind = mods.takeOneOf({"arrive", "wait"});
    if (!kind)
      return fl.unsupported(inst);
    if (*kind == "arrive")
      mods.takeOneOf({"release", "relaxed"});
    else
      mods.take("acquire");
    mods.take("aligned");
    if (!mods.allTaken())
      return fl.unsupported(inst);
    if (!fl.expectOperands(inst, 0))
      return false;
    b.CreateCall(declareClusterBarrier(fl.module(), *kind == "wait"));
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
  size_t operands = 0;
  if (inst.opcode == "membar") {
    if (!mods.takeOneOf({"cta", "gl", "sys"}))
      return fl.unsupported(inst);
  } else if (mods.take("proxy")) {
    // fence.proxy.alias orders accesses through different virtual aliases of one location;
    // fence.proxy.async orders generic accesses with the async proxy (cp.async.bulk, tensor
    // copies); fence.proxy.tensormap::generic orders generic writes of a tensor map with its
    // use by the tensormap proxy. Every access here goes through the one host address space,
    // and copies complete at once, so a fence of the asked ordering (full for the
    // bidirectional ones) is (more than) what each asks.
    auto proxy = mods.takeOneOf({"alias", "async", "async::generic", "tensormap::generic"});
    if (!proxy)
      return fl.unsupported(inst);
    if (*proxy == "async") {
      mods.takeOneOf({"global", "shared::cta", "shared::cluster", "shared"});
    } else if (*proxy == "async::generic") {
      // fence.proxy.async::generic.{acquire,release}.sync_restrict::shared::{cluster,cta}.cluster
      auto semantics = mods.takeOneOf({"acquire", "release"});
      if (!semantics ||
          !mods.take(*semantics == "acquire" ? "sync_restrict::shared::cluster"
                                             : "sync_restrict::shared::cta") ||
          !mods.take("cluster"))
        return fl.unsupported(inst);
      ordering =
          *semantics == "acquire" ? llvm::AtomicOrdering::Acquire : llvm::AtomicOrdering::Release;
    } else if (*proxy == "tensormap::generic") {
      // .release.scope, or .acquire.scope [addr], 128 (the tensor map that will be used).
      auto semantics = mods.takeOneOf({"acquire", "release"});
      if (!semantics || !mods.takeOneOf({"cta", "cluster", "gpu", "sys"}))
        return fl.unsupported(inst);
      ordering =
          *semantics == "acquire" ? llvm::AtomicOrdering::Acquire : llvm::AtomicOrdering::Release;
      operands = *semantics == "acquire" ? 2 : 0;
    }
  } else if (mods.take("mbarrier_init")) {
    // fence.mbarrier_init.release.cluster: makes prior mbarrier.init visible to the cluster's
    // other CTAs, which a cluster of one CTA does not have; a release fence covers it.
    if (!mods.take("release") || !mods.take("cluster"))
      return fl.unsupported(inst);
    ordering = llvm::AtomicOrdering::Release;
  } else {
    auto semantics = mods.takeOneOf({"sc", "acq_rel", "acquire", "release"});
    if (!semantics)
      return fl.unsupported(inst);
    if (*semantics == "acquire" || *semantics == "release") {
      // fence.acquire.sync_restrict::shared::cluster.cluster and
      // fence.release.sync_restrict::shared::cta.cluster: restricted to the cluster's shared
      // memory, which the unrestricted fence orders as well.
      if (!mods.take(*semantics == "acquire" ? "sync_restrict::shared::cluster"
                                             : "sync_restrict::shared::cta") ||
          !mods.take("cluster"))
        return fl.unsupported(inst);
      ordering =
          *semantics == "acquire" ? llvm::AtomicOrdering::Acquire : llvm::AtomicOrdering::Release;
    } else {
      if (!mods.takeOneOf({"cta", "cluster", "gpu", "sys"}))
        return fl.unsupported(inst);
      if (*semantics == "acq_rel")
        ordering = llvm::AtomicOrdering::AcquireRelease;
    }
  }
  if (!mods.allTaken())
    return fl.unsupported(inst);
  if (!fl.expectOperands(inst, operands))
    return false;
  if (operands == 2) {
    // [addr], size: the size must be the tensor map's 128 bytes.
    auto &b = fl.builder();
    llvm::Value *size = fl.read(inst.operands[1], b.getInt32Ty());
    if (!size)
      return false;
    auto *constant = llvm::dyn_cast<llvm::ConstantInt>(size);
    if (!constant || constant->getZExtValue() != 128)
      return fl.error(inst.loc, "fence.proxy.tensormap::generic.acquire needs the size 128");
  }
  // Every scope becomes a system-scope fence: stronger than asked, never weaker.
  fl.builder().CreateFence(ordering);
  return true;
}

// griddepcontrol.launch_dependents / .wait (programmatic dependent launch). cuport starts a grid
// only after every earlier grid of its stream has completed and its writes are visible, so the
// prerequisite grids that .wait waits for are already done, and signalling that dependents may
// start early changes nothing: both are no-ops.
bool lowerGridDependencyControl(FunctionLowering &fl, const ptx::Instruction &inst) {
  Modifiers mods(inst.modifiers);
  if (!mods.takeOneOf({"launch_dependents", "wait"}) || !mods.allTaken())
    return fl.unsupported(inst);
  return fl.expectOperands(inst, 0);
}

} // namespace

LoweringResult lowerSyncInstruction(FunctionLowering &fl, const ptx::Instruction &inst) {
  if (inst.opcode == "bar" || inst.opcode == "barrier")
    return lowerBarrier(fl, inst);
  if (inst.opcode == "membar" || inst.opcode == "fence")
    return lowerFence(fl, inst);
  if (inst.opcode == "griddepcontrol")
    return lowerGridDependencyControl(fl, inst);
  return std::nullopt;
}

} // namespace cuport::lower
