// Validates a kernel launch as CUDA does and enqueues it on its stream, or prepares it as the
// work of a graph node.
#pragma once

#include "runtime/core/kernel.h"
#include "runtime/core/work.h"

#include <cstddef>
#include <memory>
#include <vector>

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
  // cudaLaunchAttributeClusterDimension was given: kernels read %is_explicit_cluster as true.
  bool explicitCluster = false;
};

// `kernel` may be null (an unregistered host function): cudaErrorInvalidDeviceFunction.
// Configuration errors are cudaErrorInvalidConfiguration; too much shared memory is
// cudaErrorInvalidValue (dynamic alone, or dynamic above 48 KiB less static shared memory without
// the cudaFuncAttributeMaxDynamicSharedMemorySize opt-in) or cudaErrorLaunchOutOfResources
// (with static); more
// threads than the compiled kernel allows is cudaErrorLaunchOutOfResources. A fault while the
// kernel runs becomes the device's sticky error.
// `extra` (the driver API's CU_LAUNCH_PARAM_* list) gives the arguments when `args` is null.
cudaError_t launchKernel(Device &device, Kernel *kernel, dim3 grid, dim3 block, void **args,
                         size_t sharedBytes, Stream &stream, const LaunchOptions &options = {},
                         void **extra = nullptr);

// A validated kernel launch with its arguments copied: what a kernel graph node reports
// (cudaGraphKernelNodeGetParams) and replays.
struct KernelLaunch {
  Kernel *kernel = nullptr;
  dim3 grid;
  dim3 block;
  size_t sharedBytes = 0;
  std::vector<uint8_t> parameterBuffer; // PTX .param layout
  std::vector<void *> arguments;        // argument i's address inside parameterBuffer
};

// The validation and argument packing of launchKernel without the submission: `work` runs the
// kernel (and may run again). Arguments come from `args` or, when it is null, from `extra`
// (CU_LAUNCH_PARAM_BUFFER_POINTER / _SIZE / _END, as cudaKernelNodeParams::extra). The launch
// runs at `priority` unless `options` gives one.
cudaError_t prepareKernel(Device &device, Kernel *kernel, dim3 grid, dim3 block, void **args,
                          void **extra, size_t sharedBytes, int priority,
                          const LaunchOptions &options, Work &work);

} // namespace cuport::core
