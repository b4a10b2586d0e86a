// The kernel an API call names: a host stub address or, since CUDA 12, a cudaKernel_t.
#pragma once

#include "runtime/core/kernel.h"
#include "runtime/core/registry.h"
#include "runtime/cudart/api.h"
#include "support/log.h"

namespace cuport::cudart {

inline core::Kernel *kernelForFunction(const void *func) {
  if (!func)
    return nullptr;
  core::Kernel *kernel = core::registry().findKernel(func);
  return kernel ? kernel : core::registry().findKernelHandle(func);
}

// The device and the registered kernel `func` names; cudaErrorInvalidDeviceFunction when it is
// none.
inline cudaError_t registeredKernel(const void *func, core::Device *&device,
                                    core::Kernel *&kernel) {
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  kernel = kernelForFunction(func);
  if (!kernel) {
    CUPORT_ERROR("%p is not a registered kernel", func);
    return cudaErrorInvalidDeviceFunction;
  }
  return cudaSuccess;
}

} // namespace cuport::cudart
