#include "backends/cpu/kernel_pipeline.h"

#include "backends/cpu/directed_rounding.h"
#include "backends/cpu/passes.h"
#include "backends/cpu/runtime_symbols.h"
#include "support/dump.h"

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/IPO/GlobalDCE.h>
#include <llvm/Transforms/Utils/Cloning.h>

namespace cuport::cpu {
namespace {

constexpr unsigned kSharedSpace = 3;

template <typename Build>
void runModulePasses(llvm::Module &module, llvm::TargetMachine &target, Build build) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&target);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::ModulePassManager passes = build(builder);
  passes.run(module, modules);
}

std::string printModule(const llvm::Module &module) {
  std::string text;
  llvm::raw_string_ostream stream(text);
  module.print(stream, nullptr);
  return text;
}

void dumpAssembly(const llvm::Module &module, llvm::TargetMachine &target,
                  const std::string &name) {
  llvm::Expected<std::string> text = emitAssembly(module, target);
  if (!text) {
    dump::write(name, "; " + llvm::toString(text.takeError()) + "\n");
    return;
  }
  dump::write(name, *text);
}

// Whether an initializer takes the address of a function or of a shared variable.
// A shared variable whose address a .global/.const initializer takes: there is no one address
// for it (each block has its own window).
const llvm::GlobalValue *sharedReference(const llvm::Constant *constant) {
  if (auto *global = llvm::dyn_cast<llvm::GlobalVariable>(constant))
    return global->getAddressSpace() == kSharedSpace ? global : nullptr;
  for (const llvm::Use &operand : constant->operands())
    if (auto *inner = llvm::dyn_cast<llvm::Constant>(operand.get()))
      if (const llvm::GlobalValue *found = sharedReference(inner))
        return found;
  return nullptr;
}

// The functions a constant names (a vtable's or a function table's entries).
void collectFunctions(const llvm::Constant *constant,
                      llvm::SmallVectorImpl<llvm::Function *> &functions) {
  if (auto *function = llvm::dyn_cast<llvm::Function>(constant)) {
    functions.push_back(const_cast<llvm::Function *>(function));
    return;
  }
  if (llvm::isa<llvm::GlobalValue>(constant))
    return;
  for (const llvm::Use &operand : constant->operands())
    if (auto *inner = llvm::dyn_cast<llvm::Constant>(operand.get()))
      collectFunctions(inner, functions);
}

// Functions whose addresses initializers take, and every function they reach, are compiled into
// the globals object so that the tables hold one address per function. They are called through
// pointers, so they can neither be inlined into a kernel (barriers, warp collectives, exit) nor see
// a block's shared-memory window.
llvm::Expected<llvm::SmallPtrSet<llvm::Function *, 8>> addressTakenFunctions(llvm::Module &module) {
  llvm::SmallVector<llvm::Function *, 8> pending;
  for (llvm::GlobalVariable &global : module.globals())
    if (global.getAddressSpace() != kSharedSpace && global.hasInitializer())
      collectFunctions(global.getInitializer(), pending);
  llvm::SmallPtrSet<llvm::Function *, 8> kept;
  while (!pending.empty()) {
    llvm::Function *function = pending.pop_back_val();
    if (function->isDeclaration() || !kept.insert(function).second)
      continue;
    if (function->hasFnAttribute(kKernelAttribute))
      return makeError("a global holds the address of kernel '" + function->getName() +
                       "'; the CPU backend cannot call kernels through pointers");
    for (llvm::Instruction &inst : llvm::instructions(*function)) {
      if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst))
        if (llvm::Function *callee = call->getCalledFunction())
          if (isSuspendingIntrinsic(callee->getName()) || callee->getName() == kExitIntrinsic)
            return makeError("function '" + function->getName() +
                             "' is called through a pointer and synchronizes (a barrier or a "
                             "warp collective) or exits; the CPU backend does not support that");
      for (const llvm::Use &operand : inst.operands()) {
        auto *constant = llvm::dyn_cast<llvm::Constant>(operand.get());
        if (!constant)
          continue;
        if (const llvm::GlobalValue *shared = sharedReference(constant))
          return makeError("function '" + function->getName() +
                           "' is called through a pointer and uses shared variable '" +
                           shared->getName() + "'; the CPU backend does not support that");
        collectFunctions(constant, pending);
      }
    }
  }
  return kept;
}

