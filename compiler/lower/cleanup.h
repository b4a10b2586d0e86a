// After emission: promote the register allocas (SROA) and verify the module.
#pragma once

#include <string>

namespace llvm {
class Module;
}

namespace cuport::lower {

void cleanupModule(llvm::Module &module);
// Empty when the module is well formed, else the verifier's report.
std::string verifyLoweredModule(const llvm::Module &module);

} // namespace cuport::lower
