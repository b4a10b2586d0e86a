// Device memory: cudaMalloc, cudaFree, and the copies and fills of linear memory (1D, 2D, 3D
// fills, symbols, peer copies), synchronous and stream-ordered.
#include "runtime/cudart/memory_common.h"

#include "runtime/core/memory.h"
#include "runtime/core/symbols.h"

using namespace cuport;
using cudart::onDevice;
using cudart::onStream;

namespace {

using cudart::kLegacy;
using cudart::kPerThread;
constexpr cudaStream_t kDefaultStream = nullptr;

cudaError_t memcpyCall(const char *entry, void *dst, const void *src, size_t count,
                       cudaMemcpyKind kind, cudaStream_t stream, bool perThread,
                       core::CopyCall call) {
  cudaError_t result = onStream(
      stream, perThread,
      [&](core::Device &device, auto &queue) {
        return core::copy(device, dst, src, count, kind, queue, call);
      },
      call == core::CopyCall::Synchronous);
  return core::finishCall(entry, result, "dst=%p src=%p count=%zu kind=%d stream=%p", dst, src,
                          count, static_cast<int>(kind), static_cast<void *>(stream));
}

cudaError_t memcpy2DCall(const char *entry, void *dst, size_t dpitch, const void *src,
                         size_t spitch, size_t width, size_t height, cudaMemcpyKind kind,
                         cudaStream_t stream, bool perThread, core::CopyCall call) {
  cudaError_t result = onStream(
      stream, perThread,
      [&](core::Device &device, auto &queue) {
        return core::copyRegion(device, core::PitchedView{dst, dpitch, 0},
                                core::PitchedView{const_cast<void *>(src), spitch, 0},
                                core::CopyRegion{width, height, 1}, kind, queue, call);
      },
      call == core::CopyCall::Synchronous);
  return core::finishCall(
      entry, result, "dst=%p dpitch=%zu src=%p spitch=%zu width=%zu height=%zu kind=%d stream=%p",
      dst, dpitch, src, spitch, width, height, static_cast<int>(kind), static_cast<void *>(stream));
}

cudaError_t memsetCall(const char *entry, void *devPtr, size_t pitch, int value, size_t width,
                       size_t height, cudaStream_t stream, bool perThread, bool synchronous) {
  cudaError_t result = onStream(
      stream, perThread,
      [&](core::Device &device, auto &queue) {
        return core::fillRegion(device, core::PitchedView{devPtr, pitch, 0}, value,
                                core::CopyRegion{width, height, 1}, queue);
      },
      synchronous);
  return core::finishCall(entry, result,
                          "devPtr=%p pitch=%zu value=%d width=%zu height=%zu stream=%p", devPtr,
                          pitch, value, width, height, static_cast<void *>(stream));
}

cudaError_t memset3DCall(const char *entry, cudaPitchedPtr pitched, int value, cudaExtent extent,
                         cudaStream_t stream, bool perThread, bool synchronous) {
  cudaError_t result = onStream(
      stream, perThread,
      [&](core::Device &device, auto &queue) {
        // Slices lie ysize rows apart (the height the block was allocated with).
        core::PitchedView view{pitched.ptr, pitched.pitch, pitched.pitch * pitched.ysize};
        if (extent.depth > 1 && extent.height > pitched.ysize)
          return cudaErrorInvalidValue;
        return core::fillRegion(device, view, value,
                                core::CopyRegion{extent.width, extent.height, extent.depth}, queue);
      },
      synchronous);
  return core::finishCall(entry, result,
                          "ptr=%p pitch=%zu ysize=%zu value=%d extent=(%zu,%zu,%zu) stream=%p",
                          pitched.ptr, pitched.pitch, pitched.ysize, value, extent.width,
                          extent.height, extent.depth, static_cast<void *>(stream));
}

cudaError_t symbolCall(const char *entry, const void *symbol, void *other, size_t count,
                       size_t offset, cudaMemcpyKind kind, bool toSymbol, cudaStream_t stream,
                       bool perThread, core::CopyCall call) {
  cudaError_t result = onStream(
      stream, perThread,
      [&](core::Device &device, auto &queue) {
        return core::copySymbol(device, symbol, other, count, offset, kind, toSymbol, queue, call);
      },
      call == core::CopyCall::Synchronous);
  return core::finishCall(entry, result, "symbol=%p %s=%p count=%zu offset=%zu kind=%d stream=%p",
                          symbol, toSymbol ? "src" : "dst", other, count, offset,
                          static_cast<int>(kind), static_cast<void *>(stream));
}

// The only device is 0: a peer copy is a device-to-device copy on it.
cudaError_t peerCall(const char *entry, void *dst, int dstDevice, const void *src, int srcDevice,
                     size_t count, cudaStream_t stream, core::CopyCall call) {
  cudaError_t result = cudaSuccess;
  if (dstDevice != 0 || srcDevice != 0)
    result = cudaErrorInvalidDevice;
  else
    result = onStream(
        stream, kLegacy,
        [&](core::Device &device, auto &queue) {
          return core::copy(device, dst, src, count, cudaMemcpyDeviceToDevice, queue, call);
        },
        call == core::CopyCall::Synchronous);
  return core::finishCall(entry, result,
                          "dst=%p dstDevice=%d src=%p srcDevice=%d count=%zu stream=%p", dst,
                          dstDevice, src, srcDevice, count, static_cast<void *>(stream));
}

} // namespace

