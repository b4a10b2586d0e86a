// Kernel function attributes: cudaFuncGetAttributes, cudaFuncSetAttribute (the opt-in for more
// than 48 KiB of dynamic shared memory), cache and shared-memory configuration, names and
// parameter layout.
#include "runtime/cudart/api.h"

#include "runtime/core/kernel_attributes.h"
#include "runtime/cudart/kernel_lookup.h"
#include "support/log.h"

#include <algorithm>
#include <climits>
#include <cstring>

using namespace cuport;

namespace {

// The kernel `func` names, resolved (its module compiled and loaded).
cudaError_t resolveFunction(const void *func, core::Device *&device, core::Kernel *&kernel,
                            core::ResolvedKernel &resolved) {
  if (cudaError_t error = cudart::registeredKernel(func, device, kernel); error != cudaSuccess)
    return error;
  return kernel->resolve(*device, resolved);
}

} // namespace

extern "C" {

cudaError_t cudaFuncGetAttributes(struct cudaFuncAttributes *attr, const void *func) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  cudaError_t result =
      attr ? resolveFunction(func, device, kernel, resolved) : cudaErrorInvalidValue;
  if (result == cudaSuccess) {
    core::kernelAttributes(*device, *kernel, resolved, *attr);
  }
  return core::finishCall("cudaFuncGetAttributes", result,
                          "func=%p -> shared=%zu local=%zu "
                          "maxThreads=%d maxDynamicShared=%d",
                          func, result == cudaSuccess ? attr->sharedSizeBytes : 0,
                          result == cudaSuccess ? attr->localSizeBytes : 0,
                          result == cudaSuccess ? attr->maxThreadsPerBlock : 0,
                          result == cudaSuccess ? attr->maxDynamicSharedSizeBytes : 0);
}

cudaError_t cudaFuncSetAttribute(const void *func, enum cudaFuncAttribute attr, int value) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  cudaError_t result = resolveFunction(func, device, kernel, resolved);
  if (result == cudaSuccess)
    result = core::setKernelAttribute(*device, *kernel, resolved, attr, value);
  return core::finishCall("cudaFuncSetAttribute", result, "func=%p attr=%d value=%d", func,
                          static_cast<int>(attr), value);
}

cudaError_t cudaKernelSetAttributeForDevice(cudaKernel_t kernelHandle, enum cudaFuncAttribute attr,
                                            int value, int device) {
  core::Device *present = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  cudaError_t result = cudart::device(present);
  if (result == cudaSuccess && device != 0)
    result = cudaErrorInvalidDevice;
  if (result == cudaSuccess) {
    kernel = core::registry().findKernelHandle(kernelHandle);
    result = kernel ? kernel->resolve(*present, resolved) : cudaErrorInvalidDeviceFunction;
  }
  if (result == cudaSuccess)
    result = core::setKernelAttribute(*present, *kernel, resolved, attr, value);
  return core::finishCall("cudaKernelSetAttributeForDevice", result,
                          "kernel=%p attr=%d value=%d device=%d", static_cast<void *>(kernelHandle),
                          static_cast<int>(attr), value, device);
}

cudaError_t cudaFuncSetCacheConfig(const void *func, enum cudaFuncCache cacheConfig) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  cudaError_t result = cudart::registeredKernel(func, device, kernel);
  // A preference for the L1/shared split, which this device does not have: validated and kept.
  if (result == cudaSuccess &&
      (cacheConfig < cudaFuncCachePreferNone || cacheConfig > cudaFuncCachePreferEqual))
    result = cudaErrorInvalidValue;
  if (result == cudaSuccess)
    kernel->cacheConfig.store(cacheConfig);
  return core::finishCall("cudaFuncSetCacheConfig", result, "func=%p cacheConfig=%d", func,
                          static_cast<int>(cacheConfig));
}

cudaError_t cudaFuncSetSharedMemConfig(const void *func, enum cudaSharedMemConfig config) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  cudaError_t result = cudart::registeredKernel(func, device, kernel);
  if (result == cudaSuccess &&
      (config < cudaSharedMemBankSizeDefault || config > cudaSharedMemBankSizeEightByte))
    result = cudaErrorInvalidValue;
  if (result == cudaSuccess)
    kernel->sharedMemConfig.store(config);
  return core::finishCall("cudaFuncSetSharedMemConfig", result, "func=%p config=%d", func,
                          static_cast<int>(config));
}

cudaError_t cudaFuncGetName(const char **name, const void *func) {
  core::Device *device = nullptr;
  cudaError_t result = name ? cudart::device(device) : cudaErrorInvalidValue;
  core::Kernel *kernel = cudart::kernelForFunction(func);
  if (result == cudaSuccess && !kernel)
    result = cudaErrorInvalidDeviceFunction;
  if (result == cudaSuccess)
    *name = kernel->deviceName().c_str();
  return core::finishCall("cudaFuncGetName", result, "func=%p -> %s", func,
                          result == cudaSuccess ? *name : "");
}

cudaError_t cudaFuncGetParamInfo(const void *func, size_t paramIndex, size_t *paramOffset,
                                 size_t *paramSize) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  core::ResolvedKernel resolved;
  cudaError_t result = resolveFunction(func, device, kernel, resolved);
  if (result == cudaSuccess && paramIndex >= resolved.info->params.size()) {
    CUPORT_ERROR("kernel %s has %zu parameters; index %zu asked", kernel->deviceName().c_str(),
                 resolved.info->params.size(), paramIndex);
    result = cudaErrorInvalidValue;
  }
  if (result == cudaSuccess) {
    if (paramOffset)
      *paramOffset = resolved.info->params[paramIndex].offset;
    if (paramSize)
      *paramSize = resolved.info->params[paramIndex].size;
  }
  return core::finishCall("cudaFuncGetParamInfo", result, "func=%p index=%zu", func, paramIndex);
}

} // extern "C"
