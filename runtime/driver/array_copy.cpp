// Copies with arrays and pitched memory: cuMemcpy2D / 2DUnaligned / 2DAsync, cuMemcpy3D /
// 3DAsync, and the linear copies into, out of and between arrays (cuMemcpyHtoA, AtoH, AtoD,
// DtoA, AtoA and the asynchronous HtoA / AtoH). Each becomes runtime/core's cudaMemcpy3D or
// linear array copy. The _ptds twins behave as the plain ones, since a synchronous copy waits for
// the whole device anyway; the _ptsz twins take handle 0 as the per-thread stream.
#include "runtime/driver/api.h"
#include "runtime/driver/array_handles.h"
#include "runtime/driver/context.h"
#include "runtime/driver/stream_access.h"

#include "runtime/core/array.h"
#include "runtime/core/capture.h"
#include "runtime/core/stream_set.h"
#include "support/log.h"

#include <optional>

using namespace cuport;
using namespace cuport::driver;

#pragma GCC visibility push(default)
extern "C" {
CUresult cuMemcpy2D_v2_ptds(const CUDA_MEMCPY2D *pCopy);
CUresult cuMemcpy2DUnaligned_v2_ptds(const CUDA_MEMCPY2D *pCopy);
CUresult cuMemcpy2DAsync_v2_ptsz(const CUDA_MEMCPY2D *pCopy, CUstream hStream);
CUresult cuMemcpy3D_v2_ptds(const CUDA_MEMCPY3D *pCopy);
CUresult cuMemcpy3DAsync_v2_ptsz(const CUDA_MEMCPY3D *pCopy, CUstream hStream);
CUresult cuMemcpyHtoA_v2_ptds(CUarray dstArray, size_t dstOffset, const void *srcHost,
                              size_t ByteCount);
CUresult cuMemcpyAtoH_v2_ptds(void *dstHost, CUarray srcArray, size_t srcOffset, size_t ByteCount);
CUresult cuMemcpyAtoD_v2_ptds(CUdeviceptr dstDevice, CUarray srcArray, size_t srcOffset,
                              size_t ByteCount);
CUresult cuMemcpyDtoA_v2_ptds(CUarray dstArray, size_t dstOffset, CUdeviceptr srcDevice,
                              size_t ByteCount);
CUresult cuMemcpyAtoA_v2_ptds(CUarray dstArray, size_t dstOffset, CUarray srcArray,
                              size_t srcOffset, size_t ByteCount);
CUresult cuMemcpyHtoAAsync_v2_ptsz(CUarray dstArray, size_t dstOffset, const void *srcHost,
                                   size_t ByteCount, CUstream hStream);
CUresult cuMemcpyAtoHAsync_v2_ptsz(void *dstHost, CUarray srcArray, size_t srcOffset,
                                   size_t ByteCount, CUstream hStream);
}
#pragma GCC visibility pop

namespace {

// How a copy reaches the device: synchronously (no stream) or queued on a stream.
struct Queue {
  bool async = false;
  CUstream stream = nullptr;
  bool perThreadDefault = kLegacy;
};
constexpr Queue kSynchronous{};

// Runs `body(device, stream)`, the stream null for a synchronous copy.
template <typename Body> CUresult onQueue(const Queue &queue, Body body) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  if (!queue.async) {
    // A synchronous copy is a potentially unsafe call during stream capture.
    if (cudaError_t refused = core::checkUnsafeCall(); refused != cudaSuccess)
      return fromRuntime(refused);
    return fromRuntime(body(*device, nullptr));
  }
  std::shared_ptr<core::Stream> stream;
  if (cudaError_t error =
          core::resolveStream(*device, queue.stream, queue.perThreadDefault, stream);
      error != cudaSuccess)
    return fromRuntime(error);
  // On a capturing stream the copy becomes a graph node (StreamSet::submit).
  if (cudaError_t refused = device->streams().admit(*stream); refused != cudaSuccess)
    return fromRuntime(refused);
  return fromRuntime(body(*device, stream.get()));
}

// One side of a CUDA_MEMCPY2D / CUDA_MEMCPY3D: its memory type, the start (x in bytes) and,
// for memory, its pitch and slice height.
struct CopySide {
  CUmemorytype type{};
  size_t x = 0, y = 0, z = 0;
  const void *host = nullptr;
  CUdeviceptr device = 0;
  CUarray array = nullptr;
  size_t pitch = 0, height = 0;

