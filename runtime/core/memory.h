// Device memory operations with CUDA's validation and ordering: cudaMalloc, cudaMallocManaged,
// cudaFree (which waits for the device), and the copies and fills of linear memory, all of which
// are pieces of work queued on a stream. A copy is described as a region of rows: 1D copies are
// one row, 2D copies `height` rows, 3D fills `height` x `depth` rows.
#pragma once

#include <cstddef>
#include <memory>

#include <driver_types.h>

namespace cuport::core {

class Device;
class Stream;

// What a pointer points at, as far as ordering and cudaPointerGetAttributes care.
enum class MemoryKind { Pageable, PinnedHost, Device, Managed };
MemoryKind classify(Device &device, const void *pointer);

// Rows of `width` bytes: row y of slice z starts at base + z * slicePitch + y * pitch.
struct PitchedView {
  void *base = nullptr;
  size_t pitch = 0;
  size_t slicePitch = 0;
};
struct CopyRegion {
  size_t width = 0; // bytes
  size_t height = 1;
  size_t depth = 1;
};

cudaError_t allocate(Device &device, void **pointer, size_t bytes);
// cudaMallocManaged: flags cudaMemAttachGlobal or cudaMemAttachHost.
cudaError_t allocateManaged(Device &device, void **pointer, size_t bytes, unsigned flags);
// cudaFree of a cudaMalloc, cudaMallocManaged or (after waiting for the device) cudaMallocAsync
// block.
cudaError_t release(Device &device, void *pointer);

// How a copy call relates to the host: cudaMemcpy returns when the copy is done (except device
// to device), cudaMemcpyAsync as soon as the host buffers may be touched again.
enum class CopyCall { Synchronous, Asynchronous };

cudaError_t copyRegion(Device &device, PitchedView destination, PitchedView source,
                       CopyRegion region, cudaMemcpyKind kind,
                       const std::shared_ptr<Stream> &stream, CopyCall call);
cudaError_t copy(Device &device, void *destination, const void *source, size_t bytes,
                 cudaMemcpyKind kind, const std::shared_ptr<Stream> &stream, CopyCall call);
// cudaMemset* and cuMemsetD8/D16/D32*: ordered on `stream`, asynchronous with respect to the host.
// Each row is filled with `elementBytes`-byte copies of `value` (1, 2 or 4 bytes; the low bytes of
// `value`); region.width, in bytes, is a multiple of elementBytes.
cudaError_t fillRegion(Device &device, PitchedView destination, int value, CopyRegion region,
                       const std::shared_ptr<Stream> &stream, unsigned elementBytes = 1);

// Pitched rows (cudaMallocPitch, cuMemAllocPitch) start on this boundary, a multiple of
// cudaDevAttrTexturePitchAlignment, so that they can be bound to 2D textures.
inline constexpr size_t kPitchAlignment = 256;
inline size_t pitchFor(size_t width) {
  return (width + kPitchAlignment - 1) / kPitchAlignment * kPitchAlignment;
}

// cudaMemGetInfo / cuMemGetInfo: device memory is host memory, so what the host has left, within
// the device's total.
size_t availableMemory(const Device &device);

// Waits for all work on the device; the sticky error, else the first error the work reported.
cudaError_t synchronizeDevice(Device &device);

} // namespace cuport::core
