// Device memory: cudaMalloc, cudaFree, cudaMemcpy, cudaMemset and the symbol copies.
#include "runtime/cudart/api.h"

#include "runtime/core/capture.h"
#include "runtime/core/memory.h"
#include "runtime/core/symbols.h"

using namespace cuport;

namespace {

// Runs `operation` on the device, or returns why there is none.
template <typename Operation> cudaError_t onDevice(Operation operation) {
  core::Device *device = nullptr;
  if (cudaError_t error = cudart::device(device); error != cudaSuccess)
    return error;
  return operation(*device);
}

cudaError_t memcpyTraced(const char *entry, void *dst, const void *src, size_t count,
                         cudaMemcpyKind kind) {
  // A synchronous copy is a potentially unsafe call during stream capture.
  cudaError_t result = core::checkUnsafeCall();
  if (result == cudaSuccess)
    result =
        onDevice([&](core::Device &device) { return core::copy(device, dst, src, count, kind); });
  return core::finishCall(entry, result, "dst=%p src=%p count=%zu kind=%d", dst, src, count,
                          static_cast<int>(kind));
}

cudaError_t memsetTraced(const char *entry, void *devPtr, int value, size_t count) {
  // cudaMemset is ordered on the legacy default stream: unsafe during stream capture.
  cudaError_t result = core::checkUnsafeCall();
  if (result == cudaSuccess)
    result =
        onDevice([&](core::Device &device) { return core::fill(device, devPtr, value, count); });
  return core::finishCall(entry, result, "devPtr=%p value=%d count=%zu", devPtr, value, count);
}

cudaError_t toSymbolTraced(const char *entry, const void *symbol, const void *src, size_t count,
                           size_t offset, cudaMemcpyKind kind) {
  cudaError_t result = onDevice([&](core::Device &device) {
    return core::copySymbol(device, symbol, const_cast<void *>(src), count, offset, kind, true);
  });
  return core::finishCall(entry, result, "symbol=%p src=%p count=%zu offset=%zu kind=%d", symbol,
                          src, count, offset, static_cast<int>(kind));
}

cudaError_t fromSymbolTraced(const char *entry, void *dst, const void *symbol, size_t count,
                             size_t offset, cudaMemcpyKind kind) {
  cudaError_t result = onDevice([&](core::Device &device) {
    return core::copySymbol(device, symbol, dst, count, offset, kind, false);
  });
  return core::finishCall(entry, result, "dst=%p symbol=%p count=%zu offset=%zu kind=%d", dst,
                          symbol, count, offset, static_cast<int>(kind));
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

cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind) {
  return memcpyTraced("cudaMemcpy", dst, src, count, kind);
}

cudaError_t cudaMemcpy_ptds(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind) {
  return memcpyTraced("cudaMemcpy_ptds", dst, src, count, kind);
}

cudaError_t cudaMemset(void *devPtr, int value, size_t count) {
  return memsetTraced("cudaMemset", devPtr, value, count);
}

cudaError_t cudaMemset_ptds(void *devPtr, int value, size_t count) {
  return memsetTraced("cudaMemset_ptds", devPtr, value, count);
}

cudaError_t cudaMemcpyToSymbol(const void *symbol, const void *src, size_t count, size_t offset,
                               enum cudaMemcpyKind kind) {
  return toSymbolTraced("cudaMemcpyToSymbol", symbol, src, count, offset, kind);
}

cudaError_t cudaMemcpyToSymbol_ptds(const void *symbol, const void *src, size_t count,
                                    size_t offset, enum cudaMemcpyKind kind) {
  return toSymbolTraced("cudaMemcpyToSymbol_ptds", symbol, src, count, offset, kind);
}

cudaError_t cudaMemcpyFromSymbol(void *dst, const void *symbol, size_t count, size_t offset,
                                 enum cudaMemcpyKind kind) {
  return fromSymbolTraced("cudaMemcpyFromSymbol", dst, symbol, count, offset, kind);
}

cudaError_t cudaMemcpyFromSymbol_ptds(void *dst, const void *symbol, size_t count, size_t offset,
                                      enum cudaMemcpyKind kind) {
  return fromSymbolTraced("cudaMemcpyFromSymbol_ptds", dst, symbol, count, offset, kind);
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
