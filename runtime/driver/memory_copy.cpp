// Copies and fills of linear memory: cuMemcpy, cuMemcpyHtoD / DtoH / DtoD and their Async forms,
// cuMemsetD8 / D16 / D32 and their 2D and Async forms (with the _ptds / _ptsz twins). Ordered on
// their stream and validated by runtime/core as the runtime API's copies are; the synchronous
// copies return when the copy is done, as cuda.h documents.
#include "runtime/driver/memory_stream.h"

#include "runtime/core/memory.h"
#include "support/log.h"

using namespace cuport;
using namespace cuport::driver;

namespace {

CUresult copyCall(const char *entry, void *dst, const void *src, size_t bytes, cudaMemcpyKind kind,
                  CUstream stream, bool perThread, core::CopyCall call) {
  CUresult result = onStream(stream, perThread, call == core::CopyCall::Synchronous,
                             [&](core::Device &device, const std::shared_ptr<core::Stream> &queue) {
                               return core::copy(device, dst, src, bytes, kind, queue, call);
                             });
  return finishCall(entry, result, "dst=%p src=%p bytes=%zu stream=%p", dst, src, bytes,
                    static_cast<void *>(stream));
}

// cuMemsetD2D*: `width` elements of `elementBytes` in each of `height` rows `pitch` bytes apart.
// The destination (and the pitch of more than one row) must be aligned to the element.
CUresult fillCall(const char *entry, CUdeviceptr dst, size_t pitch, unsigned value,
                  unsigned elementBytes, size_t width, size_t height, CUstream stream,
                  bool perThread, bool synchronous) {
  CUresult result = CUDA_SUCCESS;
  if (dst % elementBytes != 0 || (height > 1 && pitch % elementBytes != 0)) {
    CUPORT_ERROR("%s: %#llx (pitch %zu) is not aligned to its %u-byte elements", entry,
                 static_cast<unsigned long long>(dst), pitch, elementBytes);
    result = CUDA_ERROR_INVALID_VALUE;
  }
  if (result == CUDA_SUCCESS && width > SIZE_MAX / elementBytes)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = onStream(stream, perThread, synchronous,
                      [&](core::Device &device, const std::shared_ptr<core::Stream> &queue) {
                        return core::fillRegion(device, core::PitchedView{pointerOf(dst), pitch, 0},
                                                static_cast<int>(value),
                                                core::CopyRegion{width * elementBytes, height, 1},
                                                queue, elementBytes);
                      });
  return finishCall(entry, result, "dst=%#llx pitch=%zu value=%#x width=%zu height=%zu stream=%p",
                    static_cast<unsigned long long>(dst), pitch, value, width, height,
                    static_cast<void *>(stream));
}

// A 1D fill: one row of `count` elements.
CUresult fill1D(const char *entry, CUdeviceptr dst, unsigned value, unsigned elementBytes,
                size_t count, CUstream stream, bool perThread, bool synchronous) {
  return fillCall(entry, dst, count * elementBytes, value, elementBytes, count, 1, stream,
                  perThread, synchronous);
}

constexpr auto kSync = core::CopyCall::Synchronous;
constexpr auto kAsync = core::CopyCall::Asynchronous;

} // namespace

extern "C" {

// Copies. Unified addressing lets every form run as cudaMemcpyDefault would, but the direction
// the name gives is checked as the runtime checks cudaMemcpy's kind.
CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount) {
  return copyCall("cuMemcpy", pointerOf(dst), pointerOf(src), ByteCount, cudaMemcpyDefault, nullptr,
                  kLegacy, kSync);
}
CUresult cuMemcpy_ptds(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount) {
  return copyCall("cuMemcpy_ptds", pointerOf(dst), pointerOf(src), ByteCount, cudaMemcpyDefault,
                  nullptr, kPerThread, kSync);
}
CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount, CUstream hStream) {
  return copyCall("cuMemcpyAsync", pointerOf(dst), pointerOf(src), ByteCount, cudaMemcpyDefault,
                  hStream, kLegacy, kAsync);
}
CUresult cuMemcpyAsync_ptsz(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount, CUstream hStream) {
  return copyCall("cuMemcpyAsync_ptsz", pointerOf(dst), pointerOf(src), ByteCount,
                  cudaMemcpyDefault, hStream, kPerThread, kAsync);
}

