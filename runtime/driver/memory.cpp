// Device memory: cuMemAlloc, cuMemAllocPitch, cuMemAllocManaged, cuMemFree, cuMemGetInfo and
// cuMemGetAddressRange, on the device's one allocation registry (memory from either API is the
// same memory).
#include "runtime/driver/memory_stream.h"

#include "runtime/core/memory.h"
#include "support/log.h"

#include <cstdint>

using namespace cuport;
using namespace cuport::driver;

extern "C" {

CUresult cuMemAlloc(CUdeviceptr *dptr, size_t bytesize) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  // Unlike cudaMalloc, a zero-byte request is an error here.
  if (result == CUDA_SUCCESS && (!dptr || bytesize == 0))
    result = CUDA_ERROR_INVALID_VALUE;
  void *block = nullptr;
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::allocate(*device, &block, bytesize));
  if (result == CUDA_SUCCESS)
    *dptr = reinterpret_cast<CUdeviceptr>(block);
  return finishCall("cuMemAlloc_v2", result, "bytesize=%zu -> %p", bytesize, block);
}

CUresult cuMemAllocPitch(CUdeviceptr *dptr, size_t *pPitch, size_t WidthInBytes, size_t Height,
                         unsigned int ElementSizeBytes) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS &&
      (!dptr || !pPitch || WidthInBytes == 0 || Height == 0 ||
       (ElementSizeBytes != 4 && ElementSizeBytes != 8 && ElementSizeBytes != 16)))
    result = CUDA_ERROR_INVALID_VALUE;
  size_t pitch = result == CUDA_SUCCESS ? core::pitchFor(WidthInBytes) : 0;
  if (result == CUDA_SUCCESS && (pitch < WidthInBytes || pitch > SIZE_MAX / Height))
    result = CUDA_ERROR_OUT_OF_MEMORY;
  void *block = nullptr;
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::allocate(*device, &block, pitch * Height));
  if (result == CUDA_SUCCESS) {
    *dptr = reinterpret_cast<CUdeviceptr>(block);
    *pPitch = pitch;
  }
  return finishCall("cuMemAllocPitch_v2", result, "width=%zu height=%zu element=%u -> %p pitch=%zu",
                    WidthInBytes, Height, ElementSizeBytes, block, pitch);
}

CUresult cuMemAllocManaged(CUdeviceptr *dptr, size_t bytesize, unsigned int flags) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS &&
      (!dptr || bytesize == 0 || (flags != CU_MEM_ATTACH_GLOBAL && flags != CU_MEM_ATTACH_HOST)))
    result = CUDA_ERROR_INVALID_VALUE;
  void *block = nullptr;
  // CU_MEM_ATTACH_GLOBAL / _HOST are cudaMemAttachGlobal / cudaMemAttachHost.
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::allocateManaged(*device, &block, bytesize, flags));
  if (result == CUDA_SUCCESS)
    *dptr = reinterpret_cast<CUdeviceptr>(block);
  return finishCall("cuMemAllocManaged", result, "bytesize=%zu flags=%#x -> %p", bytesize, flags,
                    block);
}

CUresult cuMemFree(CUdeviceptr dptr) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::release(*device, pointerOf(dptr)));
  return finishCall("cuMemFree_v2", result, "dptr=%#llx", static_cast<unsigned long long>(dptr));
}

CUresult cuMemGetInfo(size_t *free, size_t *total) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && (!free || !total))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS) {
    *total = device->info().total_global_memory;
    *free = core::availableMemory(*device);
  }
  return finishCall("cuMemGetInfo_v2", result, "-> free=%zu total=%zu",
                    result == CUDA_SUCCESS ? *free : 0, result == CUDA_SUCCESS ? *total : 0);
}

CUresult cuMemGetAddressRange(CUdeviceptr *pbase, size_t *psize, CUdeviceptr dptr) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  std::optional<core::Allocation> range;
  if (result == CUDA_SUCCESS) {
    range = device->allocations().find(pointerOf(dptr));
    if (!range)
      result = CUDA_ERROR_NOT_FOUND;
  }
  if (result == CUDA_SUCCESS) {
    // Either output may be null.
    if (pbase)
      *pbase = static_cast<CUdeviceptr>(range->base);
    if (psize)
      *psize = range->size;
  }
  return finishCall("cuMemGetAddressRange_v2", result, "dptr=%#llx",
                    static_cast<unsigned long long>(dptr));
}

} // extern "C"
