// __device__ / __constant__ variables seen from the host: cudaGetSymbolAddress,
// cudaGetSymbolSize, cudaMemcpyToSymbol, cudaMemcpyFromSymbol. `symbol` is the address of the
// host shadow variable the program registered.
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/core/memory.h"

#include <driver_types.h>

namespace cuport::core {

class Device;
class Stream;

// Loads the variable's module if needed. cudaErrorInvalidSymbol for an unregistered symbol.
cudaError_t symbolAddress(Device &device, const void *symbol, void **address, size_t *size);

// `toSymbol`: copies `bytes` from `other` into the symbol at `offset` (kind HostToDevice,
// DeviceToDevice or Default); otherwise out of it (DeviceToHost, DeviceToDevice or Default).
// Ordered on `stream` like the other copies.
cudaError_t copySymbol(Device &device, const void *symbol, void *other, size_t bytes, size_t offset,
                       cudaMemcpyKind kind, bool toSymbol, const std::shared_ptr<Stream> &stream,
                       CopyCall call);

} // namespace cuport::core