CUresult cuMemcpyHtoD(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount) {
  return copyCall("cuMemcpyHtoD_v2", pointerOf(dstDevice), srcHost, ByteCount,
                  cudaMemcpyHostToDevice, nullptr, kLegacy, kSync);
}
CUresult cuMemcpyHtoD_v2_ptds(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount) {
  return copyCall("cuMemcpyHtoD_v2_ptds", pointerOf(dstDevice), srcHost, ByteCount,
                  cudaMemcpyHostToDevice, nullptr, kPerThread, kSync);
}
CUresult cuMemcpyHtoDAsync(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount,
                           CUstream hStream) {
  return copyCall("cuMemcpyHtoDAsync_v2", pointerOf(dstDevice), srcHost, ByteCount,
                  cudaMemcpyHostToDevice, hStream, kLegacy, kAsync);
}
CUresult cuMemcpyHtoDAsync_v2_ptsz(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount,
                                   CUstream hStream) {
  return copyCall("cuMemcpyHtoDAsync_v2_ptsz", pointerOf(dstDevice), srcHost, ByteCount,
                  cudaMemcpyHostToDevice, hStream, kPerThread, kAsync);
}

CUresult cuMemcpyDtoH(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount) {
  return copyCall("cuMemcpyDtoH_v2", dstHost, pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToHost, nullptr, kLegacy, kSync);
}
CUresult cuMemcpyDtoH_v2_ptds(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount) {
  return copyCall("cuMemcpyDtoH_v2_ptds", dstHost, pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToHost, nullptr, kPerThread, kSync);
}
CUresult cuMemcpyDtoHAsync(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount,
                           CUstream hStream) {
  return copyCall("cuMemcpyDtoHAsync_v2", dstHost, pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToHost, hStream, kLegacy, kAsync);
}
CUresult cuMemcpyDtoHAsync_v2_ptsz(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount,
                                   CUstream hStream) {
  return copyCall("cuMemcpyDtoHAsync_v2_ptsz", dstHost, pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToHost, hStream, kPerThread, kAsync);
}

CUresult cuMemcpyDtoD(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount) {
  return copyCall("cuMemcpyDtoD_v2", pointerOf(dstDevice), pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToDevice, nullptr, kLegacy, kSync);
}
CUresult cuMemcpyDtoD_v2_ptds(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount) {
  return copyCall("cuMemcpyDtoD_v2_ptds", pointerOf(dstDevice), pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToDevice, nullptr, kPerThread, kSync);
}
CUresult cuMemcpyDtoDAsync(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount,
                           CUstream hStream) {
  return copyCall("cuMemcpyDtoDAsync_v2", pointerOf(dstDevice), pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToDevice, hStream, kLegacy, kAsync);
}
CUresult cuMemcpyDtoDAsync_v2_ptsz(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount,
                                   CUstream hStream) {
  return copyCall("cuMemcpyDtoDAsync_v2_ptsz", pointerOf(dstDevice), pointerOf(srcDevice),
                  ByteCount, cudaMemcpyDeviceToDevice, hStream, kPerThread, kAsync);
}

// Peer copies between contexts: every context is on the one device, so a peer copy is a copy
// within its memory.
CUresult peerCopy(const char *entry, CUdeviceptr dstDevice, CUcontext dstContext,
                  CUdeviceptr srcDevice, CUcontext srcContext, size_t ByteCount, CUstream hStream,
                  bool perThread, core::CopyCall call) {
  Context *context = nullptr;
  CUresult result = liveContext(dstContext, context);
  if (result == CUDA_SUCCESS)
    result = liveContext(srcContext, context);
  if (result != CUDA_SUCCESS)
    return finishCall(entry, result, "dstContext=%p srcContext=%p", static_cast<void *>(dstContext),
                      static_cast<void *>(srcContext));
  return copyCall(entry, pointerOf(dstDevice), pointerOf(srcDevice), ByteCount,
                  cudaMemcpyDeviceToDevice, hStream, perThread, call);
}

