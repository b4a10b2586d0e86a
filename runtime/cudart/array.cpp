// CUDA arrays: cudaMallocArray, cudaMalloc3DArray, cudaFreeArray, cudaArrayGetInfo and the copies
// into, out of and between arrays (2D, linear "ToArray" forms, cudaMemcpy3D and its peer form).
// Each entry point with a stream has a _ptsz twin where handle 0 is the per-thread stream; the
// synchronous ones have _ptds twins, which behave the same here because a synchronous copy waits
// for the whole device anyway.
#include "runtime/cudart/api.h"

#include "runtime/core/array.h"
#include "runtime/core/capture.h"
#include "runtime/core/launch.h"
#include "support/log.h"

#include <memory>

using namespace cuport;

#pragma GCC visibility push(default)
extern "C" {
cudaError_t cudaMemcpy2DToArray_ptds(cudaArray_t, size_t, size_t, const void *, size_t, size_t,
                                     size_t, enum cudaMemcpyKind);
cudaError_t cudaMemcpy2DFromArray_ptds(void *, size_t, cudaArray_const_t, size_t, size_t, size_t,
                                       size_t, enum cudaMemcpyKind);
cudaError_t cudaMemcpy2DArrayToArray_ptds(cudaArray_t, size_t, size_t, cudaArray_const_t, size_t,
                                          size_t, size_t, size_t, enum cudaMemcpyKind);
cudaError_t cudaMemcpy2DToArrayAsync_ptsz(cudaArray_t, size_t, size_t, const void *, size_t, size_t,
                                          size_t, enum cudaMemcpyKind, cudaStream_t);
cudaError_t cudaMemcpy2DFromArrayAsync_ptsz(void *, size_t, cudaArray_const_t, size_t, size_t,
                                            size_t, size_t, enum cudaMemcpyKind, cudaStream_t);
cudaError_t cudaMemcpyToArray_ptds(cudaArray_t, size_t, size_t, const void *, size_t,
                                   enum cudaMemcpyKind);
cudaError_t cudaMemcpyFromArray_ptds(void *, cudaArray_const_t, size_t, size_t, size_t,
                                     enum cudaMemcpyKind);
cudaError_t cudaMemcpyArrayToArray_ptds(cudaArray_t, size_t, size_t, cudaArray_const_t, size_t,
                                        size_t, size_t, enum cudaMemcpyKind);
cudaError_t cudaMemcpyToArrayAsync_ptsz(cudaArray_t, size_t, size_t, const void *, size_t,
                                        enum cudaMemcpyKind, cudaStream_t);
cudaError_t cudaMemcpyFromArrayAsync_ptsz(void *, cudaArray_const_t, size_t, size_t, size_t,
                                          enum cudaMemcpyKind, cudaStream_t);
cudaError_t cudaMemcpy3D_ptds(const struct cudaMemcpy3DParms *);
cudaError_t cudaMemcpy3DAsync_ptsz(const struct cudaMemcpy3DParms *, cudaStream_t);
cudaError_t cudaMemcpy3DPeer_ptds(const struct cudaMemcpy3DPeerParms *);
cudaError_t cudaMemcpy3DPeerAsync_ptsz(const struct cudaMemcpy3DPeerParms *, cudaStream_t);
}
#pragma GCC visibility pop

