// Stream-ordered allocation: cudaMallocAsync, cudaMallocFromPoolAsync, cudaFreeAsync and the
// memory pools they draw from.
#include "runtime/cudart/memory_common.h"

#include "runtime/core/error_state.h"
#include "runtime/core/memory_pool.h"
#include "support/log.h"

using namespace cuport;
using cudart::onDevice;
using cudart::onStream;

namespace {

core::MemoryPool *poolOf(cudaMemPool_t handle) {
  return reinterpret_cast<core::MemoryPool *>(handle);
}

cudaMemPool_t handleOf(core::MemoryPool &pool) {
  return reinterpret_cast<cudaMemPool_t>(&pool);
}

// Captured stream-ordered allocations would be graph memory nodes, which are not supported: the
// capture is invalidated rather than given an allocation that outlives its graph.
cudaError_t refuseCapture(const char *entry, core::Stream &stream) {
  std::shared_ptr<core::Capture> capture = stream.capture();
  if (!capture)
    return cudaSuccess;
  CUPORT_ERROR("%s during stream capture (graph memory nodes) is not supported", entry);
  capture->invalidate();
  return cudaErrorStreamCaptureUnsupported;
}

cudaError_t mallocFromPool(const char *entry, void **ptr, size_t size, cudaMemPool_t memPool,
                           bool usePool, cudaStream_t stream, bool perThread) {
  cudaError_t result = onStream(stream, perThread, [&](core::Device &device, auto &queue) {
    if (!ptr)
      return cudaErrorInvalidValue;
    if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
      return stuck;
    if (cudaError_t refused = refuseCapture(entry, *queue); refused != cudaSuccess)
      return refused;
    core::MemoryPools &pools = core::memoryPools(device);
    core::MemoryPool *pool = usePool ? poolOf(memPool) : &pools.current();
    if (!pool || !pools.known(pool))
      return cudaErrorInvalidValue;
    if (size == 0) {
      *ptr = nullptr;
      return cudaSuccess;
    }
    return pools.allocate(*pool, size, queue, ptr);
  });
  return core::finishCall(entry, result, "size=%zu pool=%p stream=%p -> %p", size,
                          static_cast<void *>(memPool), static_cast<void *>(stream),
                          ptr && result == cudaSuccess ? *ptr : nullptr);
}

cudaError_t freeAsync(const char *entry, void *devPtr, cudaStream_t stream, bool perThread) {
  cudaError_t result = onStream(stream, perThread, [&](core::Device &device, auto &queue) {
    if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
      return stuck;
    if (!devPtr)
      return cudaSuccess;
    if (cudaError_t refused = refuseCapture(entry, *queue); refused != cudaSuccess)
      return refused;
    cudaError_t error = core::memoryPools(device).free(devPtr, queue);
    if (error != cudaSuccess)
      CUPORT_ERROR("cudaFreeAsync(%p): not a block cudaMallocAsync returned, or freed already",
                   devPtr);
    return error;
  });
  return core::finishCall(entry, result, "devPtr=%p stream=%p", devPtr,
                          static_cast<void *>(stream));
}

// Pools live on device 0, in its memory.
cudaError_t checkDevice(int device) {
  return device == 0 ? cudaSuccess : cudaErrorInvalidDevice;
}

// The CUDA 13 pool queries name a location and an allocation type: only device 0's pinned
// (ordinary device memory) pools exist here.
cudaError_t checkPoolLocation(const cudaMemLocation *location, cudaMemAllocationType type) {
  if (!location)
    return cudaErrorInvalidValue;
  if (type == cudaMemAllocationTypeManaged || location->type != cudaMemLocationTypeDevice) {
    CUPORT_ERROR("memory pools exist for device 0 memory only (location type %d, type %d)",
                 static_cast<int>(location->type), static_cast<int>(type));
    return cudaErrorNotSupported;
  }
  if (type != cudaMemAllocationTypePinned)
    return cudaErrorInvalidValue;
  return checkDevice(location->id);
}

} // namespace