  cudaArray_t cudaArray() const { return arrayOf(array); }
};

// Whether a side is device memory (arrays are); nullopt for unified addresses, whose pointer
// decides.
std::optional<bool> isDeviceSide(CUmemorytype type) {
  if (type == CU_MEMORYTYPE_UNIFIED)
    return std::nullopt;
  return type != CU_MEMORYTYPE_HOST;
}

cudaMemcpyKind kindOf(CUmemorytype source, CUmemorytype destination) {
  std::optional<bool> from = isDeviceSide(source), to = isDeviceSide(destination);
  if (!from || !to)
    return cudaMemcpyDefault;
  if (*from)
    return *to ? cudaMemcpyDeviceToDevice : cudaMemcpyDeviceToHost;
  return *to ? cudaMemcpyHostToDevice : cudaMemcpyHostToHost;
}

// Fills one side of `p`; `elementBytes` is the element size of the copy's array(s), 1 without.
CUresult translateSide(const CopySide &side, size_t elementBytes, size_t widthInBytes,
                       cudaArray_t &array, cudaPos &position, cudaPitchedPtr &pointer) {
  switch (side.type) {
  case CU_MEMORYTYPE_ARRAY:
    if (side.x % elementBytes) {
      CUPORT_ERROR("array copy: byte offset %zu is not a whole number of %zu-byte elements", side.x,
                   elementBytes);
      return CUDA_ERROR_INVALID_VALUE;
    }
    array = side.cudaArray();
    position = cudaPos{side.x / elementBytes, side.y, side.z};
    return CUDA_SUCCESS;
  case CU_MEMORYTYPE_HOST:
  case CU_MEMORYTYPE_DEVICE:
  case CU_MEMORYTYPE_UNIFIED: {
    void *address = side.type == CU_MEMORYTYPE_HOST ? const_cast<void *>(side.host)
                                                    : reinterpret_cast<void *>(side.device);
    if (!address)
      return CUDA_ERROR_INVALID_VALUE;
    pointer = cudaPitchedPtr{address, side.pitch, widthInBytes, side.height};
    position = cudaPos{side.x, side.y, side.z};
    return CUDA_SUCCESS;
  }
  }
  CUPORT_ERROR("memory type %d is not a CUmemorytype", int(side.type));
  return CUDA_ERROR_INVALID_VALUE;
}

// A CUDA_MEMCPY3D-shaped copy as runtime/core's cudaMemcpy3D.
CUresult copyRegion(const Queue &queue, const CopySide &source, const CopySide &destination,
                    size_t widthInBytes, size_t height, size_t depth) {
  // With an array involved, offsets and the width must be whole elements of it.
  size_t elementBytes = 1;
  for (const CopySide *side : {&source, &destination})
    if (side->type == CU_MEMORYTYPE_ARRAY) {
      if (!core::isLiveArray(side->cudaArray())) {
        CUPORT_ERROR("copy %s %p is not a live CUDA array",
                     side == &source ? "source" : "destination", static_cast<void *>(side->array));
        return side->array ? CUDA_ERROR_INVALID_HANDLE : CUDA_ERROR_INVALID_VALUE;
      }
      elementBytes = side->cudaArray()->elementBytes;
    }
  if (widthInBytes % elementBytes) {
    CUPORT_ERROR("array copy: %zu bytes is not a whole number of %zu-byte elements", widthInBytes,
                 elementBytes);
    return CUDA_ERROR_INVALID_VALUE;
  }
  cudaMemcpy3DParms p{};
  if (CUresult result =
          translateSide(source, elementBytes, widthInBytes, p.srcArray, p.srcPos, p.srcPtr);
      result != CUDA_SUCCESS)
    return result;
  if (CUresult result =
          translateSide(destination, elementBytes, widthInBytes, p.dstArray, p.dstPos, p.dstPtr);
      result != CUDA_SUCCESS)
    return result;
  p.extent = cudaExtent{widthInBytes / elementBytes, height, depth};
  p.kind = kindOf(source.type, destination.type);
  return onQueue(queue, [&](core::Device &device, core::Stream *stream) {
    return core::copy3D(device, p, stream);
  });
}

