// Inlines every function that contains a barrier, a warp collective or an exit (directly or through
// its callees) into the kernel. Coroutine lowering then only has to split one function, and exit
// becomes a plain return from the kernel.
#include "backends/cpu/passes.h"

#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/SetVector.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/Transforms/Utils/Cloning.h>

namespace cuport::cpu {
namespace {

bool isSynchronizingIntrinsic(const llvm::Function *callee) {
  return callee &&
         (isSuspendingIntrinsic(callee->getName()) || callee->getName() == kExitIntrinsic);
}

// Defined functions that reach a barrier or an exit through direct calls.
llvm::DenseSet<llvm::Function *> synchronizingFunctions(llvm::Module &module) {
  llvm::DenseSet<llvm::Function *> result;
  bool changed = true;
  while (changed) {
    changed = false;
    for (llvm::Function &function : module) {
      if (function.isDeclaration() || result.contains(&function))
        continue;
      for (llvm::Instruction &inst : llvm::instructions(function)) {
        auto *call = llvm::dyn_cast<llvm::CallBase>(&inst);
        if (!call)
          continue;
        llvm::Function *callee = call->getCalledFunction();
        if (isSynchronizingIntrinsic(callee) || (callee && result.contains(callee))) {
          result.insert(&function);
          changed = true;
          break;
        }
      }
    }
  }
  return result;
}

bool reachesItself(llvm::Function *start) {
  llvm::SmallVector<llvm::Function *, 16> worklist{start};
  llvm::DenseSet<llvm::Function *> seen;
  while (!worklist.empty()) {
    llvm::Function *function = worklist.pop_back_val();
    for (llvm::Instruction &inst : llvm::instructions(*function)) {
      auto *call = llvm::dyn_cast<llvm::CallBase>(&inst);
      llvm::Function *callee = call ? call->getCalledFunction() : nullptr;
      if (!callee || callee->isDeclaration())
        continue;
      if (callee == start)
        return true;
      if (seen.insert(callee).second)
        worklist.push_back(callee);
    }
  }
  return false;
}

} // namespace

llvm::Error checkSynchronizingFunctions(llvm::Module &module) {
  for (llvm::Function *function : synchronizingFunctions(module)) {
    if (function->hasFnAttribute(kKernelAttribute))
      continue;
    if (reachesItself(function))
      return makeError(
          "function '" + function->getName() +
          "' contains a barrier, warp collective or exit and is recursive; the CPU backend inlines "
          "such functions into their kernel and cannot inline recursion");
    if (function->hasAddressTaken())
      return makeError(
          "function '" + function->getName() +
          "' contains a barrier, warp collective or exit and its address is taken; the CPU backend "
          "does not support them in functions called through pointers");
  }
  return llvm::Error::success();
}

llvm::Error inlineSynchronizingCallees(llvm::Function &kernel) {
  llvm::Module &module = *kernel.getParent();
  if (llvm::Error error = checkSynchronizingFunctions(module))
    return error;
  llvm::DenseSet<llvm::Function *> synchronizing = synchronizingFunctions(module);
  // No recursion among them (checked above), so this terminates.
  for (;;) {
    llvm::SmallVector<llvm::CallBase *, 8> calls;
    for (llvm::Instruction &inst : llvm::instructions(kernel))
      if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst))
        if (call->getCalledFunction() && synchronizing.contains(call->getCalledFunction()))
          calls.push_back(call);
    if (calls.empty())
      break;
    for (llvm::CallBase *call : calls) {
      llvm::InlineFunctionInfo info;
      llvm::InlineResult result = llvm::InlineFunction(*call, info);
      if (!result.isSuccess())
        return makeError("cannot inline '" + call->getCalledFunction()->getName() +
                         "' (it contains a barrier, warp collective or exit) into kernel '" +
                         kernel.getName() + "': " + result.getFailureReason());
    }
  }
  // Drop the now-unused copies (callers among them first, hence the loop).
  bool erased = true;
  while (erased) {
    erased = false;
    for (llvm::Function *function :
         llvm::SmallVector<llvm::Function *, 8>(synchronizing.begin(), synchronizing.end())) {
      if (function != &kernel && function->use_empty() && function->hasLocalLinkage()) {
        synchronizing.erase(function);
        function->eraseFromParent();
        erased = true;
      }
    }
  }
  return llvm::Error::success();
}

} // namespace cuport::cpu
