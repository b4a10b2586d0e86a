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
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace cuport::core {
namespace {

// Logs a diagnostic and appends it to the caller's log, when there is one.
__attribute__((format(printf, 2, 3))) void report(std::string *log, const char *format, ...) {
  char message[2048];
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  CUPORT_ERROR("%s", message);
  if (log)
    *log += std::string(message) + "\n";
}

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
void explainNoPtx(const fatbin::Fatbin &fatbin, uint32_t smArch, const std::string &moduleName,
                  std::string *log) {
  std::string ptx = archList(fatbin, fatbin::EntryKind::Ptx, "compute_");
  if (!ptx.empty()) {
    report(log,
           "%s: the program's fatbinary holds PTX only for %s, newer than the device's "
           "compute capability %u.%u",
           moduleName.c_str(), ptx.c_str(), smArch / 10, smArch % 10);
    return;
  }
  std::string sass = archList(fatbin, fatbin::EntryKind::Elf, "sm_");
  if (sass.empty()) {
    report(log, "%s: the program's fatbinary holds no PTX and no SASS", moduleName.c_str());
    return;
  }
  // Suggest the architecture the program was built for, so the rebuilt PTX stays close to it.
  uint32_t builtFor = 0;
  for (const fatbin::Entry &entry : fatbin.entries)
    if (entry.kind == fatbin::EntryKind::Elf)
      builtFor = std::max(builtFor, entry.smArch);
  report(log,
         "%s: the program's fatbinary holds only SASS for %s; rebuild it with PTX, e.g. "
         "-gencode arch=compute_%u,code=compute_%u",
         moduleName.c_str(), sass.c_str(), builtFor, builtFor);
}

void logDiagnostics(const std::vector<ptx::Diagnostic> &diagnostics, const std::string &file,
                    const char *stage, std::string *log) {
  if (diagnostics.empty())
    report(log, "%s: %s failed without a diagnostic", file.c_str(), stage);
  for (const ptx::Diagnostic &diagnostic : diagnostics)
    report(log, "%s", diagnostic.format(file).c_str());
}

// The architecture of the module's .target (90 for sm_90 or sm_90a); 0 when it names none.
uint32_t targetArch(const ptx::Module &module) {
  for (const std::string &target : module.targets) {
    unsigned arch = 0;
    if (std::sscanf(target.c_str(), "sm_%u", &arch) == 1)
      return arch;
  }
  return 0;
}

// Turns `ptx` into `out`; `file` names it in diagnostics and dumps. `fixedArch` is the fatbinary
// entry's architecture, or 0 to take it from the .target (which must not exceed `targetArch`).
cudaError_t compileText(const std::string &ptx, const std::string &file, uint32_t fixedArch,
                        uint32_t targetLimit, const std::string &moduleName, CompiledModule &out,
                        std::string *log) {
  ptx::ParseResult parsed = ptx::parseModule(ptx);
  if (!parsed.module) {
    logDiagnostics(parsed.diagnostics, file, "parsing", log);
    return cudaErrorInvalidPtx;
  }
  uint32_t arch = fixedArch ? fixedArch : targetArch(*parsed.module);
  if (!fixedArch && arch > targetLimit) {
    report(log, "%s: the PTX targets sm_%u, above the JIT target sm_%u", file.c_str(), arch,
           targetLimit);
    return cudaErrorInvalidPtx;
  }
  llvm::LLVMContext context;
  lower::LowerResult lowered = lower::lowerModule(*parsed.module, context, moduleName);
  if (!lowered.lowered) {
    logDiagnostics(lowered.diagnostics, file, "lowering", log);
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
  out.ptxArch = arch;
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

} // namespace

cudaError_t compileFatbin(const void *wrapper, uint32_t smArch, const std::string &moduleName,
                          CompiledModule &out, std::string *log) {
  fatbin::ParseError parseError;
  std::optional<fatbin::Fatbin> fatbin = fatbin::parseWrapper(wrapper, parseError);
  if (!fatbin) {
    report(log, "%s: malformed fatbinary: %s", moduleName.c_str(), parseError.message.c_str());
    return cudaErrorInvalidKernelImage;
  }
  const fatbin::Entry *entry = fatbin::selectPtx(*fatbin, smArch);
  if (!entry) {
    explainNoPtx(*fatbin, smArch, moduleName, log);
    return cudaErrorNoKernelImageForDevice;
  }

  std::string file = moduleName + ".compute_" + std::to_string(entry->smArch) + ".ptx";
  cuport::dump::write(file, entry->payload);
  CUPORT_DEBUG("%s: compiling PTX for compute_%u (%zu bytes)", moduleName.c_str(), entry->smArch,
               entry->payload.size());
  return compileText(entry->payload, file, entry->smArch, smArch, moduleName, out, log);
}

cudaError_t ptxOfImage(const void *image, uint32_t smArch, const std::string &moduleName,
                       std::string &ptx, std::string *log) {
  const auto *bytes = static_cast<const unsigned char *>(image);
  uint32_t magic = 0;
  std::memcpy(&magic, bytes, sizeof magic);
  if (std::memcmp(bytes,
                  "\x7f"
                  "ELF",
                  4) == 0) {
    report(log,
           "%s: the image is an ELF cubin, which holds machine code for a GPU and no PTX; load "
           "PTX (nvcc -ptx) or a fatbinary that holds PTX",
           moduleName.c_str());
    return cudaErrorNoKernelImageForDevice;
  }
  if (magic != fatbin::kWrapperMagic && magic != fatbin::kContainerMagic) {
    ptx = reinterpret_cast<const char *>(bytes); // PTX text, NUL-terminated
    return cudaSuccess;
  }
  fatbin::ParseError parseError;
  std::optional<fatbin::Fatbin> fatbin = magic == fatbin::kWrapperMagic
                                             ? fatbin::parseWrapper(image, parseError)
                                             : fatbin::parseContainerAt(image, parseError);
  if (!fatbin) {
    report(log, "%s: malformed fatbinary: %s", moduleName.c_str(), parseError.message.c_str());
    return cudaErrorInvalidKernelImage;
  }
  const fatbin::Entry *entry = fatbin::selectPtx(*fatbin, smArch);
  if (!entry) {
    explainNoPtx(*fatbin, smArch, moduleName, log);
    return cudaErrorNoKernelImageForDevice;
  }
  ptx = entry->payload;
  return cudaSuccess;
}

cudaError_t compilePtx(const std::string &ptx, uint32_t targetArch, const std::string &moduleName,
                       CompiledModule &out, std::string *log) {
  std::string file = moduleName + ".ptx";
  cuport::dump::write(file, ptx);
  CUPORT_DEBUG("%s: compiling PTX (%zu bytes)", moduleName.c_str(), ptx.size());
  return compileText(ptx, file, 0, targetArch, moduleName, out, log);
}

} // namespace cuport::core
