// Kernel function attributes: cudaFuncGetAttributes, cudaFuncSetAttribute (the opt-in for more
// than 48 KiB of dynamic shared memory), cache and shared-memory configuration, names and
// parameter layout.
#include "runtime/cudart/api.h"

#include "runtime/core/module.h"
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

cudaError_t setAttribute(core::Device &device, core::Kernel &kernel,
                         const core::ResolvedKernel &resolved, cudaFuncAttribute attribute,
                         int value) {
  switch (attribute) {
  case cudaFuncAttributeMaxDynamicSharedMemorySize: {
    uint64_t staticShared = core::staticSharedBytes(resolved);
    uint64_t optIn = device.info().max_shared_memory_per_block;
    uint64_t most = optIn > staticShared ? optIn - staticShared : 0;
    if (value < 0 || static_cast<uint64_t>(value) > most) {
      CUPORT_ERROR("kernel %s: %d bytes of dynamic shared memory asked; with %llu static, at most "
                   "%llu",
                   kernel.deviceName().c_str(), value,
                   static_cast<unsigned long long>(staticShared),
                   static_cast<unsigned long long>(most));
      return cudaErrorInvalidValue;
    }
    kernel.maxDynamicSharedBytes.store(value);
    return cudaSuccess;
  }
  case cudaFuncAttributePreferredSharedMemoryCarveout:
    // A hint for the L1/shared split: this device has no such split to tune.
    if (value < cudaSharedmemCarveoutDefault || value > cudaSharedmemCarveoutMaxShared)
      return cudaErrorInvalidValue;
    kernel.preferredSharedCarveout.store(value);
    return cudaSuccess;
  case cudaFuncAttributeRequiredClusterWidth:
  case cudaFuncAttributeRequiredClusterHeight:
  case cudaFuncAttributeRequiredClusterDepth: {
    if (value < 0)
      return cudaErrorInvalidValue;
    if (value > 1) {
      CUPORT_ERROR("kernel %s: clusters of %d blocks are not supported on this device",
                   kernel.deviceName().c_str(), value);
      return cudaErrorNotSupported;
    }
    int axis = attribute - cudaFuncAttributeRequiredClusterWidth;
    kernel.requiredClusterDim[axis].store(value);
    return cudaSuccess;
  }
  case cudaFuncAttributeNonPortableClusterSizeAllowed:
    if (value != 0 && value != 1)
      return cudaErrorInvalidValue;
    kernel.nonPortableClusterSizeAllowed.store(value);
    return cudaSuccess;
  case cudaFuncAttributeClusterSchedulingPolicyPreference:
    if (value < cudaClusterSchedulingPolicyDefault ||
        value > cudaClusterSchedulingPolicyLoadBalancing)
      return cudaErrorInvalidValue;
    kernel.clusterSchedulingPolicy.store(value);
    return cudaSuccess;
  default:
    // cudaFuncAttributeClusterDimMustBeSet is read-only; anything else is no attribute.
    CUPORT_ERROR("cudaFuncSetAttribute: attribute %d cannot be set", static_cast<int>(attribute));
    return cudaErrorInvalidValue;
  }
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
    std::memset(attr, 0, sizeof *attr);
    uint64_t staticShared = core::staticSharedBytes(resolved);
    attr->sharedSizeBytes = staticShared;
    attr->constSizeBytes = kernel->module().constantBytes();
    attr->localSizeBytes = resolved.attributes.local_bytes_per_thread;
    attr->maxThreadsPerBlock = static_cast<int>(core::maxThreadsPerBlock(device->info(), resolved));
    attr->numRegs = static_cast<int>(resolved.attributes.num_regs);
    // The virtual architecture (75 for compute_75), not the PTX ISA version: CUB picks its tuning
    // policies by it, and a policy for another architecture has no kernels in the program.
    attr->ptxVersion = static_cast<int>(kernel->module().ptxArch());
    // The kernel runs as code compiled from that PTX for this device.
    attr->binaryVersion = static_cast<int>(device->smArch());
    attr->maxDynamicSharedSizeBytes = static_cast<int>(
        std::min<uint64_t>(core::dynamicSharedLimit(*kernel, staticShared), INT_MAX));
    attr->preferredShmemCarveout = kernel->preferredSharedCarveout.load();
    attr->requiredClusterWidth = kernel->requiredClusterDim[0].load();
    attr->requiredClusterHeight = kernel->requiredClusterDim[1].load();
    attr->requiredClusterDepth = kernel->requiredClusterDim[2].load();
    attr->clusterSchedulingPolicyPreference = kernel->clusterSchedulingPolicy.load();
    attr->nonPortableClusterSizeAllowed = kernel->nonPortableClusterSizeAllowed.load();
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
    result = setAttribute(*device, *kernel, resolved, attr, value);
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
    result = setAttribute(*present, *kernel, resolved, attr, value);
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
