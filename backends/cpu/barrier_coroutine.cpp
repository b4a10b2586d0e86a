// Barriers and warp collectives. A kernel without them stays a plain per-thread function that the
// executor calls lane after lane, warp after warp. A kernel with them becomes an LLVM
// switched-resume coroutine that writes its request (which barrier, which collective, its
// operands) into the thread context and suspends at each of them; the block scheduler
// (block_scheduler.cpp) resumes threads when their barrier releases or their warp collective has
// its results. That gives exact semantics for any control flow (barriers in loops, divergent warp
// collectives, threads that have exited) with no analysis of our own: CoroSplit (in the O2
// pipeline) builds the state machine and puts only the values live across a suspension in the
// frame.
#include "backends/cpu/context.h"
#include "backends/cpu/passes.h"
#include "backends/cpu/runtime_symbols.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/Transforms/Utils/Local.h>

namespace cuport::cpu {
namespace {

llvm::SmallVector<llvm::CallInst *, 8> callsTo(llvm::Function &function, llvm::StringRef name) {
  llvm::SmallVector<llvm::CallInst *, 8> calls;
  for (llvm::Instruction &inst : llvm::instructions(function))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
      if (call->getCalledFunction() && call->getCalledFunction()->getName() == name)
        calls.push_back(call);
  return calls;
}

// `exit` ends the thread: after inlining it can only be in the kernel, where it is a return.
void lowerExits(llvm::Function &kernel) {
  for (llvm::CallInst *call : callsTo(kernel, kExitIntrinsic)) {
    llvm::BasicBlock *block = call->getParent();
    llvm::changeToUnreachable(call);
    block->getTerminator()->eraseFromParent();
    llvm::ReturnInst::Create(kernel.getContext(), block);
  }
}

// Where each suspending intrinsic's arguments go in the SuspendRequest; -1: not an argument of it.
struct SuspendingIntrinsic {
  const char *name;
  SuspendKind kind;
  int op, mask, barrier, count;
  int operands[3];
};
constexpr SuspendingIntrinsic kSuspendingIntrinsics[] = {
    {"cuport.bar.sync", kSuspendBarSync, -1, -1, 0, 1, {-1, -1, -1}},
    {"cuport.bar.arrive", kSuspendBarArrive, -1, -1, 0, 1, {-1, -1, -1}},
    {"cuport.bar.red", kSuspendBarRed, 0, -1, 1, 2, {3, -1, -1}},
    {"cuport.bar.warp.sync", kSuspendWarpSync, -1, 0, -1, -1, {-1, -1, -1}},
    {"cuport.shfl.sync", kSuspendShuffle, 0, 4, -1, -1, {1, 2, 3}},
    {"cuport.vote.sync", kSuspendVote, 0, 2, -1, -1, {1, -1, -1}},
    {"cuport.match.sync", kSuspendMatch, 0, 2, -1, -1, {1, -1, -1}},
    {"cuport.redux.sync", kSuspendReduce, 0, 2, -1, -1, {1, -1, -1}},
    {"cuport.elect.sync", kSuspendElect, -1, 0, -1, -1, {-1, -1, -1}},
    {"cuport.activemask", kSuspendActiveMask, -1, -1, -1, -1, {-1, -1, -1}},
    {"cuport.mma.sync", kSuspendMma, 0, 2, -1, -1, {1, -1, -1}},
    {"cuport.ldmatrix.sync", kSuspendLdmatrix, 0, 2, -1, -1, {1, -1, -1}},
    {"cuport.movmatrix.sync", kSuspendMovmatrix, -1, 1, -1, -1, {0, -1, -1}},
    {"cuport.stmatrix.sync", kSuspendStmatrix, 0, 4, -1, -1, {1, 2, 3}},
    {"cuport.mbarrier.wait", kSuspendMbarrierWait, 0, -1, -1, -1, {1, 2, -1}},
    {"cuport.barrier.cluster.arrive", kSuspendClusterArrive, -1, -1, -1, -1, {-1, -1, -1}},
    {"cuport.barrier.cluster.wait", kSuspendClusterWait, -1, -1, -1, -1, {-1, -1, -1}},
    {"cuport.yield", kSuspendYield, -1, -1, -1, -1, {0, 1, -1}},
};

const SuspendingIntrinsic *suspendingIntrinsic(llvm::StringRef name) {
  for (const SuspendingIntrinsic &intrinsic : kSuspendingIntrinsics)
    if (name == intrinsic.name)
      return &intrinsic;
  return nullptr;
}

llvm::SmallVector<llvm::CallInst *, 8> suspendingCalls(llvm::Function &function) {
  llvm::SmallVector<llvm::CallInst *, 8> calls;
  for (llvm::Instruction &inst : llvm::instructions(function))
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
      if (call->getCalledFunction() && suspendingIntrinsic(call->getCalledFunction()->getName()))
        calls.push_back(call);
  return calls;
}

void storeField(llvm::IRBuilder<> &builder, llvm::Value *context, uint64_t offset,
                llvm::Value *value, llvm::Type *type) {
  if (value->getType()->isPointerTy())
    value = builder.CreatePtrToInt(value, type);
  else if (value->getType() != type)
    value = builder.CreateZExtOrTrunc(value, type);
  builder.CreateStore(value,
                      builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), context, offset));
}

