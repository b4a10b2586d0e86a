// Managed memory: cudaMallocManaged, cudaMemPrefetchAsync, cudaMemAdvise,
// cudaMemRangeGetAttribute(s) and cudaStreamAttachMemAsync. Kernels run in the host's address
// space here, so managed memory is coherent for host and device at all times: prefetches, advice
// and attachments move nothing, but they are validated as CUDA validates them, and advice and
// prefetch targets are recorded for cudaMemRangeGetAttribute.
#include "runtime/cudart/memory_common.h"

#include "runtime/core/managed_memory.h"
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
    if (cudaError_t error = checkManagedRange(device, devPtr, count); error != cudaSuccess)
      return error;
    core::managedRanges().update(
        devPtr, count, [&](core::ManagedRangeState &state) { state.lastPrefetch = location; });
    return cudaSuccess;
  });
  return core::finishCall(entry, result, "devPtr=%p count=%zu location=(%d,%d) flags=%#x stream=%p",
                          devPtr, count, static_cast<int>(location.type), location.id, flags,
                          static_cast<void *>(stream));
}

// The old-style location of a range attribute: a device ordinal, cudaCpuDeviceId for the host,
// cudaInvalidDeviceId for none.
int deviceIdOf(const cudaMemLocation &location) {
  switch (location.type) {
  case cudaMemLocationTypeDevice:
    return location.id;
  case cudaMemLocationTypeHost:
  case cudaMemLocationTypeHostNuma:
  case cudaMemLocationTypeHostNumaCurrent:
    return cudaCpuDeviceId;
  default:
    return cudaInvalidDeviceId;
  }
}

bool sameLocation(const cudaMemLocation &a, const cudaMemLocation &b) {
  return a.type == b.type && (a.type != cudaMemLocationTypeDevice || a.id == b.id);
}

