// Lowers a parsed PTX module to cuport's kernel IR (docs/kernel-ir.md): an llvm::Module that any
// backend can take. Instructions that cannot be lowered yet are diagnosed with their location,
// never dropped.
#pragma once

#include "compiler/ptx/ast.h"
#include "compiler/ptx/diagnostic.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace cuport::lower {

struct KernelParam {
  uint32_t offset = 0; // in the parameter buffer
  uint32_t size = 0;
  uint32_t align = 1;
};

struct KernelInfo {
  std::string name;
  std::vector<KernelParam> params;
  uint32_t paramBufferSize = 0;
  uint32_t staticSharedBytes = 0;
  std::array<uint32_t, 3> reqntid{0, 0, 0}; // 0 = not given
  std::array<uint32_t, 3> maxntid{0, 0, 0};
  std::array<uint32_t, 3> reqnctapercluster{0, 0, 0}; // 0 = not given
};

struct GlobalInfo {
  std::string name;
  ptx::StateSpace space = ptx::StateSpace::Global; // Global or Const
  uint64_t size = 0;
  // As declared: TexRef, SurfRef or SamplerRef for a texture, surface or sampler reference.
  ptx::ScalarType type = ptx::ScalarType::None;
};

struct LoweredModule {
  std::unique_ptr<llvm::Module> module;
  std::vector<KernelInfo> kernels;
  std::vector<GlobalInfo> globals;
};

struct LowerResult {
  std::optional<LoweredModule> lowered;
  std::vector<ptx::Diagnostic> diagnostics;
  // Opcodes that no instruction family recognised (each also has an "unsupported instruction"
  // diagnostic), as opposed to known opcodes used with forms the lowering rejects.
  std::vector<std::string> unknownOpcodes;
};

LowerResult lowerModule(const ptx::Module &module, llvm::LLVMContext &context,
                        std::string_view moduleName);

} // namespace cuport::lower
