// Mipmapped arrays (cudaMallocMipmappedArray, cudaGetMipmappedArrayLevel, cudaFreeMipmappedArray):
// a chain of ordinary CUDA arrays, one per level, each half the extent of the one before (floor,
// at least 1) in its spatial dimensions; layers and cubemap faces stay. Levels are live arrays, so
// copies, cudaArrayGetInfo and surface objects take them like any other array.
#pragma once

#include <cstddef>
#include <vector>

#include <driver_types.h>

// cudaMipmappedArray_t is `struct cudaMipmappedArray *`; NVIDIA's headers leave it opaque.
struct cudaMipmappedArray {
  cudaChannelFormatDesc format{};
  cudaExtent extent{}; // level 0, as the program gave it
  unsigned flags = 0;
  std::vector<cudaArray_t> levels;
};

namespace cuport::core {

class Device;

// The most levels an extent allows: 1 + floor(log2) of its largest spatial dimension (a layered
// array's depth counts layers, a cubemap's faces: neither shrinks).
unsigned maxMipmapLevels(cudaExtent extent, unsigned flags);
// The extent of level `level` as cudaArrayGetInfo reports it (absent dimensions stay 0).
cudaExtent mipmapLevelExtent(cudaExtent extent, unsigned flags, unsigned level);

// `numLevels` is clamped to [1, maxMipmapLevels] as the runtime API documents.
cudaError_t createMipmappedArray(Device &device, cudaMipmappedArray_t *array,
                                 const cudaChannelFormatDesc *format, cudaExtent extent,
                                 unsigned numLevels, unsigned flags);
cudaError_t mipmappedArrayLevel(cudaArray_t *level, cudaMipmappedArray_const_t array,
                                unsigned index);
cudaError_t destroyMipmappedArray(Device &device, cudaMipmappedArray_t array);
bool isLiveMipmappedArray(cudaMipmappedArray_const_t array);

} // namespace cuport::core
