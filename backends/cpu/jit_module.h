// A loaded kernel-IR module: its .global/.const variables, compiled and given addresses at load,
// and its kernels, each compiled on first use into its own JIT module and cached.
//
// Why one JIT module per kernel (extracted with its callees) rather than LLLazyJIT: each kernel
// needs whole-function rewriting (hidden context, coroutine splitting, inlining of barrier
// functions) specific to being that kernel, and a launch needs the kernel's shared layout and
// shape; per-kernel extraction gives both without compiling kernels that are never launched.
#pragma once

#include "backends/backend.h"
#include "backends/cpu/executor.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <llvm/ADT/StringMap.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Support/Error.h>
#include <llvm/Target/TargetMachine.h>

namespace cuport::cpu {

class JitModule;

struct Kernel {
  JitModule *module = nullptr;
  std::string name;
  std::mutex compile_mutex;
  bool compiled = false;
  std::string compile_error; // sticky: a kernel that failed to compile fails every time
  KernelEntry entry;
  uint64_t local_bytes = 0;
};

class JitModule {
public:
  // Parses and checks the bitcode and materializes the globals.
  static llvm::Expected<std::unique_ptr<JitModule>> load(llvm::StringRef bitcode);
  ~JitModule();

  struct GlobalVariable {
    void *address;
    uint64_t size;
  };
  const GlobalVariable *global(llvm::StringRef name) const;
  Kernel *kernel(llvm::StringRef name);

  // Compiles the kernel if it is not yet; returns false and fills `error` when it cannot be.
  bool ensureCompiled(Kernel &kernel, std::string &error);

private:
  JitModule() = default;
  llvm::Error compile(Kernel &kernel);

  std::string bitcode_;
  uint64_t id_ = 0;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> target_;
  std::mutex jit_mutex_; // one kernel compiles at a time per module
  llvm::StringMap<uint64_t> global_sizes_;
  llvm::StringMap<GlobalVariable> globals_;
  std::vector<const void *> const_windows_; // registered with const_windows (isspacep.const)
  std::map<std::string, std::unique_ptr<Kernel>, std::less<>> kernels_;
};

} // namespace cuport::cpu