// Writes the call's request into the thread context, before the suspension at the call.
void writeRequest(llvm::IRBuilder<> &builder, llvm::CallInst *call, llvm::Value *context,
                  uint32_t site) {
  namespace off = context_offsets;
  const SuspendingIntrinsic &intrinsic = *suspendingIntrinsic(call->getCalledFunction()->getName());
  llvm::Type *i32 = builder.getInt32Ty();
  llvm::Type *i64 = builder.getInt64Ty();
  auto argument = [&](int index) { return call->getArgOperand(unsigned(index)); };
  storeField(builder, context, off::request_kind, builder.getInt32(intrinsic.kind), i32);
  storeField(builder, context, off::request_site, builder.getInt32(site), i32);
  // The scheduler groups warp collectives by op: one without an op must not keep the op of the
  // thread's previous request (of an earlier kernel, too: contexts are reused).
  storeField(builder, context, off::request_op,
             intrinsic.op >= 0 ? argument(intrinsic.op) : builder.getInt32(0), i32);
  if (intrinsic.mask >= 0)
    storeField(builder, context, off::request_mask, argument(intrinsic.mask), i32);
  if (intrinsic.barrier >= 0)
    storeField(builder, context, off::request_barrier, argument(intrinsic.barrier), i32);
  if (intrinsic.count >= 0)
    storeField(builder, context, off::request_count, argument(intrinsic.count), i32);
  for (unsigned slot = 0; slot < 3; ++slot)
    if (intrinsic.operands[slot] >= 0)
      storeField(builder, context, off::request_operand + 8 * slot,
                 argument(intrinsic.operands[slot]), i64);
}

// The call's result rebuilt from the context's result slots, after the suspension; null for a
// void call.
llvm::Value *readResult(llvm::IRBuilder<> &builder, llvm::CallInst *call, llvm::Value *context) {
  llvm::Type *type = call->getType();
  if (type->isVoidTy())
    return nullptr;
  auto slot = [&](unsigned index, llvm::Type *as) {
    llvm::Value *value = builder.CreateLoad(
        builder.getInt64Ty(),
        builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), context,
                                           context_offsets::request_result + 8 * index));
    return builder.CreateTrunc(value, as);
  };
  if (auto *structure = llvm::dyn_cast<llvm::StructType>(type)) {
    llvm::Value *result = llvm::PoisonValue::get(structure);
    for (unsigned i = 0; i < structure->getNumElements(); ++i)
      result = builder.CreateInsertValue(result, slot(i, structure->getElementType(i)), {i});
    return result;
  }
  return slot(0, type);
}

