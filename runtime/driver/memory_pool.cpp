// Stream-ordered allocation through the driver API: cuMemAllocAsync, cuMemAllocFromPoolAsync,
// cuMemFreeAsync (with their _ptsz twins), the device's default and current pools and created
// pools (cuMemPoolCreate / Destroy / TrimTo / Set/GetAttribute). The pools are runtime/core's,
// shared with cudaMallocAsync; CUmemoryPool is a core::MemoryPool and CUmemPool_attribute numbers
// its attributes as cudaMemPoolAttr does.
#include "runtime/driver/memory_stream.h"

#include "runtime/core/error_state.h"
#include "runtime/core/memory_pool.h"
#include "support/log.h"

using namespace cuport;
using namespace cuport::driver;

namespace {

static_assert(static_cast<int>(CU_MEMPOOL_ATTR_RELEASE_THRESHOLD) ==
              static_cast<int>(cudaMemPoolAttrReleaseThreshold));
static_assert(static_cast<int>(CU_MEMPOOL_ATTR_USED_MEM_HIGH) ==
              static_cast<int>(cudaMemPoolAttrUsedMemHigh));

core::MemoryPool *poolOf(CUmemoryPool handle) {
  return reinterpret_cast<core::MemoryPool *>(handle);
}

CUmemoryPool handleOf(core::MemoryPool &pool) {
  return reinterpret_cast<CUmemoryPool>(&pool);
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

// `pool` null: the device's current pool.
CUresult allocate(const char *entry, CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool,
                  CUstream hStream, bool perThread) {
  void *block = nullptr;
  CUresult result =
      onStream(hStream, perThread, false,
               [&](core::Device &device, const std::shared_ptr<core::Stream> &queue) {
                 // Unlike cudaMallocAsync, a zero-byte request is an error here.
                 if (!dptr || bytesize == 0)
                   return cudaErrorInvalidValue;
                 if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
                   return stuck;
                 if (cudaError_t refused = refuseCapture(entry, *queue); refused != cudaSuccess)
                   return refused;
                 core::MemoryPools &pools = core::memoryPools(device);
                 core::MemoryPool *from = pool ? poolOf(pool) : &pools.current();
                 if (!pools.known(from))
                   return cudaErrorInvalidValue;
                 return pools.allocate(*from, bytesize, queue, &block);
               });
  if (result == CUDA_SUCCESS)
    *dptr = reinterpret_cast<CUdeviceptr>(block);
  return finishCall(entry, result, "bytesize=%zu pool=%p stream=%p -> %p", bytesize,
                    static_cast<void *>(pool), static_cast<void *>(hStream), block);
}

CUresult freeAsync(const char *entry, CUdeviceptr dptr, CUstream hStream, bool perThread) {
  CUresult result =
      onStream(hStream, perThread, false,
               [&](core::Device &device, const std::shared_ptr<core::Stream> &queue) {
                 if (cudaError_t stuck = core::stickyError(); stuck != cudaSuccess)
                   return stuck;
                 if (cudaError_t refused = refuseCapture(entry, *queue); refused != cudaSuccess)
                   return refused;
                 cudaError_t error = core::memoryPools(device).free(pointerOf(dptr), queue);
                 if (error != cudaSuccess)
                   CUPORT_ERROR("%s(%#llx): not a block cuMemAllocAsync returned, or freed "
                                "already",
                                entry, static_cast<unsigned long long>(dptr));
                 return error;
               });
  return finishCall(entry, result, "dptr=%#llx stream=%p", static_cast<unsigned long long>(dptr),
                    static_cast<void *>(hStream));
}

} // namespace

extern "C" {

CUresult cuMemAllocAsync(CUdeviceptr *dptr, size_t bytesize, CUstream hStream) {
  return allocate("cuMemAllocAsync", dptr, bytesize, nullptr, hStream, kLegacy);
}
CUresult cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUstream hStream) {
  return allocate("cuMemAllocAsync_ptsz", dptr, bytesize, nullptr, hStream, kPerThread);
}

CUresult cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool,
                                 CUstream hStream) {
  if (!pool)
    return finishCall("cuMemAllocFromPoolAsync", CUDA_ERROR_INVALID_VALUE, "pool=null");
  return allocate("cuMemAllocFromPoolAsync", dptr, bytesize, pool, hStream, kLegacy);
}
CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool,
                                      CUstream hStream) {
  if (!pool)
    return finishCall("cuMemAllocFromPoolAsync_ptsz", CUDA_ERROR_INVALID_VALUE, "pool=null");
  return allocate("cuMemAllocFromPoolAsync_ptsz", dptr, bytesize, pool, hStream, kPerThread);
}

CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream) {
  return freeAsync("cuMemFreeAsync", dptr, hStream, kLegacy);
}
CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream hStream) {
  return freeAsync("cuMemFreeAsync_ptsz", dptr, hStream, kPerThread);
}

CUresult cuDeviceGetDefaultMemPool(CUmemoryPool *pool_out, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && !pool_out)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && dev != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result == CUDA_SUCCESS)
    *pool_out = handleOf(core::memoryPools(*device).defaultPool());
  return finishCall("cuDeviceGetDefaultMemPool", result, "dev=%d", dev);
}

CUresult cuDeviceGetMemPool(CUmemoryPool *pool, CUdevice dev) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && !pool)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && dev != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result == CUDA_SUCCESS)
    *pool = handleOf(core::memoryPools(*device).current());
  return finishCall("cuDeviceGetMemPool", result, "dev=%d", dev);
}

CUresult cuDeviceSetMemPool(CUdevice dev, CUmemoryPool pool) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && dev != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result == CUDA_SUCCESS && !core::memoryPools(*device).known(poolOf(pool)))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    core::memoryPools(*device).setCurrent(*poolOf(pool));
  return finishCall("cuDeviceSetMemPool", result, "dev=%d pool=%p", dev, static_cast<void *>(pool));
}

CUresult cuMemPoolCreate(CUmemoryPool *pool, const CUmemPoolProps *poolProps) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS &&
      (!pool || !poolProps || poolProps->allocType != CU_MEM_ALLOCATION_TYPE_PINNED))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS && poolProps->location.type != CU_MEM_LOCATION_TYPE_DEVICE) {
    CUPORT_ERROR("cuMemPoolCreate: only device pools are supported (location type %d)",
                 static_cast<int>(poolProps->location.type));
    result = CUDA_ERROR_NOT_SUPPORTED;
  }
  if (result == CUDA_SUCCESS && poolProps->location.id != 0)
    result = CUDA_ERROR_INVALID_DEVICE;
  if (result == CUDA_SUCCESS && poolProps->handleTypes != CU_MEM_HANDLE_TYPE_NONE) {
    CUPORT_ERROR("cuMemPoolCreate: exportable (IPC) pools are not supported");
    result = CUDA_ERROR_NOT_SUPPORTED;
  }
  if (result == CUDA_SUCCESS)
    *pool = handleOf(core::memoryPools(*device).create(poolProps->maxSize));
  return finishCall("cuMemPoolCreate", result, "-> %p",
                    result == CUDA_SUCCESS ? static_cast<void *>(*pool) : nullptr);
}

CUresult cuMemPoolDestroy(CUmemoryPool pool) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::memoryPools(*device).destroy(poolOf(pool)));
  return finishCall("cuMemPoolDestroy", result, "pool=%p", static_cast<void *>(pool));
}

CUresult cuMemPoolTrimTo(CUmemoryPool pool, size_t minBytesToKeep) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && !core::memoryPools(*device).known(poolOf(pool)))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    poolOf(pool)->trimTo(minBytesToKeep);
  return finishCall("cuMemPoolTrimTo", result, "pool=%p keep=%zu", static_cast<void *>(pool),
                    minBytesToKeep);
}

CUresult cuMemPoolSetAttribute(CUmemoryPool pool, CUmemPool_attribute attr, void *value) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && (!value || !core::memoryPools(*device).known(poolOf(pool))))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = fromRuntime(poolOf(pool)->setAttribute(static_cast<cudaMemPoolAttr>(attr), value));
  return finishCall("cuMemPoolSetAttribute", result, "pool=%p attr=%d", static_cast<void *>(pool),
                    static_cast<int>(attr));
}

CUresult cuMemPoolGetAttribute(CUmemoryPool pool, CUmemPool_attribute attr, void *value) {
  core::Device *device = nullptr;
  CUresult result = initializedDevice(device);
  if (result == CUDA_SUCCESS && (!value || !core::memoryPools(*device).known(poolOf(pool))))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = fromRuntime(poolOf(pool)->getAttribute(static_cast<cudaMemPoolAttr>(attr), value));
  return finishCall("cuMemPoolGetAttribute", result, "pool=%p attr=%d", static_cast<void *>(pool),
                    static_cast<int>(attr));
}

} // extern "C"
