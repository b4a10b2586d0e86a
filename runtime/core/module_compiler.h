// Turns the fatbinary a program registered into what a backend loads: the best PTX entry for the
// device, parsed and lowered to cuport's kernel IR, written as bitcode. Every failure is logged
// with its cause and returned as the cudaError_t CUDA gives for it.
#pragma once

#include "compiler/lower/lower.h"

#include <cstdint>
#include <string>
#include <vector>

#include <driver_types.h>

namespace cuport::core {

struct CompiledModule {
  std::vector<char> bitcode;
  std::vector<lower::KernelInfo> kernels;
  std::vector<lower::GlobalInfo> globals;
  uint32_t ptxArch = 0; // the virtual architecture the PTX was compiled for (75 for compute_75)
  uint64_t constantBytes = 0;  // the module's .const variables
  bool usesDeviceHeap = false; // declares malloc or free
  bool usesPrintf = false;     // declares vprintf
};

// `moduleName` names the module in diagnostics and dumps ("module-1"). On success returns
// cudaSuccess and fills `out`; otherwise cudaErrorInvalidKernelImage (malformed fatbinary),
// cudaErrorNoKernelImageForDevice (no usable PTX) or cudaErrorInvalidPtx (PTX that does not parse
// or lower). Every diagnostic is logged and, when `log` is given, appended to it, one per line.
cudaError_t compileFatbin(const void *wrapper, uint32_t smArch, const std::string &moduleName,
                          CompiledModule &out, std::string *log = nullptr);

// The PTX text of a driver API image (cuModuleLoadData, cuModuleLoadFatBinary): PTX text itself
// (NUL-terminated), a fatbinary wrapper or a fatbinary container (its best PTX for `smArch`, as
// registration picks it). An ELF cubin holds no PTX: cudaErrorNoKernelImageForDevice, as for a
// fatbinary without usable PTX; a malformed fatbinary is cudaErrorInvalidKernelImage.
cudaError_t ptxOfImage(const void *image, uint32_t smArch, const std::string &moduleName,
                       std::string &ptx, std::string *log = nullptr);

// Parses and lowers `ptx`. Its .target must not be above `targetArch` (the JIT target;
// cudaErrorInvalidPtx otherwise); `out.ptxArch` is the .target's architecture.
cudaError_t compilePtx(const std::string &ptx, uint32_t targetArch, const std::string &moduleName,
                       CompiledModule &out, std::string *log = nullptr);

} // namespace cuport::core
