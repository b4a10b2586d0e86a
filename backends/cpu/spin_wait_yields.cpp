// Spin-waits. A block's threads take turns on one host thread, so a thread that loops until
// another thread of its block writes memory would loop for ever. Every loop that waits on memory
// gets a cuport.yield (a suspending intrinsic) on its back edges: the block scheduler runs the
// block's other threads before the loop's next iteration. A loop waits on memory when whether it
// goes on depends on a load that another thread's store can change: an atomic (.relaxed,
// .acquire) or volatile load, or an atomic read-modify-write that leaves the word as it was (add
// 0, cas with equal compare and new values). Loops whose exits depend on counters or on plain
// loads stay as they are, so kernels without spin-waits are not made coroutines. nanosleep in any
// other loop is a backoff and yields too; outside loops it does nothing.
#include "backends/cpu/context.h"
#include "backends/cpu/passes.h"

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ValueTracking.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>

#include <algorithm>

namespace cuport::cpu {
namespace {

constexpr const char *kNanosleepIntrinsic = "cuport.nanosleep";

bool leavesMemoryUnchanged(const llvm::AtomicRMWInst &update) {
  auto *operand = llvm::dyn_cast<llvm::ConstantInt>(update.getValOperand());
  if (!operand)
    return false;
  switch (update.getOperation()) {
  case llvm::AtomicRMWInst::Add:
  case llvm::AtomicRMWInst::Sub:
  case llvm::AtomicRMWInst::Or:
  case llvm::AtomicRMWInst::Xor:
  case llvm::AtomicRMWInst::UMax:
    return operand->isZero();
  case llvm::AtomicRMWInst::And:
    return operand->isMinusOne();
  case llvm::AtomicRMWInst::Max:
    return operand->isMinValue(true);
  case llvm::AtomicRMWInst::Min:
    return operand->isMaxValue(true);
  case llvm::AtomicRMWInst::UMin:
    return operand->isMaxValue(false);
  default:
    return false;
  }
}

// The pointer an instruction polls, null when it is no poll.
llvm::Value *polledPointer(llvm::Instruction &inst) {
  if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst))
    return load->isVolatile() || load->isAtomic() ? load->getPointerOperand() : nullptr;
  if (auto *update = llvm::dyn_cast<llvm::AtomicRMWInst>(&inst))
    return leavesMemoryUnchanged(*update) ? update->getPointerOperand() : nullptr;
  if (auto *exchange = llvm::dyn_cast<llvm::AtomicCmpXchgInst>(&inst))
    return exchange->getCompareOperand() == exchange->getNewValOperand()
               ? exchange->getPointerOperand()
               : nullptr;
  return nullptr;
}

llvm::Type *polledType(llvm::Instruction &inst) {
  if (auto *exchange = llvm::dyn_cast<llvm::AtomicCmpXchgInst>(&inst))
    return exchange->getCompareOperand()->getType();
  return inst.getType();
}

// What decides whether a loop goes on, found by walking back from the conditions of its exits
// and back edges through the loop's own instructions: the first poll met (null: the loop does not
// wait on memory), and whether anything but polled values does (state carried from iteration to
// iteration, such as a counter that bounds the wait, or a call, such as a clock read).
struct ExitDependence {
  llvm::Instruction *poll = nullptr;
  bool only_polls = true;
};

ExitDependence exitDependence(const llvm::Loop &loop) {
  // The branches that leave the loop, and those that go back to its header (a wait that shares
  // its header with an enclosing loop of the same PTX is one loop with two back edges here).
  llvm::SmallVector<llvm::BasicBlock *, 4> deciding;
  loop.getExitingBlocks(deciding);
  loop.getLoopLatches(deciding);
  llvm::SmallVector<llvm::Instruction *, 16> pending;
  for (llvm::BasicBlock *block : deciding) {
    llvm::Instruction *terminator = block->getTerminator();
    llvm::Value *condition = nullptr;
    if (auto *branch = llvm::dyn_cast<llvm::BranchInst>(terminator);
        branch && branch->isConditional())
      condition = branch->getCondition();
    else if (auto *choice = llvm::dyn_cast<llvm::SwitchInst>(terminator))
      condition = choice->getCondition();
    if (auto *inst = llvm::dyn_cast_or_null<llvm::Instruction>(condition))
      pending.push_back(inst);
  }
  ExitDependence result;
  llvm::SmallPtrSet<llvm::Instruction *, 32> seen;
  while (!pending.empty()) {
    llvm::Instruction *inst = pending.pop_back_val();
    if (!loop.contains(inst) || !seen.insert(inst).second)
      continue;
    if (polledPointer(*inst)) {
      if (!result.poll)
        result.poll = inst;
    } else if (llvm::isa<llvm::PHINode>(inst) || llvm::isa<llvm::CallBase>(inst)) {
      result.only_polls = false;
    }
    for (llvm::Value *operand : inst->operands())
      if (auto *definition = llvm::dyn_cast<llvm::Instruction>(operand))
        pending.push_back(definition);
  }
  return result;
}