namespace {

using cudart::kLegacy;
using cudart::kPerThread;

// Runs `body(device, stream)`; `async` false passes a null stream (a synchronous copy).
template <typename Body>
cudaError_t onDevice(bool async, cudaStream_t handle, bool perThreadDefault, Body body) {
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  if (!async) {
    // A synchronous copy is a potentially unsafe call during stream capture.
    if (cudaError_t refused = core::checkUnsafeCall(); refused != cudaSuccess)
      return refused;
    return body(*device, nullptr);
  }
  std::shared_ptr<core::Stream> stream;
  if (cudaError_t error = core::resolveStream(*device, handle, perThreadDefault, stream);
      error != cudaSuccess)
    return error;
  // On a capturing stream the copy becomes a graph node (StreamSet::submit).
  if (cudaError_t refused = device->streams().admit(*stream); refused != cudaSuccess)
    return refused;
  return body(*device, stream.get());
}

cudaArray_t mutableArray(cudaArray_const_t array) {
  return const_cast<cudaArray_t>(array);
}

// A 2D copy in the units of cudaMemcpy2D*Array: offsets and widths in bytes. Widths and offsets
// must be whole elements of the array involved.
cudaError_t copy2D(bool async, cudaStream_t stream, bool perThread, cudaArray_t dstArray,
                   size_t dstX, size_t dstY, void *dst, size_t dpitch, cudaArray_t srcArray,
                   size_t srcX, size_t srcY, const void *src, size_t spitch, size_t width,
                   size_t height, cudaMemcpyKind kind) {
  cudaArray_t array = dstArray ? dstArray : srcArray;
  if (!array || (!dstArray && !dst) || (!srcArray && !src))
    return cudaErrorInvalidValue;
  if (!core::isLiveArray(array) || (dstArray && srcArray && !core::isLiveArray(srcArray)))
    return cudaErrorInvalidResourceHandle;
  size_t elementBytes = array->elementBytes;
  if (width % elementBytes || dstX % (dstArray ? elementBytes : 1) ||
      srcX % (srcArray ? elementBytes : 1)) {
    CUPORT_ERROR("2D array copy: width %zu or offsets are not whole %zu-byte elements", width,
                 elementBytes);
    return cudaErrorInvalidValue;
  }
  if ((!dstArray && width > dpitch) || (!srcArray && width > spitch))
    return cudaErrorInvalidPitchValue;
  cudaMemcpy3DParms p{};
  p.kind = kind;
  p.extent = cudaExtent{width / elementBytes, height, 1};
  if (dstArray) {
    p.dstArray = dstArray;
    p.dstPos = cudaPos{dstX / elementBytes, dstY, 0};
  } else {
    p.dstPtr = cudaPitchedPtr{dst, dpitch, width, height};
  }
  if (srcArray) {
    p.srcArray = srcArray;
    p.srcPos = cudaPos{srcX / elementBytes, srcY, 0};
  } else {
    p.srcPtr = cudaPitchedPtr{const_cast<void *>(src), spitch, width, height};
  }
  if (width == 0 || height == 0)
    return cudaSuccess;
  return onDevice(async, stream, perThread, [&](core::Device &device, core::Stream *queue) {
    return core::copy3D(device, p, queue);
  });
}

cudaError_t toArray2D(const char *entry, bool async, cudaStream_t stream, bool perThread,
                      cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                      size_t spitch, size_t width, size_t height, cudaMemcpyKind kind) {
  cudaError_t result = copy2D(async, stream, perThread, dst, wOffset, hOffset, nullptr, 0, nullptr,
                              0, 0, src, spitch, width, height, kind);
  return core::finishCall(entry, result,
                          "dst=%p wOffset=%zu hOffset=%zu src=%p spitch=%zu width=%zu "
                          "height=%zu kind=%d stream=%p",
                          static_cast<void *>(dst), wOffset, hOffset, src, spitch, width, height,
                          int(kind), static_cast<void *>(stream));
}

cudaError_t fromArray2D(const char *entry, bool async, cudaStream_t stream, bool perThread,
                        void *dst, size_t dpitch, cudaArray_const_t src, size_t wOffset,
                        size_t hOffset, size_t width, size_t height, cudaMemcpyKind kind) {
  cudaError_t result = copy2D(async, stream, perThread, nullptr, 0, 0, dst, dpitch,
                              mutableArray(src), wOffset, hOffset, nullptr, 0, width, height, kind);
  return core::finishCall(entry, result,
                          "dst=%p dpitch=%zu src=%p wOffset=%zu hOffset=%zu width=%zu "
                          "height=%zu kind=%d stream=%p",
                          dst, dpitch, static_cast<const void *>(src), wOffset, hOffset, width,
                          height, int(kind), static_cast<void *>(stream));
}

cudaError_t arrayToArray2D(const char *entry, cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                           cudaArray_const_t src, size_t wOffsetSrc, size_t hOffsetSrc,
                           size_t width, size_t height, cudaMemcpyKind kind) {
  cudaError_t result =
      kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault
          ? cudaErrorInvalidMemcpyDirection
          : copy2D(false, nullptr, kLegacy, dst, wOffsetDst, hOffsetDst, nullptr, 0,
                   mutableArray(src), wOffsetSrc, hOffsetSrc, nullptr, 0, width, height, kind);
  return core::finishCall(
      entry, result, "dst=%p (%zu,%zu) src=%p (%zu,%zu) width=%zu height=%zu kind=%d",
      static_cast<void *>(dst), wOffsetDst, hOffsetDst, static_cast<const void *>(src), wOffsetSrc,
      hOffsetSrc, width, height, int(kind));
}

cudaError_t linearCopy(const char *entry, bool async, cudaStream_t stream, bool perThread,
                       const core::LinearArrayCopy &copy) {
  cudaError_t result =
      onDevice(async, stream, perThread, [&](core::Device &device, core::Stream *queue) {
        return core::copyLinear(device, copy, queue);
      });
  return core::finishCall(
      entry, result, "dst=%p/%p (%zu,%zu) src=%p/%p (%zu,%zu) count=%zu kind=%d stream=%p",
      static_cast<void *>(copy.dstArray), copy.dstPointer, copy.dstWOffset, copy.dstHOffset,
      static_cast<void *>(copy.srcArray), copy.srcPointer, copy.srcWOffset, copy.srcHOffset,
      copy.count, int(copy.kind), static_cast<void *>(stream));
}

core::LinearArrayCopy toArray(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                              size_t count, cudaMemcpyKind kind) {
  core::LinearArrayCopy copy;
  copy.dstArray = dst;
  copy.dstWOffset = wOffset;
  copy.dstHOffset = hOffset;
  copy.srcPointer = src;
  copy.count = count;
  copy.kind = kind;
  return copy;
}

core::LinearArrayCopy fromArray(void *dst, cudaArray_const_t src, size_t wOffset, size_t hOffset,
                                size_t count, cudaMemcpyKind kind) {
  core::LinearArrayCopy copy;
  copy.srcArray = mutableArray(src);
  copy.srcWOffset = wOffset;
  copy.srcHOffset = hOffset;
  copy.dstPointer = dst;
  copy.count = count;
  copy.kind = kind;
  return copy;
}

cudaError_t arrayToArray(const char *entry, cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                         cudaArray_const_t src, size_t wOffsetSrc, size_t hOffsetSrc, size_t count,
                         cudaMemcpyKind kind) {
  core::LinearArrayCopy copy;
  copy.dstArray = dst;
  copy.dstWOffset = wOffsetDst;
  copy.dstHOffset = hOffsetDst;
  copy.srcArray = mutableArray(src);
  copy.srcWOffset = wOffsetSrc;
  copy.srcHOffset = hOffsetSrc;
  copy.count = count;
  copy.kind = kind;
  if (kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault)
    return core::finishCall(entry, cudaErrorInvalidMemcpyDirection, "kind=%d", int(kind));
  return linearCopy(entry, false, nullptr, kLegacy, copy);
}

cudaError_t memcpy3D(const char *entry, bool async, cudaStream_t stream, bool perThread,
                     const cudaMemcpy3DParms *p) {
  cudaError_t result =
      !p ? cudaErrorInvalidValue
         : onDevice(async, stream, perThread, [&](core::Device &device, core::Stream *queue) {
             return core::copy3D(device, *p, queue);
           });
  return core::finishCall(entry, result, "p=%p stream=%p", static_cast<const void *>(p),
                          static_cast<void *>(stream));
}

// One device: a peer copy is an ordinary copy between the only device and itself.
cudaError_t memcpy3DPeer(const char *entry, bool async, cudaStream_t stream, bool perThread,
                         const cudaMemcpy3DPeerParms *p) {
  cudaError_t result = cudaSuccess;
  if (!p)
    result = cudaErrorInvalidValue;
  else if (p->srcDevice != 0 || p->dstDevice != 0)
    result = cudaErrorInvalidDevice;
  else {
    cudaMemcpy3DParms plain{};
    plain.srcArray = p->srcArray;
    plain.srcPos = p->srcPos;
    plain.srcPtr = p->srcPtr;
    plain.dstArray = p->dstArray;
    plain.dstPos = p->dstPos;
    plain.dstPtr = p->dstPtr;
    plain.extent = p->extent;
    plain.kind = cudaMemcpyDefault;
    result = onDevice(async, stream, perThread, [&](core::Device &device, core::Stream *queue) {
      return core::copy3D(device, plain, queue);
    });
  }
  return core::finishCall(entry, result, "p=%p stream=%p", static_cast<const void *>(p),
                          static_cast<void *>(stream));
}

} // namespace

