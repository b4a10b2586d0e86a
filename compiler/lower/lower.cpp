// lowerModule: the entry point of compiler/lower.
#include "compiler/lower/lower.h"

#include "compiler/lower/cleanup.h"
#include "compiler/lower/module_lowering.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

namespace cuport::lower {

LowerResult lowerModule(const ptx::Module &module, llvm::LLVMContext &context,
                        std::string_view moduleName) {
  LowerResult result;
  if (module.addressSize != 64) {
    result.diagnostics.push_back({ptx::SourceLoc{}, "unsupported .address_size " +
                                                        std::to_string(module.addressSize) +
                                                        " (only 64-bit addressing is supported)"});
    return result;
  }
  auto llvmModule = std::make_unique<llvm::Module>(
      llvm::StringRef(moduleName.data(), moduleName.size()), context);
  ModuleLowering lowering(module, *llvmModule, result.diagnostics);
  bool defined = lowering.declareModuleScope() && lowering.defineFunctions();
  result.unknownOpcodes = lowering.unknownOpcodes();
  if (!defined)
    return result;
  cleanupModule(*llvmModule);
  if (std::string report = verifyLoweredModule(*llvmModule); !report.empty()) {
    result.diagnostics.push_back(
        {ptx::SourceLoc{}, "internal error: lowered IR is invalid (please report): " + report});
    return result;
  }
  LoweredModule lowered;
  lowered.kernels = lowering.kernelInfos();
  lowered.globals = lowering.globalInfos();
  lowered.module = std::move(llvmModule);
  result.lowered = std::move(lowered);
  return result;
}

} // namespace cuport::lower
