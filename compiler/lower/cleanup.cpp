#include "compiler/lower/cleanup.h"

#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/Scalar/SROA.h>

namespace cuport::lower {

void cleanupModule(llvm::Module &module) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder;
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  // SROA only: it turns the per-register allocas into SSA values. Passes that speculate stores
  // (SimplifyCFG) are left to the backend, which knows about other threads.
  llvm::FunctionPassManager functionPasses;
  functionPasses.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  llvm::ModulePassManager modulePasses;
  modulePasses.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(functionPasses)));
  modulePasses.run(module, modules);
}

std::string verifyLoweredModule(const llvm::Module &module) {
  std::string report;
  llvm::raw_string_ostream stream(report);
  if (!llvm::verifyModule(module, &stream))
    return {};
  stream.flush();
  return report.empty() ? std::string("module failed verification") : report;
}

} // namespace cuport::lower
