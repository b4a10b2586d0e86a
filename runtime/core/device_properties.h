// cudaDeviceProp and cudaDeviceAttr values of the device (CUdevice_attribute numbers them alike,
// so libcuda.so.1 reports the same values), both derived from the backend's
// cuport_device_info so that they always agree.
#pragma once

#include "backends/backend.h"

#include <driver_types.h>

namespace cuport::core {

void fillDeviceProperties(const cuport_device_info &info, cudaDeviceProp &prop);
// cudaErrorInvalidValue for an attribute the enum does not have.
cudaError_t deviceAttribute(const cuport_device_info &info, cudaDeviceAttr attribute, int &value);

} // namespace cuport::core
