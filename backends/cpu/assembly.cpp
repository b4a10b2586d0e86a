// Ahead-of-time view of what the JIT compiles: each kernel of a module through the same pipeline
// as a launch would, printed as host assembly.
#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/kernel_pipeline.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/Support/TargetSelect.h>

namespace cuport::cpu {
namespace {

// A fresh copy of `bitcode` for the host target: every pipeline step rewrites the module it gets.
llvm::Expected<std::unique_ptr<llvm::Module>>
hostCopy(llvm::StringRef bitcode, llvm::LLVMContext &context, llvm::TargetMachine &target) {
  llvm::Expected<std::unique_ptr<llvm::Module>> module =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "kernel-ir"), context);
  if (!module)
    return module.takeError();
  (*module)->setTargetTriple(target.getTargetTriple().str());
  (*module)->setDataLayout(target.createDataLayout());
  return module;
}

llvm::Error appendAssembly(llvm::StringRef bitcode, llvm::TargetMachine &target,
                           std::string &assembly) {
  llvm::LLVMContext context;
  llvm::Expected<std::unique_ptr<llvm::Module>> globals = hostCopy(bitcode, context, target);
  if (!globals)
    return globals.takeError();
  std::vector<std::string> kernels;
  for (const llvm::Function &function : **globals)
    if (!function.isDeclaration() && function.hasFnAttribute(kKernelAttribute))
      kernels.push_back(function.getName().str());
  llvm::Expected<llvm::StringMap<uint64_t>> sizes = prepareGlobalsModule(**globals);
  if (!sizes)
    return sizes.takeError();
  if (!sizes->empty()) {
    llvm::Expected<std::string> text = emitAssembly(**globals, target);
    if (!text)
      return text.takeError();
    assembly += "# .global and .const variables\n" + *text;
  }
  for (const std::string &name : kernels) {
    llvm::Expected<std::unique_ptr<llvm::Module>> module = hostCopy(bitcode, context, target);
    if (!module)
      return module.takeError();
    llvm::Expected<PreparedKernel> prepared =
        prepareKernelModule(**module, name, target, *sizes, "compile." + name);
    if (!prepared)
      return prepared.takeError();
    llvm::Expected<std::string> text = emitAssembly(**module, target);
    if (!text)
      return text.takeError();
    assembly += "# kernel " + name +
                (prepared->is_coroutine ? " (barriers or warp collectives: coroutine)" : "") +
                "\n" + *text;
  }
  return llvm::Error::success();
}

} // namespace

bool compileToAssembly(const llvm::Module &module, std::string &assembly, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Expected<llvm::orc::JITTargetMachineBuilder> machine =
      llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine) {
    error = llvm::toString(machine.takeError());
    return false;
  }
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> target = machine->createTargetMachine();
  if (!target) {
    error = llvm::toString(target.takeError());
    return false;
  }
  llvm::SmallString<0> bitcode;
  llvm::raw_svector_ostream stream(bitcode);
  llvm::WriteBitcodeToFile(module, stream);
  if (llvm::Error failure = appendAssembly(bitcode.str(), **target, assembly)) {
    error = llvm::toString(std::move(failure));
    return false;
  }
  return true;
}

} // namespace cuport::cpu
