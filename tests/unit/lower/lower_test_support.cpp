#include "lower_test_support.h"

#include "compiler/ptx/parser.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/TargetSelect.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cuport::lower::test {
namespace {

thread_local ThreadGeometry gGeometry;

uint32_t tidX() {
  return gGeometry.tid[0];
}
uint32_t tidY() {
  return gGeometry.tid[1];
}
uint32_t tidZ() {
  return gGeometry.tid[2];
}
uint32_t ntidX() {
  return gGeometry.ntid[0];
}
uint32_t ntidY() {
  return gGeometry.ntid[1];
}
uint32_t ntidZ() {
  return gGeometry.ntid[2];
}
uint32_t ctaidX() {
  return gGeometry.ctaid[0];
}
uint32_t ctaidY() {
  return gGeometry.ctaid[1];
}
uint32_t ctaidZ() {
  return gGeometry.ctaid[2];
}
uint32_t nctaidX() {
  return gGeometry.nctaid[0];
}
uint32_t nctaidY() {
  return gGeometry.nctaid[1];
}
uint32_t nctaidZ() {
  return gGeometry.nctaid[2];
}
uint32_t laneId() {
  return gGeometry.tid[0] % 32;
}
void barSync(int32_t id, int32_t count) {
  recordedBarriers().push_back({id, count});
}

} // namespace

std::vector<BarrierCall> &recordedBarriers() {
  static std::vector<BarrierCall> calls;
  return calls;
}

std::string readInput(const std::string &name) {
  std::ifstream file(std::string(CUPORT_LOWER_INPUTS) + "/" + name, std::ios::binary);
  if (!file)
    throw std::runtime_error("cannot open input " + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

const KernelInfo *Lowered::kernel(const std::string &name) const {
  if (!module)
    return nullptr;
  for (const KernelInfo &info : module->kernels)
    if (info.name == name)
      return &info;
  return nullptr;
}

Lowered lowerText(const std::string &ptx) {
  Lowered lowered;
  lowered.context = std::make_unique<llvm::LLVMContext>();
  ptx::ParseResult parsed = ptx::parseModule(ptx);
  for (const ptx::Diagnostic &diagnostic : parsed.diagnostics)
    lowered.diagnostics.push_back(diagnostic.format("ptx"));
  if (!parsed.module)
    return lowered;
  LowerResult result = lowerModule(*parsed.module, *lowered.context, "test");
  for (const ptx::Diagnostic &diagnostic : result.diagnostics)
    lowered.diagnostics.push_back(diagnostic.format("ptx"));
  lowered.module = std::move(result.lowered);
  return lowered;
}

Jit::Jit(Lowered &lowered) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  if (!lowered.module)
    throw std::runtime_error("nothing lowered");
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit)
    throw std::runtime_error(llvm::toString(jit.takeError()));
  jit_ = std::move(*jit);
  auto &dylib = jit_->getMainJITDylib();
  llvm::orc::SymbolMap symbols;
  auto add = [&](const char *name, auto *function) {
    symbols[jit_->mangleAndIntern(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                            llvm::JITSymbolFlags::Exported |
                                                llvm::JITSymbolFlags::Callable};
  };
  add("cuport.tid.x", &tidX);
  add("cuport.tid.y", &tidY);
  add("cuport.tid.z", &tidZ);
  add("cuport.ntid.x", &ntidX);
  add("cuport.ntid.y", &ntidY);
  add("cuport.ntid.z", &ntidZ);
  add("cuport.ctaid.x", &ctaidX);
  add("cuport.ctaid.y", &ctaidY);
  add("cuport.ctaid.z", &ctaidZ);
  add("cuport.nctaid.x", &nctaidX);
  add("cuport.nctaid.y", &nctaidY);
  add("cuport.nctaid.z", &nctaidZ);
  add("cuport.laneid", &laneId);
  add("cuport.bar.sync", &barSync);
  // Data the module declares but does not define (the dynamic shared area) gets a host buffer.
  for (const llvm::GlobalVariable &global : lowered.module->module->globals()) {
    if (!global.isDeclaration())
      continue;
    externalData_.push_back(std::make_unique<std::array<uint8_t, 65536>>());
    symbols[jit_->mangleAndIntern(global.getName())] = {
        llvm::orc::ExecutorAddr::fromPtr(externalData_.back()->data()),
        llvm::JITSymbolFlags::Exported};
  }
  if (auto error = dylib.define(llvm::orc::absoluteSymbols(std::move(symbols))))
    throw std::runtime_error(llvm::toString(std::move(error)));
  // libm and compiler-rt helpers (sqrtf, exp2f, __extendhfsf2, ...) come from this process.
  dylib.addGenerator(llvm::cantFail(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      jit_->getDataLayout().getGlobalPrefix())));
  llvm::orc::ThreadSafeModule module(std::move(lowered.module->module),
                                     llvm::orc::ThreadSafeContext(std::move(lowered.context)));
  if (auto error = jit_->addIRModule(std::move(module)))
    throw std::runtime_error(llvm::toString(std::move(error)));
}

Jit::~Jit() = default;

void *Jit::function(const std::string &name) {
  auto symbol = jit_->lookup(name);
  if (!symbol)
    throw std::runtime_error(llvm::toString(symbol.takeError()));
  return symbol->toPtr<void *>();
}

void Jit::launch(const std::string &kernel, std::vector<uint8_t> &params,
                 std::array<uint32_t, 3> grid, std::array<uint32_t, 3> block) {
  auto *entry = reinterpret_cast<void (*)(void *)>(function(kernel));
  gGeometry.ntid = block;
  gGeometry.nctaid = grid;
  for (uint32_t bz = 0; bz < grid[2]; ++bz)
    for (uint32_t by = 0; by < grid[1]; ++by)
      for (uint32_t bx = 0; bx < grid[0]; ++bx)
        for (uint32_t tz = 0; tz < block[2]; ++tz)
          for (uint32_t ty = 0; ty < block[1]; ++ty)
            for (uint32_t tx = 0; tx < block[0]; ++tx) {
              gGeometry.ctaid = {bx, by, bz};
              gGeometry.tid = {tx, ty, tz};
              entry(params.data());
            }
}

} // namespace cuport::lower::test
