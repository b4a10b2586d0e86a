// __device__ / __constant__ variables seen from the host: cudaGetSymbolAddress,
// cudaGetSymbolSize, cudaMemcpyToSymbol, cudaMemcpyFromSymbol. `symbol` is the address of the
// host shadow variable the program registered.
#pragma once

#include <cstddef>

#include <driver_types.h>

namespace cuport::core {

class Device;

// Loads the variable's module if needed. cudaErrorInvalidSymbol for an unregistered symbol.
cudaError_t symbolAddress(Device &device, const void *symbol, void **address, size_t *size);

// `toSymbol`: copies `bytes` from `other` into the symbol at `offset` (kind HostToDevice,
// DeviceToDevice or Default); otherwise out of it (DeviceToHost, DeviceToDevice or Default).
cudaError_t copySymbol(Device &device, const void *symbol, void *other, size_t bytes, size_t offset,
                       cudaMemcpyKind kind, bool toSymbol);

} // namespace cuport::core
