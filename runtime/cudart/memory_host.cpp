// Page-locked host memory (cudaMallocHost, cudaHostAlloc, cudaHostRegister and friends), what a
// pointer is (cudaPointerGetAttributes) and how much memory is left (cudaMemGetInfo).
#include "runtime/cudart/memory_common.h"

#include "runtime/core/host_memory.h"
#include "runtime/core/memory.h"
#include "support/log.h"

#include <algorithm>
#include <cstdio>

using namespace cuport;
using cudart::onDevice;

namespace {

constexpr unsigned kHostAllocFlags =
    cudaHostAllocPortable | cudaHostAllocMapped | cudaHostAllocWriteCombined;
constexpr unsigned kHostRegisterFlags = cudaHostRegisterPortable | cudaHostRegisterMapped |
                                        cudaHostRegisterIoMemory | cudaHostRegisterReadOnly;

cudaError_t hostAlloc(const char *entry, void **pHost, size_t size, unsigned flags) {
  cudaError_t result = cudaSuccess;
  if (!pHost || (flags & ~kHostAllocFlags))
    result = cudaErrorInvalidValue;
  else
    // Pinned memory belongs to the context: it needs the device like CUDA's does.
    result =
        onDevice([&](core::Device &) { return core::hostMemory().allocate(size, flags, pHost); });
  return core::finishCall(entry, result, "size=%zu flags=%#x -> %p", size, flags,
                          pHost && result == cudaSuccess ? *pHost : nullptr);
}

} // namespace

extern "C" {

cudaError_t cudaMallocHost(void **ptr, size_t size) {
  return hostAlloc("cudaMallocHost", ptr, size, cudaHostAllocDefault);
}

cudaError_t cudaHostAlloc(void **pHost, size_t size, unsigned int flags) {
  return hostAlloc("cudaHostAlloc", pHost, size, flags);
}

cudaError_t cudaFreeHost(void *ptr) {
  cudaError_t result = cudaSuccess;
  if (ptr)
    result = onDevice([&](core::Device &device) {
      // Work queued earlier may still read or write the block.
      cudaError_t pending = core::synchronizeDevice(device);
      cudaError_t released = core::hostMemory().release(ptr);
      return released != cudaSuccess ? released : pending;
    });
  return core::finishCall("cudaFreeHost", result, "ptr=%p", ptr);
}

cudaError_t cudaHostRegister(void *ptr, size_t size, unsigned int flags) {
  cudaError_t result = cudaSuccess;
  if (!ptr || size == 0 || (flags & ~kHostRegisterFlags)) {
    result = cudaErrorInvalidValue;
  } else if (flags & cudaHostRegisterIoMemory) {
    CUPORT_ERROR("cudaHostRegister: cudaHostRegisterIoMemory (device I/O memory) is not supported");
    result = cudaErrorNotSupported;
  } else {
    result = onDevice(
        [&](core::Device &) { return core::hostMemory().registerRange(ptr, size, flags); });
  }
  return core::finishCall("cudaHostRegister", result, "ptr=%p size=%zu flags=%#x", ptr, size,
                          flags);
}

cudaError_t cudaHostUnregister(void *ptr) {
  cudaError_t result = ptr ? onDevice([&](core::Device &device) {
    cudaError_t pending = core::synchronizeDevice(device);
    cudaError_t removed = core::hostMemory().unregisterRange(ptr);
    return removed != cudaSuccess ? removed : pending;
  })
                           : cudaErrorInvalidValue;
  return core::finishCall("cudaHostUnregister", result, "ptr=%p", ptr);
}

cudaError_t cudaHostGetDevicePointer(void **pDevice, void *pHost, unsigned int flags) {
  cudaError_t result = cudaSuccess;
  if (!pDevice || !pHost || flags != 0) {
    result = cudaErrorInvalidValue;
  } else {
    result = onDevice([&](core::Device &device) {
      if (!core::hostMemory().find(pHost))
        return cudaErrorInvalidValue;
      // Kernels run in the host's address space: the mapping is the identity.
      if (!device.info().unified_addressing)
        return cudaErrorNotSupported;
      *pDevice = pHost;
      return cudaSuccess;
    });
  }
  return core::finishCall("cudaHostGetDevicePointer", result, "pHost=%p flags=%#x", pHost, flags);
}

cudaError_t cudaHostGetFlags(unsigned int *pFlags, void *pHost) {
  cudaError_t result = cudaSuccess;
  if (!pFlags || !pHost) {
    result = cudaErrorInvalidValue;
  } else {
    result = onDevice([&](core::Device &device) {
      std::optional<core::HostRange> range = core::hostMemory().find(pHost);
      if (!range || range->registered)
        return cudaErrorInvalidValue;
      // With unified addressing every pinned block is mapped, as CUDA reports it.
      *pFlags = range->flags | (device.info().unified_addressing ? cudaHostAllocMapped : 0u);
      return cudaSuccess;
    });
  }
  return core::finishCall("cudaHostGetFlags", result, "pHost=%p", pHost);
}

cudaError_t cudaPointerGetAttributes(cudaPointerAttributes *attributes, const void *ptr) {
  cudaError_t result = cudaSuccess;
  if (!attributes) {
    result = cudaErrorInvalidValue;
  } else {
    result = onDevice([&](core::Device &device) {
      void *pointer = const_cast<void *>(ptr);
      *attributes = cudaPointerAttributes{};
      attributes->device = 0;
      switch (core::classify(device, ptr)) {
      case core::MemoryKind::Pageable:
        // Memory no device knows; CUDA still reports the address as a host pointer.
        attributes->type = cudaMemoryTypeUnregistered;
        attributes->device = cudaInvalidDeviceId;
        attributes->hostPointer = pointer;
        break;
      case core::MemoryKind::PinnedHost:
        attributes->type = cudaMemoryTypeHost;
        attributes->hostPointer = pointer;
        attributes->devicePointer = device.info().unified_addressing ? pointer : nullptr;
        break;
      case core::MemoryKind::Device:
        attributes->type = cudaMemoryTypeDevice;
        attributes->devicePointer = pointer;
        break;
      case core::MemoryKind::Managed:
        attributes->type = cudaMemoryTypeManaged;
        attributes->devicePointer = pointer;
        attributes->hostPointer = pointer;
        break;
      }
      return cudaSuccess;
    });
  }
  return core::finishCall("cudaPointerGetAttributes", result, "ptr=%p -> type=%d", ptr,
                          attributes && result == cudaSuccess ? static_cast<int>(attributes->type)
                                                              : -1);
}

cudaError_t cudaMemGetInfo(size_t *free, size_t *total) {
  cudaError_t result = cudaSuccess;
  if (!free || !total) {
    result = cudaErrorInvalidValue;
  } else {
    result = onDevice([&](core::Device &device) {
      *total = device.info().total_global_memory;
      *free = core::availableMemory(device);
      return cudaSuccess;
    });
  }
  return core::finishCall("cudaMemGetInfo", result, "-> free=%zu total=%zu",
                          free && result == cudaSuccess ? *free : 0,
                          total && result == cudaSuccess ? *total : 0);
}

} // extern "C"
