// Validates a kernel launch as CUDA does and enqueues it on its stream.
#pragma once

#include "runtime/core/kernel.h"

#include <cstddef>
#include <memory>

#include <driver_types.h>
#include <vector_types.h>

namespace cuport::core {

class Device;

class Stream;

// The stream `handle` names (see StreamSet::resolve), or cudaErrorInvalidResourceHandle.
cudaError_t resolveStream(Device &device, cudaStream_t handle, bool perThreadDefault,
                          std::shared_ptr<Stream> &stream);

// What cudaLaunchKernelExC's attributes and cudaLaunchCooperativeKernel add to a launch.
struct LaunchOptions {
  // All blocks resident at once, with a grid barrier workspace (cooperative_groups::this_grid()).
  // More blocks than maxActiveBlocksPerMultiprocessor * multiProcessorCount is
  // cudaErrorCooperativeLaunchTooLarge.
  bool cooperative = false;
  // cudaLaunchAttributePriority: replaces the stream's priority for this launch.
  bool hasPriority = false;
  int priority = 0;
};

// `kernel` may be null (an unregistered host function): cudaErrorInvalidDeviceFunction.
// Configuration errors are cudaErrorInvalidConfiguration; too much shared memory is
// cudaErrorInvalidValue (dynamic alone, or dynamic above 48 KiB less static shared memory without
// the cudaFuncAttributeMaxDynamicSharedMemorySize opt-in) or cudaErrorLaunchOutOfResources
// (with static); more
// threads than the compiled kernel allows is cudaErrorLaunchOutOfResources. A fault while the
// kernel runs becomes the device's sticky error.
cudaError_t launchKernel(Device &device, Kernel *kernel, dim3 grid, dim3 block, void **args,
                         size_t sharedBytes, Stream &stream, const LaunchOptions &options = {});

} // namespace cuport::core
