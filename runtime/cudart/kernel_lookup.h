// The kernel an API call names: a host stub address or, since CUDA 12, a cudaKernel_t.
#pragma once

#include "runtime/core/kernel.h"
#include "runtime/core/registry.h"

namespace cuport::cudart {

inline core::Kernel *kernelForFunction(const void *func) {
  if (!func)
    return nullptr;
  core::Kernel *kernel = core::registry().findKernel(func);
  return kernel ? kernel : core::registry().findKernelHandle(func);
}

} // namespace cuport::cudart