void removeUsedLists(llvm::Module &module) {
  for (const char *name : {"llvm.used", "llvm.compiler.used"})
    if (llvm::GlobalVariable *list = module.getNamedGlobal(name))
      list->eraseFromParent();
}

llvm::Error checkExternals(llvm::Module &module, llvm::StringRef kernel,
                           const llvm::StringMap<uint64_t> &globals) {
  for (llvm::Function &function : module) {
    if (!function.isDeclaration() || function.isIntrinsic() || function.use_empty())
      continue;
    if (!runtime_symbols::isProvided(function.getName()))
      return makeError("kernel '" + kernel + "' calls '" + function.getName() +
                       "', which is not defined in the module and not provided by the CPU "
                       "backend");
  }
  for (llvm::GlobalVariable &global : module.globals())
    if (global.isDeclaration() && !global.use_empty() && !globals.contains(global.getName()))
      return makeError("kernel '" + kernel + "' uses global '" + global.getName() +
                       "', which the module declares but does not define");
  return llvm::Error::success();
}

uint64_t staticAllocaBytes(const llvm::Function &function) {
  uint64_t bytes = 0;
  const llvm::DataLayout &layout = function.getParent()->getDataLayout();
  for (const llvm::Instruction &inst : function.getEntryBlock())
    if (auto *alloca = llvm::dyn_cast<llvm::AllocaInst>(&inst))
      if (std::optional<llvm::TypeSize> size = alloca->getAllocationSize(layout))
        bytes += size->getFixedValue();
  return bytes;
}

} // namespace

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::make_error<llvm::StringError>(message, llvm::inconvertibleErrorCode());
}

llvm::Expected<std::string> emitAssembly(const llvm::Module &module, llvm::TargetMachine &target) {
  std::unique_ptr<llvm::Module> copy = llvm::CloneModule(module);
  llvm::SmallString<0> text;
  llvm::raw_svector_ostream stream(text);
  llvm::legacy::PassManager passes;
  if (target.addPassesToEmitFile(passes, stream, nullptr, llvm::CodeGenFileType::AssemblyFile))
    return makeError("this target cannot emit assembly");
  passes.run(*copy);
  return std::string(text.data(), text.size());
}

void nameAnonymousGlobals(llvm::Module &module) {
  unsigned index = 0;
  for (llvm::GlobalVariable &global : module.globals()) {
    if (!global.hasName())
      global.setName("__cuport_anonymous_global_" + llvm::Twine(index));
    ++index;
  }
}

llvm::Expected<llvm::StringMap<uint64_t>> prepareGlobalsModule(llvm::Module &module) {
  nameAnonymousGlobals(module);
  removeUsedLists(module);
  for (llvm::GlobalVariable &global : module.globals()) {
    if (global.getAddressSpace() == kSharedSpace || !global.hasInitializer())
      continue;
    if (const llvm::GlobalValue *target = sharedReference(global.getInitializer()))
      return makeError("global '" + global.getName() + "' is initialized with the address of '" +
                       target->getName() +
                       "'; the CPU backend does not support shared-variable addresses in "
                       "initializers");
  }
  llvm::Expected<llvm::SmallPtrSet<llvm::Function *, 8>> kept = addressTakenFunctions(module);
  if (!kept)
    return kept.takeError();
  for (llvm::Function &function : module)
    if (!kept->contains(&function))
      function.deleteBody();
  // What the kept functions call stays declared (runtime symbols, cuport.* intrinsics).
  llvm::SmallVector<llvm::GlobalValue *, 16> dead;
  for (llvm::Function &function : module)
    if (!kept->contains(&function))
      dead.push_back(&function);
  for (llvm::GlobalVariable &global : module.globals())
    if (global.getAddressSpace() == kSharedSpace)
      dead.push_back(&global);
  for (llvm::GlobalValue *value : dead) {
    bool usedByKept = llvm::any_of(value->users(), [&](const llvm::User *user) {
      auto *inst = llvm::dyn_cast<llvm::Instruction>(user);
      return inst && kept->contains(inst->getFunction());
    });
    if (usedByKept)
      continue;
    value->replaceAllUsesWith(llvm::PoisonValue::get(value->getType()));
    value->eraseFromParent();
  }
  if (!kept->empty()) {
    for (llvm::Function *function : *kept)
      function->setLinkage(llvm::GlobalValue::InternalLinkage);
    if (llvm::Error error = threadContext(module))
      return error;
  }

  llvm::StringMap<uint64_t> sizes;
  const llvm::DataLayout &layout = module.getDataLayout();
  for (llvm::GlobalVariable &global : module.globals()) {
    if (global.isDeclaration())
      continue;
    global.setLinkage(llvm::GlobalValue::ExternalLinkage);
    global.setVisibility(llvm::GlobalValue::DefaultVisibility);
    global.setConstant(false);
    global.setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::None);
    global.setComdat(nullptr);
    sizes[global.getName()] = layout.getTypeAllocSize(global.getValueType());
  }
  return sizes;
}