CUresult copy2D(const char *entry, const Queue &queue, const CUDA_MEMCPY2D *c) {
  CUresult result = CUDA_ERROR_INVALID_VALUE;
  if (c) {
    CopySide source{c->srcMemoryType, c->srcXInBytes, c->srcY,     0,        c->srcHost,
                    c->srcDevice,     c->srcArray,    c->srcPitch, c->Height};
    CopySide destination{c->dstMemoryType, c->dstXInBytes, c->dstY,     0,        c->dstHost,
                         c->dstDevice,     c->dstArray,    c->dstPitch, c->Height};
    result = copyRegion(queue, source, destination, c->WidthInBytes, c->Height, 1);
  }
  return finishCall(entry, result, "pCopy=%p hStream=%p", static_cast<const void *>(c),
                    static_cast<void *>(queue.stream));
}

CUresult copy3D(const char *entry, const Queue &queue, const CUDA_MEMCPY3D *c) {
  CUresult result = CUDA_ERROR_INVALID_VALUE;
  // Levels of detail and the reserved members must be zero.
  if (c && c->srcLOD == 0 && c->dstLOD == 0 && !c->reserved0 && !c->reserved1) {
    CopySide source{c->srcMemoryType, c->srcXInBytes, c->srcY,     c->srcZ,     c->srcHost,
                    c->srcDevice,     c->srcArray,    c->srcPitch, c->srcHeight};
    CopySide destination{c->dstMemoryType, c->dstXInBytes, c->dstY,     c->dstZ,     c->dstHost,
                         c->dstDevice,     c->dstArray,    c->dstPitch, c->dstHeight};
    result = copyRegion(queue, source, destination, c->WidthInBytes, c->Height, c->Depth);
  }
  return finishCall(entry, result, "pCopy=%p hStream=%p", static_cast<const void *>(c),
                    static_cast<void *>(queue.stream));
}

// The array as linear memory: a byte offset into its rows (hOffset rows of rowPitch, then bytes).
void placeOffset(cudaArray_t array, size_t offset, size_t &wOffset, size_t &hOffset) {
  if (!core::isLiveArray(array)) { // core refuses it; the offset does not matter
    wOffset = offset;
    hOffset = 0;
    return;
  }
  wOffset = offset % array->rowPitch;
  hOffset = offset / array->rowPitch;
}

CUresult linearCopy(const char *entry, const Queue &queue, core::LinearArrayCopy copy,
                    size_t dstOffset, size_t srcOffset) {
  if (copy.dstArray)
    placeOffset(copy.dstArray, dstOffset, copy.dstWOffset, copy.dstHOffset);
  if (copy.srcArray)
    placeOffset(copy.srcArray, srcOffset, copy.srcWOffset, copy.srcHOffset);
  CUresult result = onQueue(queue, [&](core::Device &device, core::Stream *stream) {
    return core::copyLinear(device, copy, stream);
  });
  return finishCall(entry, result, "dst=%p/%p+%zu src=%p/%p+%zu ByteCount=%zu hStream=%p",
                    static_cast<void *>(copy.dstArray), copy.dstPointer, dstOffset,
                    static_cast<void *>(copy.srcArray), copy.srcPointer, srcOffset, copy.count,
                    static_cast<void *>(queue.stream));
}

core::LinearArrayCopy toArray(CUarray array, const void *source, size_t count,
                              cudaMemcpyKind kind) {
  core::LinearArrayCopy copy;
  copy.dstArray = arrayOf(array);
  copy.srcPointer = source;
  copy.count = count;
  copy.kind = kind;
  return copy;
}

core::LinearArrayCopy fromArray(void *destination, CUarray array, size_t count,
                                cudaMemcpyKind kind) {
  core::LinearArrayCopy copy;
  copy.srcArray = arrayOf(array);
  copy.dstPointer = destination;
  copy.count = count;
  copy.kind = kind;
  return copy;
}

void *devicePointer(CUdeviceptr address) {
  return reinterpret_cast<void *>(address);
}

