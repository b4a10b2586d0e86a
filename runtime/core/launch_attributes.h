// The launch attributes of cudaLaunchKernelExC and cuLaunchKernelEx (CUlaunchAttribute has
// cudaLaunchAttribute's layout and numbering). Attributes that only tune a GPU's scheduling are
// validated and accepted; those asking for something this device lacks (clusters of more than one
// block, ...) are cudaErrorNotSupported.
#pragma once

#include "runtime/core/launch.h"

#include <driver_types.h>

namespace cuport::core {

// Reads `count` attributes into `options`; `entry` names the API call in diagnostics.
cudaError_t readLaunchAttributes(const char *entry, const cudaLaunchAttribute *attributes,
                                 unsigned count, LaunchOptions &options);

} // namespace cuport::core
