// Turns a parsed kernel-IR module into what the JIT compiles: for one kernel (isolated with its
// callees, globals turned into references to the module's globals object) our lowering passes and
// the O2 pipeline; for the globals object, just the .global/.const definitions.
#pragma once

#include "backends/cpu/passes.h"

#include <cstdint>
#include <string>

#include <llvm/ADT/StringMap.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>
#include <llvm/Target/TargetMachine.h>

namespace cuport::cpu {

// The most static shared memory a kernel may declare (what ptxas allows).
inline constexpr uint64_t kMaxStaticSharedBytes = 48 * 1024;

struct PreparedKernel {
  bool is_coroutine = false;
  SharedLayout shared;
  uint64_t local_bytes = 0; // static allocas of the kernel body after optimization
};

// The target's assembly for `module` (which is left untouched).
llvm::Expected<std::string> emitAssembly(const llvm::Module &module, llvm::TargetMachine &target);

// Gives unnamed globals a stable name, so that the globals object and the kernel modules (each
// parsed from the same bitcode) agree on it.
void nameAnonymousGlobals(llvm::Module &module);

// Reduces `module` to its .global/.const definitions, with external linkage and writable (the
// runtime copies into __constant__ variables too). Returns their sizes by name.
llvm::Expected<llvm::StringMap<uint64_t>> prepareGlobalsModule(llvm::Module &module);

// Reduces `module` to kernel `kernel_name` and its callees and lowers it for the CPU. `globals`
// names what the globals object defines; `dump_prefix` names the dump files.
llvm::Expected<PreparedKernel>
prepareKernelModule(llvm::Module &module, llvm::StringRef kernel_name, llvm::TargetMachine &target,
                    const llvm::StringMap<uint64_t> &globals, const std::string &dump_prefix);

} // namespace cuport::cpu