CUresult cuMemcpyPeer(CUdeviceptr dstDevice, CUcontext dstContext, CUdeviceptr srcDevice,
                      CUcontext srcContext, size_t ByteCount) {
  return peerCopy("cuMemcpyPeer", dstDevice, dstContext, srcDevice, srcContext, ByteCount, nullptr,
                  kLegacy, kSync);
}
CUresult cuMemcpyPeer_ptds(CUdeviceptr dstDevice, CUcontext dstContext, CUdeviceptr srcDevice,
                           CUcontext srcContext, size_t ByteCount) {
  return peerCopy("cuMemcpyPeer_ptds", dstDevice, dstContext, srcDevice, srcContext, ByteCount,
                  nullptr, kPerThread, kSync);
}
CUresult cuMemcpyPeerAsync(CUdeviceptr dstDevice, CUcontext dstContext, CUdeviceptr srcDevice,
                           CUcontext srcContext, size_t ByteCount, CUstream hStream) {
  return peerCopy("cuMemcpyPeerAsync", dstDevice, dstContext, srcDevice, srcContext, ByteCount,
                  hStream, kLegacy, kAsync);
}
CUresult cuMemcpyPeerAsync_ptsz(CUdeviceptr dstDevice, CUcontext dstContext, CUdeviceptr srcDevice,
                                CUcontext srcContext, size_t ByteCount, CUstream hStream) {
  return peerCopy("cuMemcpyPeerAsync_ptsz", dstDevice, dstContext, srcDevice, srcContext, ByteCount,
                  hStream, kPerThread, kAsync);
}

// 1D fills.
CUresult cuMemsetD8(CUdeviceptr dstDevice, unsigned char uc, size_t N) {
  return fill1D("cuMemsetD8_v2", dstDevice, uc, 1, N, nullptr, kLegacy, true);
}
CUresult cuMemsetD8_v2_ptds(CUdeviceptr dstDevice, unsigned char uc, size_t N) {
  return fill1D("cuMemsetD8_v2_ptds", dstDevice, uc, 1, N, nullptr, kPerThread, true);
}
CUresult cuMemsetD8Async(CUdeviceptr dstDevice, unsigned char uc, size_t N, CUstream hStream) {
  return fill1D("cuMemsetD8Async", dstDevice, uc, 1, N, hStream, kLegacy, false);
}
CUresult cuMemsetD8Async_ptsz(CUdeviceptr dstDevice, unsigned char uc, size_t N, CUstream hStream) {
  return fill1D("cuMemsetD8Async_ptsz", dstDevice, uc, 1, N, hStream, kPerThread, false);
}
CUresult cuMemsetD16(CUdeviceptr dstDevice, unsigned short us, size_t N) {
  return fill1D("cuMemsetD16_v2", dstDevice, us, 2, N, nullptr, kLegacy, true);
}
CUresult cuMemsetD16_v2_ptds(CUdeviceptr dstDevice, unsigned short us, size_t N) {
  return fill1D("cuMemsetD16_v2_ptds", dstDevice, us, 2, N, nullptr, kPerThread, true);
}
CUresult cuMemsetD16Async(CUdeviceptr dstDevice, unsigned short us, size_t N, CUstream hStream) {
  return fill1D("cuMemsetD16Async", dstDevice, us, 2, N, hStream, kLegacy, false);
}
CUresult cuMemsetD16Async_ptsz(CUdeviceptr dstDevice, unsigned short us, size_t N,
                               CUstream hStream) {
  return fill1D("cuMemsetD16Async_ptsz", dstDevice, us, 2, N, hStream, kPerThread, false);
}
CUresult cuMemsetD32(CUdeviceptr dstDevice, unsigned int ui, size_t N) {
  return fill1D("cuMemsetD32_v2", dstDevice, ui, 4, N, nullptr, kLegacy, true);
}
CUresult cuMemsetD32_v2_ptds(CUdeviceptr dstDevice, unsigned int ui, size_t N) {
  return fill1D("cuMemsetD32_v2_ptds", dstDevice, ui, 4, N, nullptr, kPerThread, true);
}
CUresult cuMemsetD32Async(CUdeviceptr dstDevice, unsigned int ui, size_t N, CUstream hStream) {
  return fill1D("cuMemsetD32Async", dstDevice, ui, 4, N, hStream, kLegacy, false);
}
CUresult cuMemsetD32Async_ptsz(CUdeviceptr dstDevice, unsigned int ui, size_t N, CUstream hStream) {
  return fill1D("cuMemsetD32Async_ptsz", dstDevice, ui, 4, N, hStream, kPerThread, false);
}

