// The texture and surface limits in cudaDeviceProp and their cudaDeviceGetAttribute forms.
#pragma once

#include <driver_types.h>

namespace cuport::core {

void fillTextureLimits(cudaDeviceProp &prop);
// The value of a texture or surface attribute; false when `attribute` is not one.
bool textureAttribute(const cudaDeviceProp &prop, cudaDeviceAttr attribute, int &value);

} // namespace cuport::core