extern "C" {

cudaError_t cudaMalloc(void **devPtr, size_t size) {
  cudaError_t result =
      onDevice([&](core::Device &device) { return core::allocate(device, devPtr, size); });
  return core::finishCall("cudaMalloc", result, "devPtr=%p size=%zu -> %p",
                          static_cast<void *>(devPtr), size,
                          devPtr && result == cudaSuccess ? *devPtr : nullptr);
}

cudaError_t cudaFree(void *devPtr) {
  cudaError_t result =
      onDevice([&](core::Device &device) { return core::release(device, devPtr); });
  return core::finishCall("cudaFree", result, "devPtr=%p", devPtr);
}

cudaError_t cudaMallocPitch(void **devPtr, size_t *pitch, size_t width, size_t height) {
  cudaError_t result = cudaSuccess;
  if (!devPtr || !pitch) {
    result = cudaErrorInvalidValue;
  } else {
    size_t rowBytes = core::pitchFor(width);
    if (rowBytes < width || (height && rowBytes > SIZE_MAX / height))
      result = cudaErrorMemoryAllocation;
    else
      result = onDevice(
          [&](core::Device &device) { return core::allocate(device, devPtr, rowBytes * height); });
    if (result == cudaSuccess)
      *pitch = rowBytes;
  }
  return core::finishCall("cudaMallocPitch", result, "width=%zu height=%zu -> %p pitch=%zu", width,
                          height, devPtr && result == cudaSuccess ? *devPtr : nullptr,
                          pitch && result == cudaSuccess ? *pitch : 0);
}

cudaError_t cudaMalloc3D(cudaPitchedPtr *pitchedDevPtr, cudaExtent extent) {
  cudaError_t result = cudaSuccess;
  if (!pitchedDevPtr) {
    result = cudaErrorInvalidValue;
  } else {
    size_t rowBytes = core::pitchFor(extent.width);
    size_t rows = extent.height * extent.depth;
    if (rowBytes < extent.width || (extent.depth && rows / extent.depth != extent.height) ||
        (rows && rowBytes > SIZE_MAX / rows)) {
      result = cudaErrorMemoryAllocation;
    } else {
      void *block = nullptr;
      result = onDevice(
          [&](core::Device &device) { return core::allocate(device, &block, rowBytes * rows); });
      if (result == cudaSuccess)
        *pitchedDevPtr = cudaPitchedPtr{block, rowBytes, extent.width, extent.height};
    }
  }
  return core::finishCall("cudaMalloc3D", result, "extent=(%zu,%zu,%zu)", extent.width,
                          extent.height, extent.depth);
}

cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind) {
  return memcpyCall("cudaMemcpy", dst, src, count, kind, kDefaultStream, kLegacy,
                    core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpy_ptds(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind) {
  return memcpyCall("cudaMemcpy_ptds", dst, src, count, kind, kDefaultStream, kPerThread,
                    core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
                            cudaStream_t stream) {
  return memcpyCall("cudaMemcpyAsync", dst, src, count, kind, stream, kLegacy,
                    core::CopyCall::Asynchronous);
}

cudaError_t cudaMemcpyAsync_ptsz(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
                                 cudaStream_t stream) {
  return memcpyCall("cudaMemcpyAsync_ptsz", dst, src, count, kind, stream, kPerThread,
                    core::CopyCall::Asynchronous);
}

cudaError_t cudaMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width,
                         size_t height, enum cudaMemcpyKind kind) {
  return memcpy2DCall("cudaMemcpy2D", dst, dpitch, src, spitch, width, height, kind, kDefaultStream,
                      kLegacy, core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpy2D_ptds(void *dst, size_t dpitch, const void *src, size_t spitch,
                              size_t width, size_t height, enum cudaMemcpyKind kind) {
  return memcpy2DCall("cudaMemcpy2D_ptds", dst, dpitch, src, spitch, width, height, kind,
                      kDefaultStream, kPerThread, core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch,
                              size_t width, size_t height, enum cudaMemcpyKind kind,
                              cudaStream_t stream) {
  return memcpy2DCall("cudaMemcpy2DAsync", dst, dpitch, src, spitch, width, height, kind, stream,
                      kLegacy, core::CopyCall::Asynchronous);
}

cudaError_t cudaMemcpy2DAsync_ptsz(void *dst, size_t dpitch, const void *src, size_t spitch,
                                   size_t width, size_t height, enum cudaMemcpyKind kind,
                                   cudaStream_t stream) {
  return memcpy2DCall("cudaMemcpy2DAsync_ptsz", dst, dpitch, src, spitch, width, height, kind,
                      stream, kPerThread, core::CopyCall::Asynchronous);
}

cudaError_t cudaMemset(void *devPtr, int value, size_t count) {
  return memsetCall("cudaMemset", devPtr, count, value, count, 1, kDefaultStream, kLegacy, true);
}

cudaError_t cudaMemset_ptds(void *devPtr, int value, size_t count) {
  return memsetCall("cudaMemset_ptds", devPtr, count, value, count, 1, kDefaultStream, kPerThread,
                    true);
}

cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream) {
  return memsetCall("cudaMemsetAsync", devPtr, count, value, count, 1, stream, kLegacy, false);
}

cudaError_t cudaMemsetAsync_ptsz(void *devPtr, int value, size_t count, cudaStream_t stream) {
  return memsetCall("cudaMemsetAsync_ptsz", devPtr, count, value, count, 1, stream, kPerThread,
                    false);
}

cudaError_t cudaMemset2D(void *devPtr, size_t pitch, int value, size_t width, size_t height) {
  return memsetCall("cudaMemset2D", devPtr, pitch, value, width, height, kDefaultStream, kLegacy,
                    true);
}

cudaError_t cudaMemset2D_ptds(void *devPtr, size_t pitch, int value, size_t width, size_t height) {
  return memsetCall("cudaMemset2D_ptds", devPtr, pitch, value, width, height, kDefaultStream,
                    kPerThread, true);
}

cudaError_t cudaMemset2DAsync(void *devPtr, size_t pitch, int value, size_t width, size_t height,
                              cudaStream_t stream) {
  return memsetCall("cudaMemset2DAsync", devPtr, pitch, value, width, height, stream, kLegacy,
                    false);
}

cudaError_t cudaMemset2DAsync_ptsz(void *devPtr, size_t pitch, int value, size_t width,
                                   size_t height, cudaStream_t stream) {
  return memsetCall("cudaMemset2DAsync_ptsz", devPtr, pitch, value, width, height, stream,
                    kPerThread, false);
}

cudaError_t cudaMemset3D(cudaPitchedPtr pitchedDevPtr, int value, cudaExtent extent) {
  return memset3DCall("cudaMemset3D", pitchedDevPtr, value, extent, kDefaultStream, kLegacy, true);
}

cudaError_t cudaMemset3D_ptds(cudaPitchedPtr pitchedDevPtr, int value, cudaExtent extent) {
  return memset3DCall("cudaMemset3D_ptds", pitchedDevPtr, value, extent, kDefaultStream, kPerThread,
                      true);
}

cudaError_t cudaMemset3DAsync(cudaPitchedPtr pitchedDevPtr, int value, cudaExtent extent,
                              cudaStream_t stream) {
  return memset3DCall("cudaMemset3DAsync", pitchedDevPtr, value, extent, stream, kLegacy, false);
}

cudaError_t cudaMemset3DAsync_ptsz(cudaPitchedPtr pitchedDevPtr, int value, cudaExtent extent,
                                   cudaStream_t stream) {
  return memset3DCall("cudaMemset3DAsync_ptsz", pitchedDevPtr, value, extent, stream, kPerThread,
                      false);
}

cudaError_t cudaMemcpyToSymbol(const void *symbol, const void *src, size_t count, size_t offset,
                               enum cudaMemcpyKind kind) {
  return symbolCall("cudaMemcpyToSymbol", symbol, const_cast<void *>(src), count, offset, kind,
                    true, kDefaultStream, kLegacy, core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpyToSymbol_ptds(const void *symbol, const void *src, size_t count,
                                    size_t offset, enum cudaMemcpyKind kind) {
  return symbolCall("cudaMemcpyToSymbol_ptds", symbol, const_cast<void *>(src), count, offset, kind,
                    true, kDefaultStream, kPerThread, core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpyToSymbolAsync(const void *symbol, const void *src, size_t count,
                                    size_t offset, enum cudaMemcpyKind kind, cudaStream_t stream) {
  return symbolCall("cudaMemcpyToSymbolAsync", symbol, const_cast<void *>(src), count, offset, kind,
                    true, stream, kLegacy, core::CopyCall::Asynchronous);
}

cudaError_t cudaMemcpyToSymbolAsync_ptsz(const void *symbol, const void *src, size_t count,
                                         size_t offset, enum cudaMemcpyKind kind,
                                         cudaStream_t stream) {
  return symbolCall("cudaMemcpyToSymbolAsync_ptsz", symbol, const_cast<void *>(src), count, offset,
                    kind, true, stream, kPerThread, core::CopyCall::Asynchronous);
}

cudaError_t cudaMemcpyFromSymbol(void *dst, const void *symbol, size_t count, size_t offset,
                                 enum cudaMemcpyKind kind) {
  return symbolCall("cudaMemcpyFromSymbol", symbol, dst, count, offset, kind, false, kDefaultStream,
                    kLegacy, core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpyFromSymbol_ptds(void *dst, const void *symbol, size_t count, size_t offset,
                                      enum cudaMemcpyKind kind) {
  return symbolCall("cudaMemcpyFromSymbol_ptds", symbol, dst, count, offset, kind, false,
                    kDefaultStream, kPerThread, core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpyFromSymbolAsync(void *dst, const void *symbol, size_t count, size_t offset,
                                      enum cudaMemcpyKind kind, cudaStream_t stream) {
  return symbolCall("cudaMemcpyFromSymbolAsync", symbol, dst, count, offset, kind, false, stream,
                    kLegacy, core::CopyCall::Asynchronous);
}

cudaError_t cudaMemcpyFromSymbolAsync_ptsz(void *dst, const void *symbol, size_t count,
                                           size_t offset, enum cudaMemcpyKind kind,
                                           cudaStream_t stream) {
  return symbolCall("cudaMemcpyFromSymbolAsync_ptsz", symbol, dst, count, offset, kind, false,
                    stream, kPerThread, core::CopyCall::Asynchronous);
}

cudaError_t cudaMemcpyPeer(void *dst, int dstDevice, const void *src, int srcDevice, size_t count) {
  return peerCall("cudaMemcpyPeer", dst, dstDevice, src, srcDevice, count, kDefaultStream,
                  core::CopyCall::Synchronous);
}

cudaError_t cudaMemcpyPeerAsync(void *dst, int dstDevice, const void *src, int srcDevice,
                                size_t count, cudaStream_t stream) {
  return peerCall("cudaMemcpyPeerAsync", dst, dstDevice, src, srcDevice, count, stream,
                  core::CopyCall::Asynchronous);
}

cudaError_t cudaGetSymbolAddress(void **devPtr, const void *symbol) {
  cudaError_t result = devPtr ? onDevice([&](core::Device &device) {
    return core::symbolAddress(device, symbol, devPtr, nullptr);
  })
                              : cudaErrorInvalidValue;
  return core::finishCall("cudaGetSymbolAddress", result, "devPtr=%p symbol=%p",
                          static_cast<void *>(devPtr), symbol);
}

cudaError_t cudaGetSymbolSize(size_t *size, const void *symbol) {
  cudaError_t result = size ? onDevice([&](core::Device &device) {
    return core::symbolAddress(device, symbol, nullptr, size);
  })
                            : cudaErrorInvalidValue;
  return core::finishCall("cudaGetSymbolSize", result, "size=%p symbol=%p",
                          static_cast<void *>(size), symbol);
}

} // extern "C"
