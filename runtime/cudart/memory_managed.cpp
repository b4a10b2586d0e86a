// Managed memory: cudaMallocManaged, cudaMemPrefetchAsync, cudaMemAdvise and
// cudaStreamAttachMemAsync. Kernels run in the host's address space here, so managed memory is
// coherent for host and device at all times: prefetches, advice and attachments move nothing, but
// they are validated as CUDA validates them and ordered on their stream where CUDA orders them.
#include "runtime/cudart/memory_common.h"

#include "runtime/core/memory.h"
#include "support/log.h"

using namespace cuport;
using cudart::onDevice;
using cudart::onStream;

namespace {

// A location a managed range may be prefetched to or advised about: device 0 or the host.
cudaError_t checkLocation(const cudaMemLocation &location) {
  switch (location.type) {
  case cudaMemLocationTypeDevice:
    return location.id == 0 ? cudaSuccess : cudaErrorInvalidDevice;
  case cudaMemLocationTypeHost:
  case cudaMemLocationTypeHostNumaCurrent:
    return cudaSuccess;
  case cudaMemLocationTypeHostNuma:
    return location.id == 0 ? cudaSuccess : cudaErrorInvalidValue; // one host NUMA node
  default:
    return cudaErrorInvalidValue;
  }
}

// Managed memory (cudaMallocManaged or a __managed__ variable), or pageable host memory, which
// this device accesses directly (pageableMemoryAccess); not cudaMalloc'd device memory.
cudaError_t checkManagedRange(core::Device &device, const void *pointer, size_t count) {
  if (!pointer || count == 0)
    return cudaErrorInvalidValue;
  std::optional<core::Allocation> found = device.allocations().find(pointer);
  if (!found)
    return cudaSuccess;
  if (found->kind != core::AllocationKind::Managed &&
      found->kind != core::AllocationKind::ManagedGlobal)
    return cudaErrorInvalidValue;
  return device.allocations().containsRange(pointer, count) ? cudaSuccess : cudaErrorInvalidValue;
}

cudaError_t prefetch(const char *entry, const void *devPtr, size_t count, cudaMemLocation location,
                     unsigned flags, cudaStream_t stream, bool perThread) {
  cudaError_t result = onStream(stream, perThread, [&](core::Device &device, auto &) {
    if (flags != 0)
      return cudaErrorInvalidValue;
    if (cudaError_t error = checkLocation(location); error != cudaSuccess)
      return error;
    // The data is where every processor reaches it already: nothing to move.
    return checkManagedRange(device, devPtr, count);
  });
  return core::finishCall(entry, result, "devPtr=%p count=%zu location=(%d,%d) flags=%#x stream=%p",
                          devPtr, count, static_cast<int>(location.type), location.id, flags,
                          static_cast<void *>(stream));
}

cudaError_t attach(const char *entry, cudaStream_t stream, void *devPtr, size_t length,
                   unsigned flags, bool perThread) {
  cudaError_t result = onStream(stream, perThread, [&](core::Device &device, auto &queue) {
    if (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost && flags != cudaMemAttachSingle)
      return cudaErrorInvalidValue;
    // Single-stream attachment needs a stream other than the legacy default one.
    if (flags == cudaMemAttachSingle && queue.get() == device.streams().legacy().get())
      return cudaErrorInvalidValue;
    std::optional<core::Allocation> found = device.allocations().find(devPtr);
    if (!devPtr || !found ||
        (found->kind != core::AllocationKind::Managed &&
         found->kind != core::AllocationKind::ManagedGlobal))
      return cudaErrorInvalidValue;
    // Length 0 means the whole allocation; otherwise it must be exactly the whole allocation.
    if (length != 0 &&
        (reinterpret_cast<uintptr_t>(devPtr) != found->base || length != found->size))
      return cudaErrorInvalidValue;
    return cudaSuccess;
  });
  return core::finishCall(entry, result, "stream=%p devPtr=%p length=%zu flags=%#x",
                          static_cast<void *>(stream), devPtr, length, flags);
}

} // namespace

extern "C" {

cudaError_t cudaMallocManaged(void **devPtr, size_t size, unsigned int flags) {
  cudaError_t result = onDevice(
      [&](core::Device &device) { return core::allocateManaged(device, devPtr, size, flags); });
  return core::finishCall("cudaMallocManaged", result, "size=%zu flags=%#x -> %p", size, flags,
                          devPtr && result == cudaSuccess ? *devPtr : nullptr);
}

cudaError_t cudaMemPrefetchAsync(const void *devPtr, size_t count, struct cudaMemLocation location,
                                 unsigned int flags, cudaStream_t stream) {
  return prefetch("cudaMemPrefetchAsync", devPtr, count, location, flags, stream, false);
}

cudaError_t cudaMemPrefetchAsync_ptsz(const void *devPtr, size_t count,
                                      struct cudaMemLocation location, unsigned int flags,
                                      cudaStream_t stream) {
  return prefetch("cudaMemPrefetchAsync_ptsz", devPtr, count, location, flags, stream, true);
}

cudaError_t cudaMemAdvise(const void *devPtr, size_t count, enum cudaMemoryAdvise advice,
                          struct cudaMemLocation location) {
  cudaError_t result = onDevice([&](core::Device &device) {
    switch (advice) {
    case cudaMemAdviseSetReadMostly:
    case cudaMemAdviseUnsetReadMostly:
    case cudaMemAdviseUnsetPreferredLocation:
      break; // the location is ignored for these, as documented
    case cudaMemAdviseSetPreferredLocation:
    case cudaMemAdviseSetAccessedBy:
    case cudaMemAdviseUnsetAccessedBy:
      if (cudaError_t error = checkLocation(location); error != cudaSuccess)
        return error;
      break;
    default:
      return cudaErrorInvalidValue;
    }
    // One memory serves host and kernels: no placement to steer, no faults to avoid.
    return checkManagedRange(device, devPtr, count);
  });
  return core::finishCall("cudaMemAdvise", result, "devPtr=%p count=%zu advice=%d location=(%d,%d)",
                          devPtr, count, static_cast<int>(advice), static_cast<int>(location.type),
                          location.id);
}

cudaError_t cudaStreamAttachMemAsync(cudaStream_t stream, void *devPtr, size_t length,
                                     unsigned int flags) {
  return attach("cudaStreamAttachMemAsync", stream, devPtr, length, flags, false);
}

cudaError_t cudaStreamAttachMemAsync_ptsz(cudaStream_t stream, void *devPtr, size_t length,
                                          unsigned int flags) {
  return attach("cudaStreamAttachMemAsync_ptsz", stream, devPtr, length, flags, true);
}

} // extern "C"
