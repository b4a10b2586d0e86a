// The CPU backend's lowering of cuport kernel IR (docs/kernel-ir.md), one pass per file. They run
// in this order on a module that holds one kernel and its callees, then the O2 pipeline runs.
#pragma once

#include <cstdint>

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>

namespace cuport::cpu {

// spin_wait_yields.cpp: puts a cuport.yield (a suspending intrinsic) on the back edges of every
// loop that waits on memory (its exit depends on an atomic or volatile load) and in place of
// cuport.nanosleep in other loops, so that the block's other threads run between iterations;
// other sleeps are erased. Runs first, so that inlining brings the yields into the kernel.
inline constexpr const char *kYieldIntrinsic = "cuport.yield";
void insertSpinWaitYields(llvm::Module &module);

// inline_synchronizing_callees.cpp: functions that (transitively) contain a suspending intrinsic
// (a barrier or a warp collective, see isSuspendingIntrinsic) or cuport.exit are inlined into the
// kernel, so that only the kernel body needs splitting at barriers. Such a function that is
// recursive or called through a pointer is an error.
llvm::Error checkSynchronizingFunctions(llvm::Module &module);
llvm::Error inlineSynchronizingCallees(llvm::Function &kernel);

// thread_context.cpp: adds a hidden `ptr` context parameter (ThreadContext *, see context.h) as
// the last parameter of every defined function and passes it at every call site, indirect ones
// included; replaces the geometry intrinsics and cuport.isspacep.* by loads from the context (the
// .const window by a call into the executor, which keeps every module's .const ranges), and
// cuport.trap and __assertfail by calls into the executor. Suspending intrinsics and cuport.exit
// are left in place.
llvm::Error threadContext(llvm::Module &module);
llvm::Value *contextArgument(llvm::Function &function);

// shared_memory_window.cpp: gives every addrspace(3) global an offset in the block's shared
// window and rewrites every access through an addrspace(3) pointer to window base + offset.
struct SharedLayout {
  uint64_t static_bytes = 0;
  uint64_t dynamic_offset = 0; // where the dynamic area (extern shared arrays) starts
};
llvm::Expected<SharedLayout> lowerSharedMemory(llvm::Module &module);

// barrier_coroutine.cpp: lowers cuport.exit to a return, and turns a kernel with suspending
// intrinsics into a switched-resume coroutine that writes the thread's SuspendRequest (context.h)
// and suspends at each of them. Returns the new kernel.
struct BarrierLowering {
  llvm::Function *kernel = nullptr;
  bool is_coroutine = false;
};
llvm::Expected<BarrierLowering> lowerBarriers(llvm::Function &kernel);

// Shared helpers.
inline constexpr const char *kKernelAttribute = "cuport-kernel";
// A kernel declaring .explicitcluster or .reqnctapercluster (%is_explicit_cluster is true).
inline constexpr const char *kExplicitClusterAttribute = "cuport-explicit-cluster";
inline constexpr const char *kExitIntrinsic = "cuport.exit";
// Barriers and warp collectives: the thread suspends there and the block scheduler resumes it.
bool isSuspendingIntrinsic(llvm::StringRef name);
llvm::Error makeError(const llvm::Twine &message);

} // namespace cuport::cpu