// Whether an iteration may write memory that another thread reads: anything but the polls
// themselves, fences, the thread's own local memory, calls that only read, sleeps and the
// failed-assertion path.
bool writesSharedState(const llvm::Loop &loop) {
  for (llvm::BasicBlock *block : loop.blocks()) {
    for (llvm::Instruction &inst : *block) {
      if (!inst.mayWriteToMemory() || polledPointer(inst) || llvm::isa<llvm::FenceInst>(inst))
        continue;
      if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst);
          store &&
          llvm::isa<llvm::AllocaInst>(llvm::getUnderlyingObject(store->getPointerOperand())))
        continue;
      if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst)) {
        const llvm::Function *callee = call->getCalledFunction();
        if (callee && (callee->onlyReadsMemory() || callee->getName() == kNanosleepIntrinsic ||
                       callee->getName() == "__assertfail"))
          continue;
      }
      return true;
    }
  }
  return false;
}

llvm::SmallVector<llvm::CallInst *, 4> callsToSleep(llvm::Function &function) {
  llvm::SmallVector<llvm::CallInst *, 4> sleeps;
  for (llvm::Instruction &inst : llvm::instructions(function))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
      if (call->getCalledFunction() && call->getCalledFunction()->getName() == kNanosleepIntrinsic)
        sleeps.push_back(call);
  return sleeps;
}

struct YieldSite {
  llvm::BasicBlock *latch;
  llvm::BasicBlock *header;
  llvm::Value *pointer; // null: not known at the back edge
  uint64_t flags;       // kYield* (context.h)
};

llvm::FunctionCallee declareYield(llvm::Module &module) {
  llvm::LLVMContext &context = module.getContext();
  llvm::FunctionCallee yield = module.getOrInsertFunction(
      kYieldIntrinsic,
      llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                              {llvm::PointerType::get(context, 0), llvm::Type::getInt64Ty(context)},
                              false));
  auto *function = llvm::cast<llvm::Function>(yield.getCallee());
  function->setDoesNotThrow();
  function->setConvergent();
  return yield;
}

// The yield goes on the edge from the latch to the header, so that leaving the loop costs none.
void insertYield(const YieldSite &site, llvm::FunctionCallee yield) {
  llvm::LLVMContext &context = site.latch->getContext();
  llvm::Instruction *where = site.latch->getTerminator();
  if (llvm::isa<llvm::BranchInst>(where)) {
    llvm::Function *function = site.latch->getParent();
    llvm::BasicBlock *edge = llvm::BasicBlock::Create(context, "spin.yield", function, site.header);
    where = llvm::BranchInst::Create(site.header, edge);
    site.latch->getTerminator()->replaceSuccessorWith(site.header, edge);
    for (llvm::PHINode &phi : site.header->phis())
      phi.replaceIncomingBlockWith(site.latch, edge);
  }
  llvm::IRBuilder<> builder(where);
  llvm::Value *pointer =
      site.pointer ? site.pointer : llvm::ConstantPointerNull::get(builder.getPtrTy());
  if (pointer->getType() != builder.getPtrTy())
    pointer = builder.CreateAddrSpaceCast(pointer, builder.getPtrTy());
  builder.CreateCall(yield, {pointer, builder.getInt64(site.flags)});
}

void yieldInSpinWaits(llvm::Function &function) {
  llvm::DominatorTree dominators(function);
  llvm::LoopInfo loops(dominators);
  const llvm::DataLayout &layout = function.getParent()->getDataLayout();
  llvm::SmallPtrSet<const llvm::Loop *, 8> polling;
  llvm::SmallVector<YieldSite, 8> sites;
  for (llvm::Loop *loop : loops.getLoopsInPreorder()) {
    ExitDependence exit = exitDependence(*loop);
    if (!exit.poll)
      continue;
    polling.insert(loop);
    llvm::Value *pointer = polledPointer(*exit.poll);
    uint64_t width = std::min<uint64_t>(8, layout.getTypeStoreSize(polledType(*exit.poll)));
    bool pure = exit.only_polls && !writesSharedState(*loop);
    uint64_t flags = width | (pure ? kYieldPurePoll : 0);
    llvm::SmallVector<llvm::BasicBlock *, 2> latches;
    loop->getLoopLatches(latches);
    for (llvm::BasicBlock *latch : latches) {
      auto *definition = llvm::dyn_cast<llvm::Instruction>(pointer);
      bool known = !definition || dominators.dominates(definition, latch->getTerminator());
      sites.push_back({latch, loop->getHeader(), known ? pointer : nullptr, known ? flags : 0});
    }
  }
  // A sleep in a loop that already yields adds nothing; in any other loop it is the backoff of a
  // wait this pass cannot see (its exit depends on memory through plain loads or a call).
  for (llvm::CallInst *sleep : callsToSleep(function)) {
    bool backoff = loops.getLoopFor(sleep->getParent()) != nullptr;
    for (const llvm::Loop *loop = loops.getLoopFor(sleep->getParent()); loop;
         loop = loop->getParentLoop())
      backoff &= !polling.contains(loop);
    if (backoff) {
      llvm::IRBuilder<> builder(sleep);
      builder.CreateCall(declareYield(*function.getParent()),
                         {llvm::ConstantPointerNull::get(builder.getPtrTy()), builder.getInt64(0)});
    }
    sleep->eraseFromParent();
  }
  for (const YieldSite &site : sites)
    insertYield(site, declareYield(*function.getParent()));
}

} // namespace

void insertSpinWaitYields(llvm::Module &module) {
  for (llvm::Function &function : module) {
    if (function.isDeclaration())
      continue;
    // Functions called through pointers cannot suspend (threadContext erases their sleeps).
    if (function.hasAddressTaken())
      continue;
    yieldInSpinWaits(function);
  }
}

} // namespace cuport::cpu