// A coroutine frame has a fixed size, so LLVM's coroutine passes cannot keep a stack allocation
// of run-time size (PTX alloca) alive across a suspension: such allocations, and the stacksave /
// stackrestore that scope them, go to the thread's own stack for them (ThreadContext::
// dynamic_stack) instead.
void moveDynamicAllocations(llvm::Function &kernel) {
  llvm::Module &module = *kernel.getParent();
  llvm::LLVMContext &llvmContext = module.getContext();
  llvm::Type *pointer = llvm::PointerType::get(llvmContext, 0);
  llvm::Type *i64 = llvm::Type::getInt64Ty(llvmContext);
  const llvm::DataLayout &layout = module.getDataLayout();
  llvm::Value *context = contextArgument(kernel);
  llvm::SmallVector<llvm::Instruction *, 8> replaced;
  for (llvm::Instruction &inst : llvm::instructions(kernel)) {
    llvm::IRBuilder<> builder(&inst);
    llvm::Value *replacement = nullptr;
    if (auto *allocation = llvm::dyn_cast<llvm::AllocaInst>(&inst);
        allocation && !allocation->isStaticAlloca()) {
      llvm::Value *count = builder.CreateZExtOrTrunc(allocation->getArraySize(), i64);
      llvm::Value *size = builder.CreateMul(
          count, builder.getInt64(layout.getTypeAllocSize(allocation->getAllocatedType())));
      llvm::FunctionCallee allocate =
          module.getOrInsertFunction(runtime_symbols::dynamic_alloca,
                                     llvm::FunctionType::get(pointer, {pointer, i64, i64}, false));
      replacement = builder.CreateCall(
          allocate, {context, size, builder.getInt64(allocation->getAlign().value())});
      if (allocation->getType() != pointer)
        replacement = builder.CreateAddrSpaceCast(replacement, allocation->getType());
    } else if (auto *call = llvm::dyn_cast<llvm::IntrinsicInst>(&inst);
               call && call->getIntrinsicID() == llvm::Intrinsic::stacksave) {
      llvm::FunctionCallee save = module.getOrInsertFunction(
          runtime_symbols::dynamic_stack_save, llvm::FunctionType::get(pointer, {pointer}, false));
      replacement = builder.CreateCall(save, {context});
      if (call->getType() != pointer)
        replacement = builder.CreateAddrSpaceCast(replacement, call->getType());
    } else if (call && call->getIntrinsicID() == llvm::Intrinsic::stackrestore) {
      llvm::FunctionCallee restore = module.getOrInsertFunction(
          runtime_symbols::dynamic_stack_restore,
          llvm::FunctionType::get(builder.getVoidTy(), {pointer, pointer}, false));
      llvm::Value *saved = call->getArgOperand(0);
      if (saved->getType() != pointer)
        saved = builder.CreateAddrSpaceCast(saved, pointer);
      builder.CreateCall(restore, {context, saved});
    } else {
      continue;
    }
    if (replacement)
      inst.replaceAllUsesWith(replacement);
    replaced.push_back(&inst);
  }
  for (llvm::Instruction *inst : replaced)
    inst->eraseFromParent();
}

