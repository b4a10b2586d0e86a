// A kernel's attributes as cudaFuncGetAttributes / cuFuncGetAttribute report them, and the ones
// cudaFuncSetAttribute / cuFuncSetAttribute set (cudaFuncAttribute and CUfunction_attribute number
// the settable ones alike): the opt-in for more than 48 KiB of dynamic shared memory, the carveout
// hint and the cluster settings.
#pragma once

#include "runtime/core/kernel.h"

#include <driver_types.h>

namespace cuport::core {

class Device;

void kernelAttributes(Device &device, Kernel &kernel, const ResolvedKernel &resolved,
                      cudaFuncAttributes &attributes);

// cudaErrorInvalidValue for a value out of range or an attribute that cannot be set,
// cudaErrorNotSupported for clusters of more than one block.
cudaError_t setKernelAttribute(Device &device, Kernel &kernel, const ResolvedKernel &resolved,
                               cudaFuncAttribute attribute, int value);

} // namespace cuport::core
