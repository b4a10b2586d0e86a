// Device-wide settings kept by the runtime (flags, limits, cache configuration).
#pragma once

#include "runtime/core/device.h"

namespace cuport::cudart {

// cudaDeviceReset: limits and configurations back to their defaults (device flags stay, as
// CUDA keeps the primary context's flags).
void resetDeviceSettings(core::Device &device);

} // namespace cuport::cudart
