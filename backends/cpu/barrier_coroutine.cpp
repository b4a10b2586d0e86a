// Barriers. A kernel without cuport.bar.sync stays a plain per-thread function that the executor
// calls lane after lane, warp after warp. A kernel with barriers becomes an LLVM switched-resume
// coroutine that suspends at every barrier; the executor runs every live thread of the block to
// its next barrier, round after round. That gives exact bar.sync semantics for any control flow
// (barriers in loops, in divergent-looking but uniform branches, after threads have exited) with
// no analysis of our own: CoroSplit (in the O2 pipeline) builds the state machine and puts only
// the values live across a barrier in the frame.
#include "backends/cpu/context.h"
#include "backends/cpu/passes.h"
#include "backends/cpu/runtime_symbols.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
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

// A bar.sync with a thread count is only supported when the count is the whole block; the check
// happens at run time, where the block size is known.
void checkBarrierCounts(llvm::Function &kernel, llvm::ArrayRef<llvm::CallInst *> barriers) {
  llvm::Module &module = *kernel.getParent();
  llvm::Value *context = contextArgument(kernel);
  llvm::LLVMContext &llvmContext = module.getContext();
  llvm::FunctionCallee check = module.getOrInsertFunction(
      runtime_symbols::barrier_count_check,
      llvm::FunctionType::get(llvm::Type::getVoidTy(llvmContext),
                              {context->getType(), llvm::Type::getInt32Ty(llvmContext)}, false));
  for (llvm::CallInst *barrier : barriers) {
    llvm::Value *count = barrier->getArgOperand(1);
    if (auto *constant = llvm::dyn_cast<llvm::ConstantInt>(count);
        constant && constant->isMinusOne())
      continue;
    llvm::IRBuilder<> builder(barrier);
    builder.CreateCall(check, {context, builder.CreateZExtOrTrunc(count, builder.getInt32Ty())});
  }
}

llvm::Function *makeCoroutine(llvm::Function &kernel, llvm::ArrayRef<llvm::CallInst *> barriers) {
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

  for (llvm::CallInst *barrier : barriers) {
    llvm::BasicBlock *block = barrier->getParent();
    llvm::BasicBlock *resume = block->splitBasicBlock(barrier->getNextNode(), "barrier.resume");
    block->getTerminator()->eraseFromParent();
    builder.SetInsertPoint(block);
    llvm::Value *state =
        builder.CreateIntrinsic(llvm::Intrinsic::coro_suspend, {},
                                {llvm::ConstantTokenNone::get(llvmContext), builder.getFalse()});
    llvm::SwitchInst *dispatch = builder.CreateSwitch(state, suspend, 2);
    dispatch->addCase(builder.getInt8(0), resume);
    dispatch->addCase(builder.getInt8(1), cleanup);
    barrier->eraseFromParent();
  }
  kernel.eraseFromParent();
  return coroutine;
}

} // namespace

llvm::Expected<BarrierLowering> lowerBarriers(llvm::Function &kernel) {
  for (llvm::Function &function : *kernel.getParent()) {
    if (&function == &kernel || function.isDeclaration())
      continue;
    if (!callsTo(function, kBarrierIntrinsic).empty() || !callsTo(function, kExitIntrinsic).empty())
      return makeError("function '" + function.getName() +
                       "' still contains a barrier or exit after inlining into kernel '" +
                       kernel.getName() + "'");
  }
  lowerExits(kernel);
  llvm::SmallVector<llvm::CallInst *, 8> barriers = callsTo(kernel, kBarrierIntrinsic);
  if (barriers.empty())
    return BarrierLowering{&kernel, false};
  checkBarrierCounts(kernel, barriers);
  return BarrierLowering{makeCoroutine(kernel, barriers), true};
}

} // namespace cuport::cpu
