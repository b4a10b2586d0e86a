// CUDA arrays: cuArrayCreate, cuArray3DCreate, cuArrayDestroy and the descriptor queries, over
// runtime/core's arrays (a CUarray is a cudaArray_t, so both APIs take each other's arrays).
#include "runtime/driver/api.h"
#include "runtime/driver/array_format.h"
#include "runtime/driver/array_handles.h"
#include "runtime/driver/context.h"

#include "runtime/core/array.h"
#include "runtime/core/capture.h"
#include "support/log.h"

using namespace cuport;
using namespace cuport::driver;

namespace {

CUresult createArray(CUarray *handle, CUarray_format format, unsigned channels, cudaExtent extent,
                     unsigned flags) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  cudaChannelFormatDesc desc{};
  if (!toChannelFormat(format, channels, desc))
    return CUDA_ERROR_INVALID_VALUE;
  unsigned runtimeFlags = 0;
  if (CUresult result = toArrayFlags(flags, runtimeFlags); result != CUDA_SUCCESS)
    return result;
  // Allocating is a potentially unsafe call during stream capture.
  if (cudaError_t refused = core::checkUnsafeCall(); refused != cudaSuccess)
    return fromRuntime(refused);
  cudaArray_t array = nullptr;
  cudaError_t error = core::createArray(*device, &array, &desc, extent, runtimeFlags);
  if (error == cudaSuccess)
    *handle = arrayHandle(array);
  return fromRuntime(error);
}

// The live array `handle` names: CUDA_ERROR_INVALID_HANDLE otherwise.
CUresult liveArray(CUarray handle, core::Device *&device) {
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  if (!core::isLiveArray(arrayOf(handle))) {
    CUPORT_ERROR("%p is not a live CUDA array", static_cast<void *>(handle));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return CUDA_SUCCESS;
}

// The array's format in the driver's terms.
CUresult describe(cudaArray_const_t array, CUarray_format &format, unsigned &channels) {
  if (!fromChannelFormat(array->format, format, channels)) {
    CUPORT_ERROR("array %p has a channel format no CUarray_format names",
                 static_cast<const void *>(array));
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  return CUDA_SUCCESS;
}

} // namespace

extern "C" {

CUresult cuArrayCreate(CUarray *pHandle, const CUDA_ARRAY_DESCRIPTOR *pAllocateArray) {
  CUresult result =
      !pHandle || !pAllocateArray
          ? CUDA_ERROR_INVALID_VALUE
          : createArray(pHandle, pAllocateArray->Format, pAllocateArray->NumChannels,
                        cudaExtent{pAllocateArray->Width, pAllocateArray->Height, 0}, 0);
  return finishCall("cuArrayCreate_v2", result, "pAllocateArray=%p -> %p",
                    static_cast<const void *>(pAllocateArray),
                    result == CUDA_SUCCESS ? static_cast<void *>(*pHandle) : nullptr);
}

CUresult cuArray3DCreate(CUarray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pAllocateArray) {
  CUresult result = CUDA_ERROR_INVALID_VALUE;
  if (pHandle && pAllocateArray) {
    const CUDA_ARRAY3D_DESCRIPTOR &d = *pAllocateArray;
    result = createArray(pHandle, d.Format, d.NumChannels, cudaExtent{d.Width, d.Height, d.Depth},
                         d.Flags);
  }
  return finishCall("cuArray3DCreate_v2", result, "pAllocateArray=%p -> %p",
                    static_cast<const void *>(pAllocateArray),
                    result == CUDA_SUCCESS ? static_cast<void *>(*pHandle) : nullptr);
}

CUresult cuArrayDestroy(CUarray hArray) {
  core::Device *device = nullptr;
  CUresult result = liveArray(hArray, device);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::destroyArray(*device, arrayOf(hArray)));
  return finishCall("cuArrayDestroy", result, "hArray=%p", static_cast<void *>(hArray));
}

CUresult cuArrayGetDescriptor(CUDA_ARRAY_DESCRIPTOR *pArrayDescriptor, CUarray hArray) {
  core::Device *device = nullptr;
  CUresult result = pArrayDescriptor ? liveArray(hArray, device) : CUDA_ERROR_INVALID_VALUE;
  CUarray_format format{};
  unsigned channels = 0;
  if (result == CUDA_SUCCESS)
    result = describe(arrayOf(hArray), format, channels);
  if (result == CUDA_SUCCESS) {
    const cudaExtent &extent = arrayOf(hArray)->extent;
    pArrayDescriptor->Width = extent.width;
    pArrayDescriptor->Height = extent.height;
    pArrayDescriptor->Format = format;
    pArrayDescriptor->NumChannels = channels;
  }
  return finishCall("cuArrayGetDescriptor_v2", result, "hArray=%p", static_cast<void *>(hArray));
}

CUresult cuArray3DGetDescriptor(CUDA_ARRAY3D_DESCRIPTOR *pArrayDescriptor, CUarray hArray) {
  core::Device *device = nullptr;
  CUresult result = pArrayDescriptor ? liveArray(hArray, device) : CUDA_ERROR_INVALID_VALUE;
  CUarray_format format{};
  unsigned channels = 0;
  if (result == CUDA_SUCCESS)
    result = describe(arrayOf(hArray), format, channels);
  if (result == CUDA_SUCCESS) {
    const cudaExtent &extent = arrayOf(hArray)->extent;
    pArrayDescriptor->Width = extent.width;
    pArrayDescriptor->Height = extent.height;
    pArrayDescriptor->Depth = extent.depth;
    pArrayDescriptor->Format = format;
    pArrayDescriptor->NumChannels = channels;
    pArrayDescriptor->Flags = arrayOf(hArray)->flags;
  }
  return finishCall("cuArray3DGetDescriptor_v2", result, "hArray=%p", static_cast<void *>(hArray));
}

} // extern "C"