// cuMemcpyAtoA: the arrays' elements may differ in format but not in size, and the count must be
// whole elements.
CUresult arrayToArray(const char *entry, CUarray dstHandle, size_t dstOffset, CUarray srcHandle,
                      size_t srcOffset, size_t count) {
  cudaArray_t dst = arrayOf(dstHandle), src = arrayOf(srcHandle);
  if (core::isLiveArray(dst) && core::isLiveArray(src) &&
      (dst->elementBytes != src->elementBytes || count % dst->elementBytes)) {
    CUPORT_ERROR("cuMemcpyAtoA: %zu bytes between arrays of %zu- and %zu-byte elements", count,
                 dst->elementBytes, src->elementBytes);
    return finishCall(entry, CUDA_ERROR_INVALID_VALUE, "dst=%p src=%p ByteCount=%zu",
                      static_cast<void *>(dst), static_cast<void *>(src), count);
  }
  core::LinearArrayCopy copy;
  copy.dstArray = dst;
  copy.srcArray = src;
  copy.count = count;
  copy.kind = cudaMemcpyDeviceToDevice;
  return linearCopy(entry, kSynchronous, copy, dstOffset, srcOffset);
}

Queue asyncOn(CUstream stream, bool perThreadDefault) {
  return Queue{true, stream, perThreadDefault};
}

} // namespace

