#include "backends/cpu/jit_module.h"

#include "backends/cpu/const_windows.h"
#include "backends/cpu/kernel_pipeline.h"
#include "backends/cpu/runtime_symbols.h"
#include "support/dump.h"
#include "support/log.h"

#include <atomic>

#include <llvm/ADT/StringSet.h>
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/TargetSelect.h>

namespace cuport::cpu {
namespace {

std::atomic<uint64_t> next_module_id{1};

void initializeLlvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

llvm::Expected<std::unique_ptr<llvm::Module>> parse(llvm::StringRef bitcode,
                                                    llvm::LLVMContext &context,
                                                    const llvm::DataLayout &layout,
                                                    const llvm::Triple &triple) {
  llvm::MemoryBufferRef buffer(bitcode, "kernel-ir");
  llvm::Expected<std::unique_ptr<llvm::Module>> module = llvm::parseBitcodeFile(buffer, context);
  if (!module)
    return makeError("cannot read the module's bitcode: " + llvm::toString(module.takeError()));
  (*module)->setTargetTriple(triple.str());
  (*module)->setDataLayout(layout);
  return module;
}

} // namespace

llvm::Expected<std::unique_ptr<JitModule>> JitModule::load(llvm::StringRef bitcode) {
  initializeLlvm();
  std::unique_ptr<JitModule> result(new JitModule());
  result->bitcode_ = bitcode.str();
  result->id_ = next_module_id.fetch_add(1);

  llvm::Expected<llvm::orc::JITTargetMachineBuilder> machine =
      llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine)
    return machine.takeError();
  machine->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
  // JIT'd objects land anywhere in the address space: reach other modules through the GOT.
  machine->setRelocationModel(llvm::Reloc::PIC_);
  machine->setCodeModel(llvm::CodeModel::Small);
  llvm::Expected<llvm::DataLayout> layout = machine->getDefaultDataLayoutForTarget();
  if (!layout)
    return layout.takeError();
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> target = machine->createTargetMachine();
  if (!target)
    return target.takeError();
  result->target_ = std::move(*target);

  // Check the whole module once, up front, so malformed input fails at load.
  auto context = std::make_unique<llvm::LLVMContext>();
  llvm::Expected<std::unique_ptr<llvm::Module>> module =
      parse(result->bitcode_, *context, *layout, machine->getTargetTriple());
  if (!module)
    return module.takeError();
  std::string problems;
  llvm::raw_string_ostream problemStream(problems);
  if (llvm::verifyModule(**module, &problemStream))
    return makeError("the module is not valid LLVM IR: " + problems);
  if (llvm::Error error = checkSynchronizingFunctions(**module))
    return error;
  for (llvm::Function &function : **module) {
    if (function.isDeclaration() || !function.hasFnAttribute(kKernelAttribute))
      continue;
    if (function.arg_size() != 1 || !function.getArg(0)->getType()->isPointerTy() ||
        !function.getReturnType()->isVoidTy())
      return makeError("kernel '" + function.getName() +
                       "' does not have the kernel-IR signature void(ptr %params)");
    auto kernel = std::make_unique<Kernel>();
    kernel->module = result.get();
    kernel->name = function.getName().str();
    result->kernels_.emplace(kernel->name, std::move(kernel));
  }
  llvm::Expected<llvm::StringMap<uint64_t>> sizes = prepareGlobalsModule(**module);
  if (!sizes)
    return sizes.takeError();
  result->global_sizes_ = std::move(*sizes);
  constexpr unsigned kConstSpace = 4;
  llvm::StringSet<> constants;
  for (const llvm::GlobalVariable &global : (*module)->globals())
    if (global.getAddressSpace() == kConstSpace && !global.isDeclaration())
      constants.insert(global.getName());

  llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>> jit =
      llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*machine)).create();
  if (!jit)
    return jit.takeError();
  result->jit_ = std::move(*jit);
  llvm::orc::SymbolMap symbols;
  for (const auto &[name, address] : runtime_symbols::table())
    symbols[result->jit_->mangleAndIntern(name)] = llvm::orc::ExecutorSymbolDef(
        llvm::orc::ExecutorAddr::fromPtr(address),
        llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  if (llvm::Error error =
          result->jit_->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols))))
    return error;

  if (!result->global_sizes_.empty()) {
    if (dump::directory()) {
      std::string text;
      llvm::raw_string_ostream stream(text);
      (*module)->print(stream, nullptr);
      dump::write("cpu-module" + std::to_string(result->id_) + ".globals.ll", text);
    }
    if (llvm::Error error = result->jit_->addIRModule(
            llvm::orc::ThreadSafeModule(std::move(*module), std::move(context))))
      return error;
    for (const auto &entry : result->global_sizes_) {
      llvm::Expected<llvm::orc::ExecutorAddr> address = result->jit_->lookup(entry.getKey());
      if (!address)
        return makeError("cannot place global '" + entry.getKey() +
                         "': " + llvm::toString(address.takeError()));
      result->globals_[entry.getKey()] = GlobalVariable{address->toPtr<void *>(), entry.getValue()};
      if (constants.contains(entry.getKey()) && entry.getValue() > 0) {
        const_windows::add(address->toPtr<void *>(), entry.getValue());
        result->const_windows_.push_back(address->toPtr<void *>());
      }
    }
  }
  CUPORT_DEBUG("cpu: loaded module %llu with %zu kernels and %zu globals",
               static_cast<unsigned long long>(result->id_), result->kernels_.size(),
               static_cast<size_t>(result->globals_.size()));
  return result;
}

JitModule::~JitModule() {
  for (const void *base : const_windows_)
    const_windows::remove(base);
}

const JitModule::GlobalVariable *JitModule::global(llvm::StringRef name) const {
  auto found = globals_.find(name);
  return found == globals_.end() ? nullptr : &found->getValue();
}

Kernel *JitModule::kernel(llvm::StringRef name) {
  auto found = kernels_.find(name);
  return found == kernels_.end() ? nullptr : found->second.get();
}

bool JitModule::ensureCompiled(Kernel &kernel, std::string &error) {
  std::lock_guard lock(kernel.compile_mutex);
  if (!kernel.compiled && kernel.compile_error.empty()) {
    if (llvm::Error failure = compile(kernel)) {
      kernel.compile_error = llvm::toString(std::move(failure));
      CUPORT_ERROR("cpu: cannot compile kernel '%s': %s", kernel.name.c_str(),
                   kernel.compile_error.c_str());
    } else {
      kernel.compiled = true;
    }
  }
  if (!kernel.compiled)
    error = kernel.compile_error;
  return kernel.compiled;
}

llvm::Error JitModule::compile(Kernel &kernel) {
  std::lock_guard lock(jit_mutex_);
  auto context = std::make_unique<llvm::LLVMContext>();
  llvm::Expected<std::unique_ptr<llvm::Module>> module =
      parse(bitcode_, *context, jit_->getDataLayout(), jit_->getTargetTriple());
  if (!module)
    return module.takeError();
  std::string prefix = "cpu-module" + std::to_string(id_) + "." + kernel.name;
  llvm::Function *function = (*module)->getFunction(kernel.name);
  bool explicitCluster = function && function->hasFnAttribute(kExplicitClusterAttribute);
  llvm::Expected<PreparedKernel> prepared =
      prepareKernelModule(**module, kernel.name, *target_, global_sizes_, prefix);
  if (!prepared)
    return prepared.takeError();

  // Each kernel gets its own JITDylib-level module; its helper functions are internal, so copies
  // in other kernels' modules cannot clash.
  if (llvm::Error error =
          jit_->addIRModule(llvm::orc::ThreadSafeModule(std::move(*module), std::move(context))))
    return error;
  llvm::Expected<llvm::orc::ExecutorAddr> address = jit_->lookup(kernel.name);
  if (!address)
    return makeError("cannot link kernel '" + kernel.name +
                     "': " + llvm::toString(address.takeError()));
  kernel.entry.name = kernel.name;
  kernel.entry.entry = address->toPtr<void *>();
  kernel.entry.is_coroutine = prepared->is_coroutine;
  kernel.entry.static_shared_bytes = prepared->shared.static_bytes;
  kernel.entry.dynamic_shared_offset = prepared->shared.dynamic_offset;
  kernel.entry.explicit_cluster = explicitCluster;
  kernel.local_bytes = prepared->local_bytes;
  CUPORT_DEBUG("cpu: compiled kernel '%s' (%s, %llu bytes static shared)", kernel.name.c_str(),
               prepared->is_coroutine ? "coroutine (barriers or warp collectives)" : "plain",
               static_cast<unsigned long long>(prepared->shared.static_bytes));
  return llvm::Error::success();
}

} // namespace cuport::cpu