extern "C" {

cudaError_t cudaMallocAsync(void **devPtr, size_t size, cudaStream_t hStream) {
  return mallocFromPool("cudaMallocAsync", devPtr, size, nullptr, false, hStream, false);
}

cudaError_t cudaMallocAsync_ptsz(void **devPtr, size_t size, cudaStream_t hStream) {
  return mallocFromPool("cudaMallocAsync_ptsz", devPtr, size, nullptr, false, hStream, true);
}

cudaError_t cudaMallocFromPoolAsync(void **ptr, size_t size, cudaMemPool_t memPool,
                                    cudaStream_t stream) {
  return mallocFromPool("cudaMallocFromPoolAsync", ptr, size, memPool, true, stream, false);
}

cudaError_t cudaMallocFromPoolAsync_ptsz(void **ptr, size_t size, cudaMemPool_t memPool,
                                         cudaStream_t stream) {
  return mallocFromPool("cudaMallocFromPoolAsync_ptsz", ptr, size, memPool, true, stream, true);
}

cudaError_t cudaFreeAsync(void *devPtr, cudaStream_t hStream) {
  return freeAsync("cudaFreeAsync", devPtr, hStream, false);
}

cudaError_t cudaFreeAsync_ptsz(void *devPtr, cudaStream_t hStream) {
  return freeAsync("cudaFreeAsync_ptsz", devPtr, hStream, true);
}

cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t *memPool, int device) {
  cudaError_t result = !memPool ? cudaErrorInvalidValue : checkDevice(device);
  if (result == cudaSuccess)
    result = onDevice([&](core::Device &found) {
      *memPool = handleOf(core::memoryPools(found).defaultPool());
      return cudaSuccess;
    });
  return core::finishCall("cudaDeviceGetDefaultMemPool", result, "device=%d", device);
}

cudaError_t cudaDeviceGetMemPool(cudaMemPool_t *memPool, int device) {
  cudaError_t result = !memPool ? cudaErrorInvalidValue : checkDevice(device);
  if (result == cudaSuccess)
    result = onDevice([&](core::Device &found) {
      *memPool = handleOf(core::memoryPools(found).current());
      return cudaSuccess;
    });
  return core::finishCall("cudaDeviceGetMemPool", result, "device=%d", device);
}

cudaError_t cudaDeviceSetMemPool(int device, cudaMemPool_t memPool) {
  cudaError_t result = checkDevice(device);
  if (result == cudaSuccess)
    result = onDevice([&](core::Device &found) {
      core::MemoryPools &pools = core::memoryPools(found);
      if (!memPool || !pools.known(poolOf(memPool)))
        return cudaErrorInvalidValue;
      pools.setCurrent(*poolOf(memPool));
      return cudaSuccess;
    });
  return core::finishCall("cudaDeviceSetMemPool", result, "device=%d pool=%p", device,
                          static_cast<void *>(memPool));
}

cudaError_t cudaMemPoolCreate(cudaMemPool_t *memPool, const struct cudaMemPoolProps *poolProps) {
  cudaError_t result = cudaSuccess;
  if (!memPool || !poolProps || poolProps->allocType != cudaMemAllocationTypePinned) {
    result = cudaErrorInvalidValue;
  } else if (poolProps->location.type != cudaMemLocationTypeDevice) {
    CUPORT_ERROR("cudaMemPoolCreate: only device pools are supported (location type %d)",
                 static_cast<int>(poolProps->location.type));
    result = cudaErrorNotSupported;
  } else if (poolProps->location.id != 0) {
    result = cudaErrorInvalidDevice;
  } else if (poolProps->handleTypes != cudaMemHandleTypeNone) {
    CUPORT_ERROR("cudaMemPoolCreate: exportable (IPC) pools are not supported");
    result = cudaErrorNotSupported;
  } else {
    result = onDevice([&](core::Device &found) {
      *memPool = handleOf(core::memoryPools(found).create(poolProps->maxSize));
      return cudaSuccess;
    });
  }
  return core::finishCall("cudaMemPoolCreate", result, "-> %p",
                          memPool && result == cudaSuccess ? static_cast<void *>(*memPool)
                                                           : nullptr);
}

cudaError_t cudaMemPoolDestroy(cudaMemPool_t memPool) {
  cudaError_t result = !memPool ? cudaErrorInvalidValue : onDevice([&](core::Device &found) {
    return core::memoryPools(found).destroy(poolOf(memPool));
  });
  return core::finishCall("cudaMemPoolDestroy", result, "pool=%p", static_cast<void *>(memPool));
}

cudaError_t cudaMemPoolTrimTo(cudaMemPool_t memPool, size_t minBytesToKeep) {
  cudaError_t result = onDevice([&](core::Device &found) {
    if (!memPool || !core::memoryPools(found).known(poolOf(memPool)))
      return cudaErrorInvalidValue;
    poolOf(memPool)->trimTo(minBytesToKeep);
    return cudaSuccess;
  });
  return core::finishCall("cudaMemPoolTrimTo", result, "pool=%p keep=%zu",
                          static_cast<void *>(memPool), minBytesToKeep);
}

cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t memPool, enum cudaMemPoolAttr attr, void *value) {
  cudaError_t result = onDevice([&](core::Device &found) {
    if (!memPool || !value || !core::memoryPools(found).known(poolOf(memPool)))
      return cudaErrorInvalidValue;
    return poolOf(memPool)->setAttribute(attr, value);
  });
  return core::finishCall("cudaMemPoolSetAttribute", result, "pool=%p attr=%d",
                          static_cast<void *>(memPool), static_cast<int>(attr));
}

cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t memPool, enum cudaMemPoolAttr attr, void *value) {
  cudaError_t result = onDevice([&](core::Device &found) {
    if (!memPool || !value || !core::memoryPools(found).known(poolOf(memPool)))
      return cudaErrorInvalidValue;
    return poolOf(memPool)->getAttribute(attr, value);
  });
  return core::finishCall("cudaMemPoolGetAttribute", result, "pool=%p attr=%d",
                          static_cast<void *>(memPool), static_cast<int>(attr));
}

cudaError_t cudaMemGetDefaultMemPool(cudaMemPool_t *memPool, struct cudaMemLocation *location,
                                     enum cudaMemAllocationType type) {
  cudaError_t result = !memPool ? cudaErrorInvalidValue : checkPoolLocation(location, type);
  if (result == cudaSuccess)
    result = onDevice([&](core::Device &found) {
      *memPool = handleOf(core::memoryPools(found).defaultPool());
      return cudaSuccess;
    });
  return core::finishCall("cudaMemGetDefaultMemPool", result, "type=%d", static_cast<int>(type));
}

cudaError_t cudaMemGetMemPool(cudaMemPool_t *memPool, struct cudaMemLocation *location,
                              enum cudaMemAllocationType type) {
  cudaError_t result = !memPool ? cudaErrorInvalidValue : checkPoolLocation(location, type);
  if (result == cudaSuccess)
    result = onDevice([&](core::Device &found) {
      *memPool = handleOf(core::memoryPools(found).current());
      return cudaSuccess;
    });
  return core::finishCall("cudaMemGetMemPool", result, "type=%d", static_cast<int>(type));
}

cudaError_t cudaMemSetMemPool(struct cudaMemLocation *location, enum cudaMemAllocationType type,
                              cudaMemPool_t memPool) {
  cudaError_t result = checkPoolLocation(location, type);
  if (result == cudaSuccess)
    result = onDevice([&](core::Device &found) {
      core::MemoryPools &pools = core::memoryPools(found);
      if (!memPool || !pools.known(poolOf(memPool)))
        return cudaErrorInvalidValue;
      pools.setCurrent(*poolOf(memPool));
      return cudaSuccess;
    });
  return core::finishCall("cudaMemSetMemPool", result, "type=%d pool=%p", static_cast<int>(type),
                          static_cast<void *>(memPool));
}

// Device 0 owns every pool and always has read-write access; no other device exists.
cudaError_t cudaMemPoolSetAccess(cudaMemPool_t memPool, const struct cudaMemAccessDesc *descList,
                                 size_t count) {
  cudaError_t result = onDevice([&](core::Device &found) {
    if (!memPool || !core::memoryPools(found).known(poolOf(memPool)) || (count && !descList))
      return cudaErrorInvalidValue;
    for (size_t i = 0; i < count; ++i) {
      const cudaMemAccessDesc &desc = descList[i];
      if (desc.location.type != cudaMemLocationTypeDevice)
        return cudaErrorInvalidValue;
      if (desc.location.id != 0)
        return cudaErrorInvalidDevice;
      if (desc.flags != cudaMemAccessFlagsProtReadWrite)
        return cudaErrorInvalidValue; // the owning device's access cannot be reduced
    }
    return cudaSuccess;
  });
  return core::finishCall("cudaMemPoolSetAccess", result, "pool=%p count=%zu",
                          static_cast<void *>(memPool), count);
}

cudaError_t cudaMemPoolGetAccess(enum cudaMemAccessFlags *flags, cudaMemPool_t memPool,
                                 struct cudaMemLocation *location) {
  cudaError_t result = onDevice([&](core::Device &found) {
    if (!flags || !location || !memPool || !core::memoryPools(found).known(poolOf(memPool)))
      return cudaErrorInvalidValue;
    if (location->type != cudaMemLocationTypeDevice)
      return cudaErrorInvalidValue;
    if (location->id != 0)
      return cudaErrorInvalidDevice;
    *flags = cudaMemAccessFlagsProtReadWrite;
    return cudaSuccess;
  });
  return core::finishCall("cudaMemPoolGetAccess", result, "pool=%p", static_cast<void *>(memPool));
}

} // extern "C"