extern "C" {

CUresult cuMemcpy2D(const CUDA_MEMCPY2D *pCopy) {
  return copy2D("cuMemcpy2D_v2", kSynchronous, pCopy);
}
CUresult cuMemcpy2D_v2_ptds(const CUDA_MEMCPY2D *pCopy) {
  return copy2D("cuMemcpy2D_v2_ptds", kSynchronous, pCopy);
}

// Alignment does not matter to a copy on the CPU: the unaligned form is the same copy.
CUresult cuMemcpy2DUnaligned(const CUDA_MEMCPY2D *pCopy) {
  return copy2D("cuMemcpy2DUnaligned_v2", kSynchronous, pCopy);
}
CUresult cuMemcpy2DUnaligned_v2_ptds(const CUDA_MEMCPY2D *pCopy) {
  return copy2D("cuMemcpy2DUnaligned_v2_ptds", kSynchronous, pCopy);
}

CUresult cuMemcpy2DAsync(const CUDA_MEMCPY2D *pCopy, CUstream hStream) {
  return copy2D("cuMemcpy2DAsync_v2", asyncOn(hStream, kLegacy), pCopy);
}
CUresult cuMemcpy2DAsync_v2_ptsz(const CUDA_MEMCPY2D *pCopy, CUstream hStream) {
  return copy2D("cuMemcpy2DAsync_v2_ptsz", asyncOn(hStream, kPerThread), pCopy);
}

CUresult cuMemcpy3D(const CUDA_MEMCPY3D *pCopy) {
  return copy3D("cuMemcpy3D_v2", kSynchronous, pCopy);
}
CUresult cuMemcpy3D_v2_ptds(const CUDA_MEMCPY3D *pCopy) {
  return copy3D("cuMemcpy3D_v2_ptds", kSynchronous, pCopy);
}

CUresult cuMemcpy3DAsync(const CUDA_MEMCPY3D *pCopy, CUstream hStream) {
  return copy3D("cuMemcpy3DAsync_v2", asyncOn(hStream, kLegacy), pCopy);
}
CUresult cuMemcpy3DAsync_v2_ptsz(const CUDA_MEMCPY3D *pCopy, CUstream hStream) {
  return copy3D("cuMemcpy3DAsync_v2_ptsz", asyncOn(hStream, kPerThread), pCopy);
}

CUresult cuMemcpyHtoA(CUarray dstArray, size_t dstOffset, const void *srcHost, size_t ByteCount) {
  return linearCopy("cuMemcpyHtoA_v2", kSynchronous,
                    toArray(dstArray, srcHost, ByteCount, cudaMemcpyHostToDevice), dstOffset, 0);
}
CUresult cuMemcpyHtoA_v2_ptds(CUarray dstArray, size_t dstOffset, const void *srcHost,
                              size_t ByteCount) {
  return linearCopy("cuMemcpyHtoA_v2_ptds", kSynchronous,
                    toArray(dstArray, srcHost, ByteCount, cudaMemcpyHostToDevice), dstOffset, 0);
}

CUresult cuMemcpyHtoAAsync(CUarray dstArray, size_t dstOffset, const void *srcHost,
                           size_t ByteCount, CUstream hStream) {
  return linearCopy("cuMemcpyHtoAAsync_v2", asyncOn(hStream, kLegacy),
                    toArray(dstArray, srcHost, ByteCount, cudaMemcpyHostToDevice), dstOffset, 0);
}
CUresult cuMemcpyHtoAAsync_v2_ptsz(CUarray dstArray, size_t dstOffset, const void *srcHost,
                                   size_t ByteCount, CUstream hStream) {
  return linearCopy("cuMemcpyHtoAAsync_v2_ptsz", asyncOn(hStream, kPerThread),
                    toArray(dstArray, srcHost, ByteCount, cudaMemcpyHostToDevice), dstOffset, 0);
}

CUresult cuMemcpyAtoH(void *dstHost, CUarray srcArray, size_t srcOffset, size_t ByteCount) {
  return linearCopy("cuMemcpyAtoH_v2", kSynchronous,
                    fromArray(dstHost, srcArray, ByteCount, cudaMemcpyDeviceToHost), 0, srcOffset);
}
CUresult cuMemcpyAtoH_v2_ptds(void *dstHost, CUarray srcArray, size_t srcOffset, size_t ByteCount) {
  return linearCopy("cuMemcpyAtoH_v2_ptds", kSynchronous,
                    fromArray(dstHost, srcArray, ByteCount, cudaMemcpyDeviceToHost), 0, srcOffset);
}

CUresult cuMemcpyAtoHAsync(void *dstHost, CUarray srcArray, size_t srcOffset, size_t ByteCount,
                           CUstream hStream) {
  return linearCopy("cuMemcpyAtoHAsync_v2", asyncOn(hStream, kLegacy),
                    fromArray(dstHost, srcArray, ByteCount, cudaMemcpyDeviceToHost), 0, srcOffset);
}
CUresult cuMemcpyAtoHAsync_v2_ptsz(void *dstHost, CUarray srcArray, size_t srcOffset,
                                   size_t ByteCount, CUstream hStream) {
  return linearCopy("cuMemcpyAtoHAsync_v2_ptsz", asyncOn(hStream, kPerThread),
                    fromArray(dstHost, srcArray, ByteCount, cudaMemcpyDeviceToHost), 0, srcOffset);
}

CUresult cuMemcpyAtoD(CUdeviceptr dstDevice, CUarray srcArray, size_t srcOffset, size_t ByteCount) {
  return linearCopy(
      "cuMemcpyAtoD_v2", kSynchronous,
      fromArray(devicePointer(dstDevice), srcArray, ByteCount, cudaMemcpyDeviceToDevice), 0,
      srcOffset);
}
CUresult cuMemcpyAtoD_v2_ptds(CUdeviceptr dstDevice, CUarray srcArray, size_t srcOffset,
                              size_t ByteCount) {
  return linearCopy(
      "cuMemcpyAtoD_v2_ptds", kSynchronous,
      fromArray(devicePointer(dstDevice), srcArray, ByteCount, cudaMemcpyDeviceToDevice), 0,
      srcOffset);
}

CUresult cuMemcpyDtoA(CUarray dstArray, size_t dstOffset, CUdeviceptr srcDevice, size_t ByteCount) {
  return linearCopy(
      "cuMemcpyDtoA_v2", kSynchronous,
      toArray(dstArray, devicePointer(srcDevice), ByteCount, cudaMemcpyDeviceToDevice), dstOffset,
      0);
}
CUresult cuMemcpyDtoA_v2_ptds(CUarray dstArray, size_t dstOffset, CUdeviceptr srcDevice,
                              size_t ByteCount) {
  return linearCopy(
      "cuMemcpyDtoA_v2_ptds", kSynchronous,
      toArray(dstArray, devicePointer(srcDevice), ByteCount, cudaMemcpyDeviceToDevice), dstOffset,
      0);
}

CUresult cuMemcpyAtoA(CUarray dstArray, size_t dstOffset, CUarray srcArray, size_t srcOffset,
                      size_t ByteCount) {
  return arrayToArray("cuMemcpyAtoA_v2", dstArray, dstOffset, srcArray, srcOffset, ByteCount);
}
CUresult cuMemcpyAtoA_v2_ptds(CUarray dstArray, size_t dstOffset, CUarray srcArray,
                              size_t srcOffset, size_t ByteCount) {
  return arrayToArray("cuMemcpyAtoA_v2_ptds", dstArray, dstOffset, srcArray, srcOffset, ByteCount);
}

} // extern "C"
