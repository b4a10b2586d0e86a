// CUDA arrays (cudaMallocArray / cudaMalloc3DArray) and the copies between arrays and linear
// memory (cudaMemcpy2D*Array*, cudaMemcpy*Array, cudaMemcpy3D).
//
// Layout: an array is one dense block in device memory, row-major with no padding. Element
// (x, y, z) lives at data + z * slicePitch + y * rowPitch + x * elementBytes, where rowPitch =
// width * elementBytes and slicePitch = height * rowPitch. Layers of a layered array and faces of
// a cubemap are slices (z); a 1D array has height 1 and depth 1.
#pragma once

#include "runtime/core/stream.h"

#include <cstddef>
#include <memory>
#include <optional>

#include <driver_types.h>

// cudaArray_t is `struct cudaArray *`; NVIDIA's headers leave the struct opaque.
struct cudaArray {
  cudaChannelFormatDesc format{};
  cudaExtent extent{}; // as the program gave it: height / depth 0 when absent
  unsigned flags = 0;
  size_t elementBytes = 0;
  size_t width = 1, height = 1, depth = 1; // storage extent, each at least 1
  size_t rowPitch = 0, slicePitch = 0;
  void *data = nullptr;
  bool mipmapLevel = false; // a level of a mipmapped array, freed only with it
};

namespace cuport::core {

class Device;

// Bytes of one element of `format`; 0 when CUDA would reject it as an array format
// (cudaErrorInvalidChannelDescriptor) or cuport does not implement it (see unsupportedChannelKind):
// 1, 2 or 4 channels of equal width, 8/16/32-bit integers, 16/32-bit floats, and the 8/16-bit
// normalized kinds with exactly the channels their name gives.
size_t channelElementBytes(const cudaChannelFormatDesc &format);

// The UNORM / SNORM kinds (cudaChannelFormatKind{Uns|S}ignedNormalized{8|16}X{1|2|4}): integers
// that textures read as floats in [0, 1] or [-1, 1] whatever the read mode, and that sust.p
// converts f32 data to.
struct NormalizedKind {
  int channels = 0, bits = 0;
  bool isSigned = false;
};
std::optional<NormalizedKind> normalizedKind(cudaChannelFormatKind kind);

// The name of a kind CUDA defines but cuport does not implement (NV12, the block-compressed kinds,
// 10-10-10-2), for the diagnostic; null for every other kind.
const char *unsupportedChannelKind(cudaChannelFormatKind kind);

// cudaMalloc3DArray (cudaMallocArray is the same with depth 0).
cudaError_t createArray(Device &device, cudaArray_t *array, const cudaChannelFormatDesc *format,
                        cudaExtent extent, unsigned flags);
cudaError_t destroyArray(Device &device, cudaArray_t array);
// Frees a live array without waiting for the device (the caller did): a mipmapped array's levels.
cudaError_t releaseArray(Device &device, cudaArray_t array);
// Whether `array` is a live array of this runtime.
bool isLiveArray(cudaArray_t array);

// cudaMemcpy3D's parameters, all validated; `stream` null means a synchronous copy (which waits
// for the device first, as copies from pageable memory do), else the copy is queued on it.
cudaError_t copy3D(Device &device, const cudaMemcpy3DParms &parameters, Stream *stream);
// The same copy validated now and run by `work` (a graph's memcpy node), as often as it runs.
cudaError_t prepareCopy3D(Device &device, const cudaMemcpy3DParms &parameters, Work &work);

// A byte range of an array as if it were linear memory starting at (wOffset, hOffset): the
// deprecated cudaMemcpyToArray / FromArray / ArrayToArray. Destination or source may be null
// when it is linear memory (`pointer`).
struct LinearArrayCopy {
  cudaArray_t dstArray = nullptr, srcArray = nullptr;
  size_t dstWOffset = 0, dstHOffset = 0, srcWOffset = 0, srcHOffset = 0;
  void *dstPointer = nullptr;
  const void *srcPointer = nullptr;
  size_t count = 0;
  cudaMemcpyKind kind = cudaMemcpyDefault;
};
cudaError_t copyLinear(Device &device, const LinearArrayCopy &copy, Stream *stream);

} // namespace cuport::core
