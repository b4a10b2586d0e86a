// Mipmapped arrays: cuMipmappedArrayCreate, cuMipmappedArrayGetLevel and cuMipmappedArrayDestroy
// over runtime/core's (a CUmipmappedArray is a cudaMipmappedArray_t). Levels are ordinary
// arrays: the copies and descriptor queries of array.cpp / array_copy.cpp take them.
#include "runtime/driver/api.h"
#include "runtime/driver/array_format.h"
#include "runtime/driver/array_handles.h"
#include "runtime/driver/context.h"

#include "runtime/core/capture.h"
#include "runtime/core/mipmapped_array.h"
#include "support/log.h"

using namespace cuport;
using namespace cuport::driver;

namespace {

CUresult createMipmappedArray(CUmipmappedArray *handle, const CUDA_ARRAY3D_DESCRIPTOR &d,
                              unsigned levels) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  cudaChannelFormatDesc format{};
  if (!toChannelFormat(d.Format, d.NumChannels, format))
    return CUDA_ERROR_INVALID_VALUE;
  unsigned flags = 0;
  if (CUresult result = toArrayFlags(d.Flags, flags); result != CUDA_SUCCESS)
    return result;
  if (cudaError_t refused = core::checkUnsafeCall(); refused != cudaSuccess)
    return fromRuntime(refused);
  // The level count is clamped into [1, the levels the extent allows], as the runtime does.
  cudaMipmappedArray_t created = nullptr;
  cudaError_t error = core::createMipmappedArray(
      *device, &created, &format, cudaExtent{d.Width, d.Height, d.Depth}, levels, flags);
  if (error == cudaSuccess)
    *handle = mipmappedArrayHandle(created);
  return fromRuntime(error);
}

} // namespace

extern "C" {

CUresult cuMipmappedArrayCreate(CUmipmappedArray *pHandle,
                                const CUDA_ARRAY3D_DESCRIPTOR *pMipmappedArrayDesc,
                                unsigned int numMipmapLevels) {
  CUresult result = !pHandle || !pMipmappedArrayDesc
                        ? CUDA_ERROR_INVALID_VALUE
                        : createMipmappedArray(pHandle, *pMipmappedArrayDesc, numMipmapLevels);
  return finishCall("cuMipmappedArrayCreate", result, "desc=%p numMipmapLevels=%u -> %p",
                    static_cast<const void *>(pMipmappedArrayDesc), numMipmapLevels,
                    result == CUDA_SUCCESS ? static_cast<void *>(*pHandle) : nullptr);
}

CUresult cuMipmappedArrayGetLevel(CUarray *pLevelArray, CUmipmappedArray hMipmappedArray,
                                  unsigned int level) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS) {
    cudaArray_t found = nullptr;
    result = fromRuntime(core::mipmappedArrayLevel(pLevelArray ? &found : nullptr,
                                                   mipmappedArrayOf(hMipmappedArray), level));
    if (result == CUDA_SUCCESS)
      *pLevelArray = arrayHandle(found);
  }
  return finishCall("cuMipmappedArrayGetLevel", result, "hMipmappedArray=%p level=%u -> %p",
                    static_cast<void *>(hMipmappedArray), level,
                    result == CUDA_SUCCESS ? static_cast<void *>(*pLevelArray) : nullptr);
}

CUresult cuMipmappedArrayDestroy(CUmipmappedArray hMipmappedArray) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  if (result == CUDA_SUCCESS && !core::isLiveMipmappedArray(mipmappedArrayOf(hMipmappedArray))) {
    CUPORT_ERROR("%p is not a live mipmapped array", static_cast<void *>(hMipmappedArray));
    result = CUDA_ERROR_INVALID_HANDLE;
  }
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::destroyMipmappedArray(*device, mipmappedArrayOf(hMipmappedArray)));
  return finishCall("cuMipmappedArrayDestroy", result, "hMipmappedArray=%p",
                    static_cast<void *>(hMipmappedArray));
}

} // extern "C"
