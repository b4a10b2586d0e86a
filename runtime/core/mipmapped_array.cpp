#include "runtime/core/mipmapped_array.h"

#include "runtime/core/array.h"
#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/memory.h"
#include "runtime/core/texture_limits.h"
#include "support/log.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace cuport::core {
namespace {

std::mutex liveMipmappedArraysMutex;
std::unordered_set<cudaMipmappedArray_const_t> liveMipmappedArrays;

bool depthIsSpatial(cudaExtent extent, unsigned flags) {
  return !(flags & (cudaArrayLayered | cudaArrayCubemap)) && extent.depth != 0;
}

// The mipmap limits of the 1D and 2D shapes, stricter than those of plain arrays (which
// createArray checks for every shape).
bool withinMipmapLimits(cudaExtent extent, unsigned flags) {
  namespace limits = texture_limits;
  if (flags & (cudaArrayLayered | cudaArrayCubemap) || extent.depth != 0)
    return true;
  if (extent.height == 0)
    return extent.width <= size_t(limits::kTexture1DMipmap);
  return extent.width <= size_t(limits::kTexture2DMipmap[0]) &&
         extent.height <= size_t(limits::kTexture2DMipmap[1]);
}

} // namespace

unsigned maxMipmapLevels(cudaExtent extent, unsigned flags) {
  size_t largest = std::max(extent.width, extent.height);
  if (depthIsSpatial(extent, flags))
    largest = std::max(largest, extent.depth);
  unsigned levels = 1;
  while (largest > 1) {
    largest /= 2;
    ++levels;
  }
  return levels;
}

cudaExtent mipmapLevelExtent(cudaExtent extent, unsigned flags, unsigned level) {
  auto shrink = [level](size_t size) {
    return size == 0 ? 0 : std::max<size_t>(level >= 64 ? 0 : size >> level, 1);
  };
  cudaExtent result = extent;
  result.width = shrink(extent.width);
  result.height = shrink(extent.height);
  if (depthIsSpatial(extent, flags))
    result.depth = shrink(extent.depth);
  return result;
}

cudaError_t createMipmappedArray(Device &device, cudaMipmappedArray_t *array,
                                 const cudaChannelFormatDesc *format, cudaExtent extent,
                                 unsigned numLevels, unsigned flags) {
  if (!array || !format)
    return cudaErrorInvalidValue;
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  *array = nullptr;
  if (!withinMipmapLimits(extent, flags)) {
    CUPORT_ERROR("mipmapped array extent %zux%zux%zu exceeds the device's mipmap limits",
                 extent.width, extent.height, extent.depth);
    return cudaErrorInvalidValue;
  }
  auto created = std::make_unique<cudaMipmappedArray>();
  created->format = *format;
  created->extent = extent;
  created->flags = flags;
  // Level 0 validates the format, flags, shape and plain limits as cudaMalloc3DArray does.
  unsigned levels = std::clamp(numLevels, 1u, extent.width ? maxMipmapLevels(extent, flags) : 1u);
  for (unsigned level = 0; level < levels; ++level) {
    cudaArray_t levelArray = nullptr;
    cudaError_t error =
        createArray(device, &levelArray, format, mipmapLevelExtent(extent, flags, level), flags);
    if (error != cudaSuccess) {
      for (cudaArray_t made : created->levels)
        releaseArray(device, made);
      return error;
    }
    levelArray->mipmapLevel = true;
    created->levels.push_back(levelArray);
  }
  std::lock_guard lock(liveMipmappedArraysMutex);
  *array = created.release();
  liveMipmappedArrays.insert(*array);
  return cudaSuccess;
}

bool isLiveMipmappedArray(cudaMipmappedArray_const_t array) {
  std::lock_guard lock(liveMipmappedArraysMutex);
  return array && liveMipmappedArrays.count(array) != 0;
}

cudaError_t mipmappedArrayLevel(cudaArray_t *level, cudaMipmappedArray_const_t array,
                                unsigned index) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!array || !isLiveMipmappedArray(array))
    return cudaErrorInvalidResourceHandle;
  if (!level)
    return cudaErrorInvalidValue;
  if (index >= array->levels.size()) {
    CUPORT_ERROR("mipmap level %u of a mipmapped array of %zu levels", index, array->levels.size());
    return cudaErrorInvalidValue;
  }
  *level = array->levels[index];
  return cudaSuccess;
}

cudaError_t destroyMipmappedArray(Device &device, cudaMipmappedArray_t array) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  if (!array)
    return cudaSuccess;
  // Like cudaFreeArray: a kernel may still sample the levels.
  cudaError_t pending = synchronizeDevice(device);
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  {
    std::lock_guard lock(liveMipmappedArraysMutex);
    if (liveMipmappedArrays.erase(array) == 0) {
      CUPORT_ERROR("cudaFreeMipmappedArray(%p): not a live mipmapped array",
                   static_cast<void *>(array));
      return cudaErrorInvalidValue;
    }
  }
  cudaError_t result = cudaSuccess;
  for (cudaArray_t level : array->levels)
    if (cudaError_t error = releaseArray(device, level); error != cudaSuccess)
      result = error;
  delete array;
  return result != cudaSuccess ? result : pending;
}

} // namespace cuport::core
