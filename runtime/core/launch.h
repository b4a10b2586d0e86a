// Validates a kernel launch as CUDA does and enqueues it on its stream.
#pragma once

#include "runtime/core/kernel.h"

#include <cstddef>

#include <driver_types.h>
#include <vector_types.h>

namespace cuport::core {

class Device;

// Whether `handle` names a stream this runtime has: the legacy default stream (0 or
// cudaStreamLegacy) or the per-thread default stream, which share one queue for now.
bool isKnownStream(cudaStream_t handle);

// `kernel` may be null (an unregistered host function): cudaErrorInvalidDeviceFunction.
// Configuration errors are cudaErrorInvalidConfiguration; too much shared memory is
// cudaErrorInvalidValue (dynamic alone) or cudaErrorLaunchOutOfResources (with static); more
// threads than the compiled kernel allows is cudaErrorLaunchOutOfResources. A fault while the
// kernel runs becomes the device's sticky error.
cudaError_t launchKernel(Device &device, Kernel *kernel, dim3 grid, dim3 block, void **args,
                         size_t sharedBytes, cudaStream_t stream);

} // namespace cuport::core