// 2D fills.
CUresult cuMemsetD2D8(CUdeviceptr dstDevice, size_t dstPitch, unsigned char uc, size_t Width,
                      size_t Height) {
  return fillCall("cuMemsetD2D8_v2", dstDevice, dstPitch, uc, 1, Width, Height, nullptr, kLegacy,
                  true);
}
CUresult cuMemsetD2D8_v2_ptds(CUdeviceptr dstDevice, size_t dstPitch, unsigned char uc,
                              size_t Width, size_t Height) {
  return fillCall("cuMemsetD2D8_v2_ptds", dstDevice, dstPitch, uc, 1, Width, Height, nullptr,
                  kPerThread, true);
}
CUresult cuMemsetD2D8Async(CUdeviceptr dstDevice, size_t dstPitch, unsigned char uc, size_t Width,
                           size_t Height, CUstream hStream) {
  return fillCall("cuMemsetD2D8Async", dstDevice, dstPitch, uc, 1, Width, Height, hStream, kLegacy,
                  false);
}
CUresult cuMemsetD2D8Async_ptsz(CUdeviceptr dstDevice, size_t dstPitch, unsigned char uc,
                                size_t Width, size_t Height, CUstream hStream) {
  return fillCall("cuMemsetD2D8Async_ptsz", dstDevice, dstPitch, uc, 1, Width, Height, hStream,
                  kPerThread, false);
}
CUresult cuMemsetD2D16(CUdeviceptr dstDevice, size_t dstPitch, unsigned short us, size_t Width,
                       size_t Height) {
  return fillCall("cuMemsetD2D16_v2", dstDevice, dstPitch, us, 2, Width, Height, nullptr, kLegacy,
                  true);
}
CUresult cuMemsetD2D16_v2_ptds(CUdeviceptr dstDevice, size_t dstPitch, unsigned short us,
                               size_t Width, size_t Height) {
  return fillCall("cuMemsetD2D16_v2_ptds", dstDevice, dstPitch, us, 2, Width, Height, nullptr,
                  kPerThread, true);
}
CUresult cuMemsetD2D16Async(CUdeviceptr dstDevice, size_t dstPitch, unsigned short us, size_t Width,
                            size_t Height, CUstream hStream) {
  return fillCall("cuMemsetD2D16Async", dstDevice, dstPitch, us, 2, Width, Height, hStream, kLegacy,
                  false);
}
CUresult cuMemsetD2D16Async_ptsz(CUdeviceptr dstDevice, size_t dstPitch, unsigned short us,
                                 size_t Width, size_t Height, CUstream hStream) {
  return fillCall("cuMemsetD2D16Async_ptsz", dstDevice, dstPitch, us, 2, Width, Height, hStream,
                  kPerThread, false);
}
CUresult cuMemsetD2D32(CUdeviceptr dstDevice, size_t dstPitch, unsigned int ui, size_t Width,
                       size_t Height) {
  return fillCall("cuMemsetD2D32_v2", dstDevice, dstPitch, ui, 4, Width, Height, nullptr, kLegacy,
                  true);
}
CUresult cuMemsetD2D32_v2_ptds(CUdeviceptr dstDevice, size_t dstPitch, unsigned int ui,
                               size_t Width, size_t Height) {
  return fillCall("cuMemsetD2D32_v2_ptds", dstDevice, dstPitch, ui, 4, Width, Height, nullptr,
                  kPerThread, true);
}
CUresult cuMemsetD2D32Async(CUdeviceptr dstDevice, size_t dstPitch, unsigned int ui, size_t Width,
                            size_t Height, CUstream hStream) {
  return fillCall("cuMemsetD2D32Async", dstDevice, dstPitch, ui, 4, Width, Height, hStream, kLegacy,
                  false);
}
CUresult cuMemsetD2D32Async_ptsz(CUdeviceptr dstDevice, size_t dstPitch, unsigned int ui,
                                 size_t Width, size_t Height, CUstream hStream) {
  return fillCall("cuMemsetD2D32Async_ptsz", dstDevice, dstPitch, ui, 4, Width, Height, hStream,
                  kPerThread, false);
}

} // extern "C"