extern "C" {

cudaError_t cudaMallocArray(cudaArray_t *array, const struct cudaChannelFormatDesc *desc,
                            size_t width, size_t height, unsigned int flags) {
  cudaError_t result =
      (flags & (cudaArrayLayered | cudaArrayCubemap))
          ? cudaErrorInvalidValue
          : onDevice(false, nullptr, kLegacy, [&](core::Device &device, core::Stream *) {
              return core::createArray(device, array, desc, cudaExtent{width, height, 0}, flags);
            });
  return core::finishCall(
      "cudaMallocArray", result, "array=%p desc=%p width=%zu height=%zu flags=0x%x -> %p",
      static_cast<void *>(array), static_cast<const void *>(desc), width, height, flags,
      array && result == cudaSuccess ? static_cast<void *>(*array) : nullptr);
}

cudaError_t cudaMalloc3DArray(cudaArray_t *array, const struct cudaChannelFormatDesc *desc,
                              struct cudaExtent extent, unsigned int flags) {
  cudaError_t result = onDevice(false, nullptr, kLegacy, [&](core::Device &device, core::Stream *) {
    return core::createArray(device, array, desc, extent, flags);
  });
  return core::finishCall(
      "cudaMalloc3DArray", result, "array=%p desc=%p extent=%zux%zux%zu flags=0x%x -> %p",
      static_cast<void *>(array), static_cast<const void *>(desc), extent.width, extent.height,
      extent.depth, flags, array && result == cudaSuccess ? static_cast<void *>(*array) : nullptr);
}

cudaError_t cudaFreeArray(cudaArray_t array) {
  cudaError_t result = onDevice(false, nullptr, kLegacy, [&](core::Device &device, core::Stream *) {
    return core::destroyArray(device, array);
  });
  return core::finishCall("cudaFreeArray", result, "array=%p", static_cast<void *>(array));
}

cudaError_t cudaGetChannelDesc(struct cudaChannelFormatDesc *desc, cudaArray_const_t array) {
  cudaError_t result = cudaSuccess;
  if (!desc)
    result = cudaErrorInvalidValue;
  else if (!core::isLiveArray(const_cast<cudaArray_t>(array)))
    result = cudaErrorInvalidResourceHandle;
  else
    *desc = array->format;
  return core::finishCall("cudaGetChannelDesc", result, "desc=%p array=%p",
                          static_cast<void *>(desc), static_cast<const void *>(array));
}

cudaError_t cudaArrayGetInfo(struct cudaChannelFormatDesc *desc, struct cudaExtent *extent,
                             unsigned int *flags, cudaArray_t array) {
  cudaError_t result = cudaSuccess;
  if (!core::isLiveArray(array))
    result = cudaErrorInvalidResourceHandle;
  else {
    if (desc)
      *desc = array->format;
    if (extent)
      *extent = array->extent;
    if (flags)
      *flags = array->flags;
  }
  return core::finishCall("cudaArrayGetInfo", result, "desc=%p extent=%p flags=%p array=%p",
                          static_cast<void *>(desc), static_cast<void *>(extent),
                          static_cast<void *>(flags), static_cast<void *>(array));
}

cudaError_t cudaMemcpy2DToArray(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                                size_t spitch, size_t width, size_t height,
                                enum cudaMemcpyKind kind) {
  return toArray2D("cudaMemcpy2DToArray", false, nullptr, kLegacy, dst, wOffset, hOffset, src,
                   spitch, width, height, kind);
}
cudaError_t cudaMemcpy2DToArray_ptds(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                     const void *src, size_t spitch, size_t width, size_t height,
                                     enum cudaMemcpyKind kind) {
  return toArray2D("cudaMemcpy2DToArray_ptds", false, nullptr, kPerThread, dst, wOffset, hOffset,
                   src, spitch, width, height, kind);
}
cudaError_t cudaMemcpy2DToArrayAsync(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                     const void *src, size_t spitch, size_t width, size_t height,
                                     enum cudaMemcpyKind kind, cudaStream_t stream) {
  return toArray2D("cudaMemcpy2DToArrayAsync", true, stream, kLegacy, dst, wOffset, hOffset, src,
                   spitch, width, height, kind);
}
cudaError_t cudaMemcpy2DToArrayAsync_ptsz(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                          const void *src, size_t spitch, size_t width,
                                          size_t height, enum cudaMemcpyKind kind,
                                          cudaStream_t stream) {
  return toArray2D("cudaMemcpy2DToArrayAsync_ptsz", true, stream, kPerThread, dst, wOffset, hOffset,
                   src, spitch, width, height, kind);
}

cudaError_t cudaMemcpy2DFromArray(void *dst, size_t dpitch, cudaArray_const_t src, size_t wOffset,
                                  size_t hOffset, size_t width, size_t height,
                                  enum cudaMemcpyKind kind) {
  return fromArray2D("cudaMemcpy2DFromArray", false, nullptr, kLegacy, dst, dpitch, src, wOffset,
                     hOffset, width, height, kind);
}
cudaError_t cudaMemcpy2DFromArray_ptds(void *dst, size_t dpitch, cudaArray_const_t src,
                                       size_t wOffset, size_t hOffset, size_t width, size_t height,
                                       enum cudaMemcpyKind kind) {
  return fromArray2D("cudaMemcpy2DFromArray_ptds", false, nullptr, kPerThread, dst, dpitch, src,
                     wOffset, hOffset, width, height, kind);
}
cudaError_t cudaMemcpy2DFromArrayAsync(void *dst, size_t dpitch, cudaArray_const_t src,
                                       size_t wOffset, size_t hOffset, size_t width, size_t height,
                                       enum cudaMemcpyKind kind, cudaStream_t stream) {
  return fromArray2D("cudaMemcpy2DFromArrayAsync", true, stream, kLegacy, dst, dpitch, src, wOffset,
                     hOffset, width, height, kind);
}
cudaError_t cudaMemcpy2DFromArrayAsync_ptsz(void *dst, size_t dpitch, cudaArray_const_t src,
                                            size_t wOffset, size_t hOffset, size_t width,
                                            size_t height, enum cudaMemcpyKind kind,
                                            cudaStream_t stream) {
  return fromArray2D("cudaMemcpy2DFromArrayAsync_ptsz", true, stream, kPerThread, dst, dpitch, src,
                     wOffset, hOffset, width, height, kind);
}

cudaError_t cudaMemcpy2DArrayToArray(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                                     cudaArray_const_t src, size_t wOffsetSrc, size_t hOffsetSrc,
                                     size_t width, size_t height, enum cudaMemcpyKind kind) {
  return arrayToArray2D("cudaMemcpy2DArrayToArray", dst, wOffsetDst, hOffsetDst, src, wOffsetSrc,
                        hOffsetSrc, width, height, kind);
}
cudaError_t cudaMemcpy2DArrayToArray_ptds(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                                          cudaArray_const_t src, size_t wOffsetSrc,
                                          size_t hOffsetSrc, size_t width, size_t height,
                                          enum cudaMemcpyKind kind) {
  return arrayToArray2D("cudaMemcpy2DArrayToArray_ptds", dst, wOffsetDst, hOffsetDst, src,
                        wOffsetSrc, hOffsetSrc, width, height, kind);
}

cudaError_t cudaMemcpyToArray(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                              size_t count, enum cudaMemcpyKind kind) {
  return linearCopy("cudaMemcpyToArray", false, nullptr, kLegacy,
                    toArray(dst, wOffset, hOffset, src, count, kind));
}
cudaError_t cudaMemcpyToArray_ptds(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                                   size_t count, enum cudaMemcpyKind kind) {
  return linearCopy("cudaMemcpyToArray_ptds", false, nullptr, kPerThread,
                    toArray(dst, wOffset, hOffset, src, count, kind));
}
cudaError_t cudaMemcpyToArrayAsync(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                                   size_t count, enum cudaMemcpyKind kind, cudaStream_t stream) {
  return linearCopy("cudaMemcpyToArrayAsync", true, stream, kLegacy,
                    toArray(dst, wOffset, hOffset, src, count, kind));
}
cudaError_t cudaMemcpyToArrayAsync_ptsz(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                        const void *src, size_t count, enum cudaMemcpyKind kind,
                                        cudaStream_t stream) {
  return linearCopy("cudaMemcpyToArrayAsync_ptsz", true, stream, kPerThread,
                    toArray(dst, wOffset, hOffset, src, count, kind));
}

cudaError_t cudaMemcpyFromArray(void *dst, cudaArray_const_t src, size_t wOffset, size_t hOffset,
                                size_t count, enum cudaMemcpyKind kind) {
  return linearCopy("cudaMemcpyFromArray", false, nullptr, kLegacy,
                    fromArray(dst, src, wOffset, hOffset, count, kind));
}
cudaError_t cudaMemcpyFromArray_ptds(void *dst, cudaArray_const_t src, size_t wOffset,
                                     size_t hOffset, size_t count, enum cudaMemcpyKind kind) {
  return linearCopy("cudaMemcpyFromArray_ptds", false, nullptr, kPerThread,
                    fromArray(dst, src, wOffset, hOffset, count, kind));
}
cudaError_t cudaMemcpyFromArrayAsync(void *dst, cudaArray_const_t src, size_t wOffset,
                                     size_t hOffset, size_t count, enum cudaMemcpyKind kind,
                                     cudaStream_t stream) {
  return linearCopy("cudaMemcpyFromArrayAsync", true, stream, kLegacy,
                    fromArray(dst, src, wOffset, hOffset, count, kind));
}
cudaError_t cudaMemcpyFromArrayAsync_ptsz(void *dst, cudaArray_const_t src, size_t wOffset,
                                          size_t hOffset, size_t count, enum cudaMemcpyKind kind,
                                          cudaStream_t stream) {
  return linearCopy("cudaMemcpyFromArrayAsync_ptsz", true, stream, kPerThread,
                    fromArray(dst, src, wOffset, hOffset, count, kind));
}

cudaError_t cudaMemcpyArrayToArray(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                                   cudaArray_const_t src, size_t wOffsetSrc, size_t hOffsetSrc,
                                   size_t count, enum cudaMemcpyKind kind) {
  return arrayToArray("cudaMemcpyArrayToArray", dst, wOffsetDst, hOffsetDst, src, wOffsetSrc,
                      hOffsetSrc, count, kind);
}
cudaError_t cudaMemcpyArrayToArray_ptds(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                                        cudaArray_const_t src, size_t wOffsetSrc, size_t hOffsetSrc,
                                        size_t count, enum cudaMemcpyKind kind) {
  return arrayToArray("cudaMemcpyArrayToArray_ptds", dst, wOffsetDst, hOffsetDst, src, wOffsetSrc,
                      hOffsetSrc, count, kind);
}

cudaError_t cudaMemcpy3D(const struct cudaMemcpy3DParms *p) {
  return memcpy3D("cudaMemcpy3D", false, nullptr, kLegacy, p);
}
cudaError_t cudaMemcpy3D_ptds(const struct cudaMemcpy3DParms *p) {
  return memcpy3D("cudaMemcpy3D_ptds", false, nullptr, kPerThread, p);
}
cudaError_t cudaMemcpy3DAsync(const struct cudaMemcpy3DParms *p, cudaStream_t stream) {
  return memcpy3D("cudaMemcpy3DAsync", true, stream, kLegacy, p);
}
cudaError_t cudaMemcpy3DAsync_ptsz(const struct cudaMemcpy3DParms *p, cudaStream_t stream) {
  return memcpy3D("cudaMemcpy3DAsync_ptsz", true, stream, kPerThread, p);
}

cudaError_t cudaMemcpy3DPeer(const struct cudaMemcpy3DPeerParms *p) {
  return memcpy3DPeer("cudaMemcpy3DPeer", false, nullptr, kLegacy, p);
}
cudaError_t cudaMemcpy3DPeer_ptds(const struct cudaMemcpy3DPeerParms *p) {
  return memcpy3DPeer("cudaMemcpy3DPeer_ptds", false, nullptr, kPerThread, p);
}
cudaError_t cudaMemcpy3DPeerAsync(const struct cudaMemcpy3DPeerParms *p, cudaStream_t stream) {
  return memcpy3DPeer("cudaMemcpy3DPeerAsync", true, stream, kLegacy, p);
}
cudaError_t cudaMemcpy3DPeerAsync_ptsz(const struct cudaMemcpy3DPeerParms *p, cudaStream_t stream) {
  return memcpy3DPeer("cudaMemcpy3DPeerAsync_ptsz", true, stream, kPerThread, p);
}

} // extern "C"