// One attribute over the range: a location is reported only when the whole range shares it.
cudaError_t rangeAttribute(void *data, size_t dataSize, cudaMemRangeAttribute attribute,
                           const std::vector<core::ManagedRangeState> &states) {
  if (!data)
    return cudaErrorInvalidValue;
  int *out = static_cast<int *>(data);
  if (attribute == cudaMemRangeAttributeAccessedBy) {
    if (dataSize == 0 || dataSize % sizeof(int))
      return cudaErrorInvalidValue;
    bool device = true, host = true;
    for (const core::ManagedRangeState &state : states) {
      device = device && state.accessedByDevice;
      host = host && state.accessedByHost;
    }
    size_t slots = dataSize / sizeof(int), used = 0;
    for (size_t i = 0; i < slots; ++i)
      out[i] = cudaInvalidDeviceId;
    if (device && used < slots)
      out[used++] = 0;
    if (host && used < slots)
      out[used++] = cudaCpuDeviceId;
    return cudaSuccess;
  }
  if (dataSize != sizeof(int))
    return cudaErrorInvalidValue;
  auto common = [&](cudaMemLocation core::ManagedRangeState::*field) {
    cudaMemLocation first = states.front().*field;
    for (const core::ManagedRangeState &state : states)
      if (!sameLocation(state.*field, first))
        return cudaMemLocation{cudaMemLocationTypeInvalid, 0};
    return first;
  };
  switch (attribute) {
  case cudaMemRangeAttributeReadMostly: {
    bool all = true;
    for (const core::ManagedRangeState &state : states)
      all = all && state.readMostly;
    *out = all ? 1 : 0;
    return cudaSuccess;
  }
  case cudaMemRangeAttributePreferredLocation:
    *out = deviceIdOf(common(&core::ManagedRangeState::preferred));
    return cudaSuccess;
  case cudaMemRangeAttributeLastPrefetchLocation:
    *out = deviceIdOf(common(&core::ManagedRangeState::lastPrefetch));
    return cudaSuccess;
  case cudaMemRangeAttributePreferredLocationType:
    *out = static_cast<int>(common(&core::ManagedRangeState::preferred).type);
    return cudaSuccess;
  case cudaMemRangeAttributePreferredLocationId:
    *out = common(&core::ManagedRangeState::preferred).id;
    return cudaSuccess;
  case cudaMemRangeAttributeLastPrefetchLocationType:
    *out = static_cast<int>(common(&core::ManagedRangeState::lastPrefetch).type);
    return cudaSuccess;
  case cudaMemRangeAttributeLastPrefetchLocationId:
    *out = common(&core::ManagedRangeState::lastPrefetch).id;
    return cudaSuccess;
  default:
    return cudaErrorInvalidValue;
  }
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
  if (result == cudaSuccess) // a new block starts without advice, even where an old one had it
    core::managedRanges().update(*devPtr, size, [](core::ManagedRangeState &state) { state = {}; });
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
    if (cudaError_t error = checkManagedRange(device, devPtr, count); error != cudaSuccess)
      return error;
    // One memory serves host and kernels: no placement to steer, no faults to avoid; the advice
    // is recorded for cudaMemRangeGetAttribute.
    bool onHost = location.type != cudaMemLocationTypeDevice;
    core::managedRanges().update(devPtr, count, [&](core::ManagedRangeState &state) {
      switch (advice) {
      case cudaMemAdviseSetReadMostly:
      case cudaMemAdviseUnsetReadMostly:
        state.readMostly = advice == cudaMemAdviseSetReadMostly;
        break;
      case cudaMemAdviseSetPreferredLocation:
        state.preferred = location;
        break;
      case cudaMemAdviseUnsetPreferredLocation:
        state.preferred = cudaMemLocation{cudaMemLocationTypeInvalid, 0};
        break;
      case cudaMemAdviseSetAccessedBy:
      case cudaMemAdviseUnsetAccessedBy:
        (onHost ? state.accessedByHost : state.accessedByDevice) =
            advice == cudaMemAdviseSetAccessedBy;
        break;
      }
    });
    return cudaSuccess;
  });
  return core::finishCall("cudaMemAdvise", result, "devPtr=%p count=%zu advice=%d location=(%d,%d)",
                          devPtr, count, static_cast<int>(advice), static_cast<int>(location.type),
                          location.id);
}

cudaError_t cudaMemRangeGetAttribute(void *data, size_t dataSize,
                                     enum cudaMemRangeAttribute attribute, const void *devPtr,
                                     size_t count) {
  cudaError_t result = onDevice([&](core::Device &device) {
    if (cudaError_t error = checkManagedRange(device, devPtr, count); error != cudaSuccess)
      return error;
    return rangeAttribute(data, dataSize, attribute, core::managedRanges().query(devPtr, count));
  });
  return core::finishCall("cudaMemRangeGetAttribute", result,
                          "attribute=%d devPtr=%p count=%zu dataSize=%zu",
                          static_cast<int>(attribute), devPtr, count, dataSize);
}

cudaError_t cudaMemRangeGetAttributes(void **data, size_t *dataSizes,
                                      enum cudaMemRangeAttribute *attributes, size_t numAttributes,
                                      const void *devPtr, size_t count) {
  cudaError_t result = onDevice([&](core::Device &device) {
    if (!data || !dataSizes || !attributes || numAttributes == 0)
      return cudaErrorInvalidValue;
    if (cudaError_t error = checkManagedRange(device, devPtr, count); error != cudaSuccess)
      return error;
    std::vector<core::ManagedRangeState> states = core::managedRanges().query(devPtr, count);
    for (size_t i = 0; i < numAttributes; ++i)
      if (cudaError_t error = rangeAttribute(data[i], dataSizes[i], attributes[i], states);
          error != cudaSuccess)
        return error;
    return cudaSuccess;
  });
  return core::finishCall("cudaMemRangeGetAttributes", result,
                          "numAttributes=%zu devPtr=%p count=%zu", numAttributes, devPtr, count);
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
