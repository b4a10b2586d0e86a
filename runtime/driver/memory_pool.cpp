// Stream-ordered allocation through the driver API: cuMemAllocAsync, cuMemAllocFromPoolAsync,
// cuMemFreeAsync (with their _ptsz twins) and the device's default and current pools. The pools
// are runtime/core's, shared with cudaMallocAsync; CUmemoryPool is a core::MemoryPool.
#include "runtime/driver/memory_stream.h"

#include "runtime/core/error_state.h"
#include "runtime/core/memory_pool.h"
#include "support/log.h"

using namespace cuport;
using namespace cuport::driver;

namespace {

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

} // extern "C"
