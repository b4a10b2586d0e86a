// cudaDeviceProp and cudaDeviceAttr values of the device, both derived from the backend's
// cuport_device_info so that they always agree.
#pragma once

#include "runtime/cudart/api.h"

namespace cuport::cudart {

void fillDeviceProperties(const cuport_device_info &info, cudaDeviceProp &prop);
// cudaErrorInvalidValue for an attribute the enum does not have.
cudaError_t deviceAttribute(const cuport_device_info &info, cudaDeviceAttr attribute, int &value);

} // namespace cuport::cudart
