// Launches beyond <<<...>>>: cudaLaunchKernelExC with launch attributes, and cooperative launches
// (all blocks resident at once, with a working cooperative_groups::this_grid().sync()).
#include "runtime/cudart/api.h"

#include "runtime/core/launch.h"
#include "runtime/core/launch_attributes.h"
#include "runtime/core/stream_set.h"
#include "runtime/cudart/kernel_lookup.h"
#include "support/log.h"

#include <algorithm>

using namespace cuport;

namespace {

cudaError_t launchWith(core::Kernel *kernel, dim3 grid, dim3 block, void **args, size_t sharedMem,
                       cudaStream_t stream, bool perThreadDefault,
                       const core::LaunchOptions &options) {
  core::Device *device = nullptr;
  std::shared_ptr<core::Stream> queue;
  cudaError_t result = cudart::device(device);
  if (result == cudaSuccess)
    result = core::resolveStream(*device, stream, perThreadDefault, queue);
  if (result == cudaSuccess)
    result = core::launchKernel(*device, kernel, grid, block, args, sharedMem, *queue, options);
  return result;
}

cudaError_t launchExC(const char *entry, const cudaLaunchConfig_t *config, const void *func,
                      void **args, bool perThreadDefault) {
  cudaError_t result = config ? cudaSuccess : cudaErrorInvalidValue;
  core::LaunchOptions options;
  if (result == cudaSuccess)
    result =
        core::readLaunchAttributes("cudaLaunchKernelExC", config->attrs, config->numAttrs, options);
  if (result == cudaSuccess)
    result = launchWith(cudart::kernelForFunction(func), config->gridDim, config->blockDim, args,
                        config->dynamicSmemBytes, config->stream, perThreadDefault, options);
  if (!config)
    return core::finishCall(entry, result, "config=null func=%p", func);
  return core::finishCall(
      entry, result,
      "func=%p grid=(%u,%u,%u) block=(%u,%u,%u) sharedMem=%zu stream=%p attrs=%u cooperative=%d",
      func, config->gridDim.x, config->gridDim.y, config->gridDim.z, config->blockDim.x,
      config->blockDim.y, config->blockDim.z, config->dynamicSmemBytes,
      static_cast<void *>(config->stream), config->numAttrs, options.cooperative ? 1 : 0);
}

cudaError_t launchCooperative(const char *entry, const void *func, dim3 grid, dim3 block,
                              void **args, size_t sharedMem, cudaStream_t stream,
                              bool perThreadDefault) {
  core::LaunchOptions options;
  options.cooperative = true;
  cudaError_t result = launchWith(cudart::kernelForFunction(func), grid, block, args, sharedMem,
                                  stream, perThreadDefault, options);
  return core::finishCall(
      entry, result, "func=%p grid=(%u,%u,%u) block=(%u,%u,%u) sharedMem=%zu stream=%p", func,
      grid.x, grid.y, grid.z, block.x, block.y, block.z, sharedMem, static_cast<void *>(stream));
}

} // namespace

extern "C" {

cudaError_t cudaLaunchKernelExC(const cudaLaunchConfig_t *config, const void *func, void **args) {
  return launchExC("cudaLaunchKernelExC", config, func, args, false);
}

cudaError_t cudaLaunchKernelExC_ptsz(const cudaLaunchConfig_t *config, const void *func,
                                     void **args) {
  return launchExC("cudaLaunchKernelExC_ptsz", config, func, args, true);
}

cudaError_t cudaLaunchCooperativeKernel(const void *func, dim3 gridDim, dim3 blockDim, void **args,
                                        size_t sharedMem, cudaStream_t stream) {
  return launchCooperative("cudaLaunchCooperativeKernel", func, gridDim, blockDim, args, sharedMem,
                           stream, false);
}

cudaError_t cudaLaunchCooperativeKernel_ptsz(const void *func, dim3 gridDim, dim3 blockDim,
                                             void **args, size_t sharedMem, cudaStream_t stream) {
  return launchCooperative("cudaLaunchCooperativeKernel_ptsz", func, gridDim, blockDim, args,
                           sharedMem, stream, true);
}

} // extern "C"
