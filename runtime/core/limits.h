// The device limits a program may set (cudaDeviceSetLimit, cuCtxSetLimit): one set for the
// device, shared by the runtime and driver APIs (CUlimit and cudaLimit have the same values).
#pragma once

#include <cstddef>

#include <driver_types.h>

namespace cuport::core {

class Device;

// cudaErrorUnsupportedLimit for a limit this device does not have (the device runtime's, a
// persisting L2 size above 0); cudaErrorInvalidValue for a value it refuses.
cudaError_t setLimit(Device &device, cudaLimit limit, size_t value);
cudaError_t getLimit(cudaLimit limit, size_t &value);
// cudaDeviceReset / cuDevicePrimaryCtxReset: every limit back to its default.
void resetLimits(Device &device);

} // namespace cuport::core