llvm::Expected<PreparedKernel>
prepareKernelModule(llvm::Module &module, llvm::StringRef kernel_name, llvm::TargetMachine &target,
                    const llvm::StringMap<uint64_t> &globals, const std::string &dump_prefix) {
  nameAnonymousGlobals(module);
  removeUsedLists(module);
  llvm::Function *kernel = module.getFunction(kernel_name);
  if (!kernel || kernel->isDeclaration() || !kernel->hasFnAttribute(kKernelAttribute))
    return makeError("no kernel named '" + kernel_name + "' in the module");

  // Keep the kernel and what it calls; every .global/.const variable lives in the globals object.
  for (llvm::Function &function : module)
    if (!function.isDeclaration() && &function != kernel)
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
  kernel->setLinkage(llvm::GlobalValue::ExternalLinkage);
  kernel->setVisibility(llvm::GlobalValue::DefaultVisibility);
  for (llvm::GlobalVariable &global : module.globals()) {
    if (global.getAddressSpace() == kSharedSpace)
      continue;
    if (global.hasInitializer())
      global.setInitializer(nullptr);
    global.setLinkage(llvm::GlobalValue::ExternalLinkage);
    global.setVisibility(llvm::GlobalValue::DefaultVisibility);
    global.setConstant(false); // the runtime may write it between launches
    global.setComdat(nullptr);
    global.setDSOLocal(false); // defined in the globals object, maybe far away
  }
  runModulePasses(module, target, [](llvm::PassBuilder &) {
    llvm::ModulePassManager passes;
    passes.addPass(llvm::GlobalDCEPass());
    return passes;
  });
  if (dump::directory())
    dump::write(dump_prefix + ".before.ll", printModule(module));

  PreparedKernel result;
  if (llvm::Error error = lowerDirectedRounding(module))
    return error;
  insertSpinWaitYields(module);
  if (llvm::Error error = inlineSynchronizingCallees(*kernel))
    return error;
  if (llvm::Error error = threadContext(module))
    return error;
  kernel = module.getFunction(kernel_name);
  llvm::Expected<SharedLayout> shared = lowerSharedMemory(module);
  if (!shared)
    return shared.takeError();
  result.shared = *shared;
  if (result.shared.static_bytes > kMaxStaticSharedBytes)
    return makeError(
        "kernel '" + kernel_name + "' declares " + llvm::Twine(result.shared.static_bytes) +
        " bytes of static shared memory; the limit is " + llvm::Twine(kMaxStaticSharedBytes));
  llvm::Expected<BarrierLowering> barriers = lowerBarriers(*kernel);
  if (!barriers)
    return barriers.takeError();
  result.is_coroutine = barriers->is_coroutine;
  if (llvm::Error error = checkExternals(module, kernel_name, globals))
    return error;

  std::string problems;
  llvm::raw_string_ostream problemStream(problems);
  if (llvm::verifyModule(module, &problemStream))
    return makeError("internal error: the CPU lowering of kernel '" + kernel_name +
                     "' produced invalid IR: " + problems);

  runModulePasses(module, target, [](llvm::PassBuilder &builder) {
    return builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
  });
  if (llvm::Function *optimized = module.getFunction(kernel_name))
    result.local_bytes = staticAllocaBytes(*optimized);
  if (dump::directory()) {
    dump::write(dump_prefix + ".after.ll", printModule(module));
    dumpAssembly(module, target, dump_prefix + ".s");
  }
  return result;
}

} // namespace cuport::cpu
