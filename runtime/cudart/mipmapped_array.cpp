// Mipmapped arrays: cudaMallocMipmappedArray, cudaGetMipmappedArrayLevel and
// cudaFreeMipmappedArray (runtime/core/mipmapped_array.h). Levels are ordinary arrays: the copy,
// info and surface entry points of array.cpp and texture.cpp take them.
#include "runtime/cudart/api.h"

#include "runtime/core/capture.h"
#include "runtime/core/mipmapped_array.h"
#include "support/log.h"

using namespace cuport;

extern "C" {

cudaError_t cudaMallocMipmappedArray(cudaMipmappedArray_t *mipmappedArray,
                                     const struct cudaChannelFormatDesc *desc,
                                     struct cudaExtent extent, unsigned int numLevels,
                                     unsigned int flags) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess)
    result = core::checkUnsafeCall();
  if (result == cudaSuccess)
    result = core::createMipmappedArray(*device, mipmappedArray, desc, extent, numLevels, flags);
  return core::finishCall(
      "cudaMallocMipmappedArray", result,
      "array=%p desc=%p extent=%zux%zux%zu numLevels=%u flags=0x%x -> %p",
      static_cast<void *>(mipmappedArray), static_cast<const void *>(desc), extent.width,
      extent.height, extent.depth, numLevels, flags,
      mipmappedArray && result == cudaSuccess ? static_cast<void *>(*mipmappedArray) : nullptr);
}

cudaError_t cudaGetMipmappedArrayLevel(cudaArray_t *levelArray,
                                       cudaMipmappedArray_const_t mipmappedArray,
                                       unsigned int level) {
  cudaError_t result = core::mipmappedArrayLevel(levelArray, mipmappedArray, level);
  return core::finishCall("cudaGetMipmappedArrayLevel", result, "levelArray=%p array=%p level=%u",
                          static_cast<void *>(levelArray),
                          static_cast<const void *>(mipmappedArray), level);
}

cudaError_t cudaFreeMipmappedArray(cudaMipmappedArray_t mipmappedArray) {
  core::Device *device = nullptr;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess)
    result = core::checkUnsafeCall();
  if (result == cudaSuccess)
    result = core::destroyMipmappedArray(*device, mipmappedArray);
  return core::finishCall("cudaFreeMipmappedArray", result, "array=%p",
                          static_cast<void *>(mipmappedArray));
}

} // extern "C"
