#include "runtime/core/module_compiler.h"

#include "compiler/fatbin/fatbin.h"
#include "compiler/ptx/parser.h"
#include "support/dump.h"
#include "support/log.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>

namespace cuport::core {
namespace {

std::string archList(const fatbin::Fatbin &fatbin, fatbin::EntryKind kind, const char *prefix) {
  std::vector<uint32_t> archs;
  for (const fatbin::Entry &entry : fatbin.entries)
    if (entry.kind == kind && std::find(archs.begin(), archs.end(), entry.smArch) == archs.end())
      archs.push_back(entry.smArch);
  std::sort(archs.begin(), archs.end());
  std::string list;
  for (uint32_t arch : archs)
    list += (list.empty() ? "" : ", ") + std::string(prefix) + std::to_string(arch);
  return list;
}

// Explains why the fatbinary has nothing this device can run.
void explainNoPtx(const fatbin::Fatbin &fatbin, uint32_t smArch, const std::string &moduleName) {
  std::string ptx = archList(fatbin, fatbin::EntryKind::Ptx, "compute_");
  if (!ptx.empty()) {
    CUPORT_ERROR("%s: the program's fatbinary holds PTX only for %s, newer than the device's "
                 "compute capability %u.%u",
                 moduleName.c_str(), ptx.c_str(), smArch / 10, smArch % 10);
    return;
  }
  std::string sass = archList(fatbin, fatbin::EntryKind::Elf, "sm_");
  if (sass.empty()) {
    CUPORT_ERROR("%s: the program's fatbinary holds no PTX and no SASS", moduleName.c_str());
    return;
  }
  // Suggest the architecture the program was built for, so the rebuilt PTX stays close to it.
  uint32_t builtFor = 0;
  for (const fatbin::Entry &entry : fatbin.entries)
    if (entry.kind == fatbin::EntryKind::Elf)
      builtFor = std::max(builtFor, entry.smArch);
  CUPORT_ERROR("%s: the program's fatbinary holds only SASS for %s; rebuild it with PTX, e.g. "
               "-gencode arch=compute_%u,code=compute_%u",
               moduleName.c_str(), sass.c_str(), builtFor, builtFor);
}

void logDiagnostics(const std::vector<ptx::Diagnostic> &diagnostics, const std::string &file,
                    const char *stage) {
  if (diagnostics.empty())
    CUPORT_ERROR("%s: %s failed without a diagnostic", file.c_str(), stage);
  for (const ptx::Diagnostic &diagnostic : diagnostics)
    CUPORT_ERROR("%s", diagnostic.format(file).c_str());
}

} // namespace

cudaError_t compileFatbin(const void *wrapper, uint32_t smArch, const std::string &moduleName,
                          CompiledModule &out) {
  fatbin::ParseError parseError;
  std::optional<fatbin::Fatbin> fatbin = fatbin::parseWrapper(wrapper, parseError);
  if (!fatbin) {
    CUPORT_ERROR("%s: malformed fatbinary: %s", moduleName.c_str(), parseError.message.c_str());
    return cudaErrorInvalidKernelImage;
  }
  const fatbin::Entry *entry = fatbin::selectPtx(*fatbin, smArch);
  if (!entry) {
    explainNoPtx(*fatbin, smArch, moduleName);
    return cudaErrorNoKernelImageForDevice;
  }

  std::string file = moduleName + ".compute_" + std::to_string(entry->smArch) + ".ptx";
  cuport::dump::write(file, entry->payload);
  CUPORT_DEBUG("%s: compiling PTX for compute_%u (%zu bytes)", moduleName.c_str(), entry->smArch,
               entry->payload.size());

  ptx::ParseResult parsed = ptx::parseModule(entry->payload);
  if (!parsed.module) {
    logDiagnostics(parsed.diagnostics, file, "parsing");
    return cudaErrorInvalidPtx;
  }
  llvm::LLVMContext context;
  lower::LowerResult lowered = lower::lowerModule(*parsed.module, context, moduleName);
  if (!lowered.lowered) {
    logDiagnostics(lowered.diagnostics, file, "lowering");
    return cudaErrorInvalidPtx;
  }
  for (const ptx::Diagnostic &warning : lowered.diagnostics)
    CUPORT_WARN("%s", warning.format(file).c_str());

  llvm::SmallVector<char, 0> buffer;
  {
    llvm::raw_svector_ostream stream(buffer);
    llvm::WriteBitcodeToFile(*lowered.lowered->module, stream);
  }
  out.bitcode.assign(buffer.begin(), buffer.end());
  out.kernels = std::move(lowered.lowered->kernels);
  out.globals = std::move(lowered.lowered->globals);
  out.ptxArch = entry->smArch;
  for (const lower::GlobalInfo &global : out.globals)
    if (global.space == ptx::StateSpace::Const)
      out.constantBytes += global.size;
  for (const ptx::Function &function : parsed.module->functions) {
    if (function.hasBody)
      continue;
    out.usesDeviceHeap |= function.name == "malloc" || function.name == "free";
    out.usesPrintf |= function.name == "vprintf";
  }
  return cudaSuccess;
}

} // namespace cuport::core
