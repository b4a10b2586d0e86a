#include "runtime/core/kernel.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/module.h"
#include "support/log.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace cuport::core {

cudaError_t Kernel::resolve(Device &device, ResolvedKernel &out) {
  if (cudaError_t error = owner.load(device); error != cudaSuccess)
    return error;
  std::lock_guard<std::mutex> lock(mutex);
  if (resolvedGeneration != device.generation()) {
    ResolvedKernel fresh;
    fresh.info = owner.findKernel(name);
    if (!fresh.info) {
      CUPORT_ERROR("%s has no kernel named %s", owner.name().c_str(), name.c_str());
      return cudaErrorInvalidDeviceFunction;
    }
    const cuport_backend &backend = device.backend();
    cuport_status status = backend.module_get_kernel(device.self(), owner.backendModule(),
                                                     name.c_str(), &fresh.handle);
    if (status == CUPORT_OK)
      status = backend.kernel_get_attributes(device.self(), fresh.handle, &fresh.attributes);
    if (status != CUPORT_OK) {
      CUPORT_ERROR("backend %s cannot prepare kernel %s (status %d)", backend.name, name.c_str(),
                   static_cast<int>(status));
      return errorFromStatus(status);
    }
    resolved = fresh;
    resolvedGeneration = device.generation();
  }
  out = resolved;
  return cudaSuccess;
}

uint64_t dynamicSharedLimit(const Kernel &kernel, uint64_t staticSharedBytes) {
  int optIn = kernel.maxDynamicSharedBytes.load(std::memory_order_relaxed);
  if (optIn >= 0)
    return static_cast<uint64_t>(optIn);
  return staticSharedBytes >= kDefaultDynamicSharedLimit
             ? 0
             : kDefaultDynamicSharedLimit - staticSharedBytes;
}

uint32_t maxThreadsPerBlock(const cuport_device_info &info, const ResolvedKernel &resolved) {
  uint32_t limit = info.max_threads_per_block;
  if (resolved.attributes.max_threads_per_block != 0)
    limit = std::min(limit, resolved.attributes.max_threads_per_block);
  if (resolved.info)
    for (const std::array<uint32_t, 3> &bound : {resolved.info->reqntid, resolved.info->maxntid})
      if (bound[0] != 0) {
        uint64_t threads =
            uint64_t{bound[0]} * std::max<uint32_t>(bound[1], 1) * std::max<uint32_t>(bound[2], 1);
        limit = static_cast<uint32_t>(std::min<uint64_t>(limit, threads));
      }
  return limit;
}

uint64_t staticSharedBytes(const ResolvedKernel &resolved) {
  uint64_t fromBackend = resolved.attributes.static_shared_bytes;
  uint64_t fromPtx = resolved.info ? resolved.info->staticSharedBytes : 0;
  return fromBackend > fromPtx ? fromBackend : fromPtx;
}

cudaError_t buildParameterBuffer(const lower::KernelInfo &info, void **args,
                                 std::vector<uint8_t> &buffer) {
  buffer.assign(info.paramBufferSize, 0);
  if (info.params.empty())
    return cudaSuccess;
  if (!args) {
    CUPORT_ERROR("kernel %s takes %zu parameters but no arguments were given", info.name.c_str(),
                 info.params.size());
    return cudaErrorInvalidValue;
  }
  for (size_t i = 0; i < info.params.size(); ++i) {
    const lower::KernelParam &param = info.params[i];
    if (!args[i]) {
      CUPORT_ERROR("kernel %s: argument %zu is a null pointer", info.name.c_str(), i);
      return cudaErrorInvalidValue;
    }
    if (param.offset > buffer.size() || param.size > buffer.size() - param.offset) {
      CUPORT_ERROR("kernel %s: parameter %zu lies outside the %u-byte parameter buffer",
                   info.name.c_str(), i, info.paramBufferSize);
      return cudaErrorInvalidValue;
    }
    std::memcpy(buffer.data() + param.offset, args[i], param.size);
  }
  return cudaSuccess;
}

} // namespace cuport::core
