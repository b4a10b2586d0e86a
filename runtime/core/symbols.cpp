#include "runtime/core/symbols.h"

#include "runtime/core/device.h"
#include "runtime/core/error_state.h"
#include "runtime/core/memory.h"
#include "runtime/core/registry.h"
#include "support/log.h"

namespace cuport::core {

cudaError_t symbolAddress(Device &device, const void *symbol, void **address, size_t *size) {
  if (cudaError_t stuck = stickyError(); stuck != cudaSuccess)
    return stuck;
  Variable *variable = registry().findVariable(symbol);
  if (!variable) {
    CUPORT_ERROR("symbol %p is not a registered __device__ or __constant__ variable", symbol);
    return cudaErrorInvalidSymbol;
  }
  if (cudaError_t error = variable->module->load(device); error != cudaSuccess)
    return error;
  if (!variable->deviceAddress || variable->generation != device.generation())
    return cudaErrorInvalidSymbol;
  if (address)
    *address = variable->deviceAddress;
  if (size)
    *size = variable->size;
  return cudaSuccess;
}

cudaError_t copySymbol(Device &device, const void *symbol, void *other, size_t bytes, size_t offset,
                       cudaMemcpyKind kind, bool toSymbol, const std::shared_ptr<Stream> &stream,
                       CopyCall call) {
  bool kindAllowed = kind == cudaMemcpyDeviceToDevice || kind == cudaMemcpyDefault ||
                     kind == (toSymbol ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost);
  if (!kindAllowed)
    return cudaErrorInvalidMemcpyDirection;
  void *base = nullptr;
  size_t size = 0;
  if (cudaError_t error = symbolAddress(device, symbol, &base, &size); error != cudaSuccess)
    return error;
  if (offset > size || bytes > size - offset) {
    CUPORT_ERROR("copy of %zu bytes at offset %zu of a %zu-byte symbol", bytes, offset, size);
    return cudaErrorInvalidValue;
  }
  void *inside = static_cast<char *>(base) + offset;
  return toSymbol ? copy(device, inside, other, bytes, kind, stream, call)
                  : copy(device, other, inside, bytes, kind, stream, call);
}

} // namespace cuport::core
