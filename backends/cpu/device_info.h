// What the host CPU looks like as a CUDA device.
#pragma once

#include "backends/backend.h"

namespace cuport::cpu {

void describeDevice(cuport_device_info &info);

} // namespace cuport::cpu