llvm::Function *makeCoroutine(llvm::Function &kernel,
                              llvm::ArrayRef<llvm::CallInst *> suspensions) {
  llvm::Module &module = *kernel.getParent();
  llvm::LLVMContext &llvmContext = module.getContext();
  llvm::Type *pointer = llvm::PointerType::get(llvmContext, 0);

  // The coroutine returns its frame (handle) instead of void.
  auto *type = llvm::FunctionType::get(pointer, kernel.getFunctionType()->params(), false);
  llvm::Function *coroutine = llvm::Function::Create(type, kernel.getLinkage(), "", &module);
  coroutine->takeName(&kernel);
  coroutine->copyAttributesFrom(&kernel);
  coroutine->splice(coroutine->end(), &kernel);
  for (unsigned i = 0; i < kernel.arg_size(); ++i) {
    kernel.getArg(i)->replaceAllUsesWith(coroutine->getArg(i));
    coroutine->getArg(i)->takeName(kernel.getArg(i));
  }
  coroutine->addFnAttr(llvm::Attribute::PresplitCoroutine);
  llvm::Value *context = contextArgument(*coroutine);

  llvm::IRBuilder<> builder(&*coroutine->getEntryBlock().getFirstInsertionPt());
  llvm::Value *id = builder.CreateIntrinsic(llvm::Intrinsic::coro_id, {},
                                            {builder.getInt32(0),
                                             llvm::ConstantPointerNull::get(builder.getPtrTy()),
                                             llvm::ConstantPointerNull::get(builder.getPtrTy()),
                                             llvm::ConstantPointerNull::get(builder.getPtrTy())});
  llvm::Value *size =
      builder.CreateIntrinsic(llvm::Intrinsic::coro_size, {builder.getInt64Ty()}, {});
  llvm::FunctionCallee allocate = module.getOrInsertFunction(
      runtime_symbols::coroutine_frame,
      llvm::FunctionType::get(pointer, {pointer, builder.getInt64Ty()}, false));
  llvm::Value *memory = builder.CreateCall(allocate, {context, size});
  llvm::Value *handle = builder.CreateIntrinsic(llvm::Intrinsic::coro_begin, {}, {id, memory});

  // cleanup: the frame's storage belongs to the executor, nothing to free.
  llvm::BasicBlock *cleanup = llvm::BasicBlock::Create(llvmContext, "coro.cleanup", coroutine);
  llvm::BasicBlock *suspend = llvm::BasicBlock::Create(llvmContext, "coro.suspend", coroutine);
  builder.SetInsertPoint(cleanup);
  builder.CreateIntrinsic(llvm::Intrinsic::coro_free, {}, {id, handle});
  builder.CreateBr(suspend);
  builder.SetInsertPoint(suspend);
  builder.CreateIntrinsic(llvm::Intrinsic::coro_end, {},
                          {handle, builder.getFalse(), llvm::ConstantTokenNone::get(llvmContext)});
  builder.CreateRet(handle);

  // Every return marks the thread done, then leaves through cleanup.
  llvm::SmallVector<llvm::ReturnInst *, 4> returns;
  for (llvm::BasicBlock &block : *coroutine)
    if (auto *ret = llvm::dyn_cast<llvm::ReturnInst>(block.getTerminator());
        ret && &block != suspend)
      returns.push_back(ret);
  for (llvm::ReturnInst *ret : returns) {
    builder.SetInsertPoint(ret);
    builder.CreateStore(
        builder.getInt32(1),
        builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), context, context_offsets::done));
    builder.CreateBr(cleanup);
    ret->eraseFromParent();
  }

  uint32_t site = 0;
  for (llvm::CallInst *call : suspensions) {
    builder.SetInsertPoint(call);
    writeRequest(builder, call, context, site++);
    llvm::BasicBlock *block = call->getParent();
    llvm::BasicBlock *resume = block->splitBasicBlock(call, "suspension.resume");
    block->getTerminator()->eraseFromParent();
    builder.SetInsertPoint(block);
    llvm::Value *state =
        builder.CreateIntrinsic(llvm::Intrinsic::coro_suspend, {},
                                {llvm::ConstantTokenNone::get(llvmContext), builder.getFalse()});
    llvm::SwitchInst *dispatch = builder.CreateSwitch(state, suspend, 2);
    dispatch->addCase(builder.getInt8(0), resume);
    dispatch->addCase(builder.getInt8(1), cleanup);
    builder.SetInsertPoint(call);
    if (llvm::Value *result = readResult(builder, call, context))
      call->replaceAllUsesWith(result);
    call->eraseFromParent();
  }
  kernel.eraseFromParent();
  return coroutine;
}

} // namespace

bool isSuspendingIntrinsic(llvm::StringRef name) {
  return suspendingIntrinsic(name) != nullptr;
}

llvm::Expected<BarrierLowering> lowerBarriers(llvm::Function &kernel) {
  for (llvm::Function &function : *kernel.getParent()) {
    if (&function == &kernel || function.isDeclaration())
      continue;
    if (!suspendingCalls(function).empty() || !callsTo(function, kExitIntrinsic).empty())
      return makeError("function '" + function.getName() +
                       "' still contains a barrier, warp collective or exit after inlining into "
                       "kernel '" +
                       kernel.getName() + "'");
  }
  lowerExits(kernel);
  llvm::SmallVector<llvm::CallInst *, 8> suspensions = suspendingCalls(kernel);
  if (suspensions.empty())
    return BarrierLowering{&kernel, false};
  moveDynamicAllocations(kernel);
  return BarrierLowering{makeCoroutine(kernel, suspensions), true};
}

} // namespace cuport::cpu
