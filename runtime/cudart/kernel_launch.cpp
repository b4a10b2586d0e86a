// Launches beyond <<<...>>>: cudaLaunchKernelExC with launch attributes, and cooperative launches
// (all blocks resident at once, with a working cooperative_groups::this_grid().sync()).
#include "runtime/cudart/api.h"

#include "runtime/core/launch.h"
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

// Reads the attributes of a cudaLaunchConfig_t into `options`. Attributes that only tune a GPU's
// scheduling are validated and accepted; those asking for something this device lacks (clusters
// of more than one block, ...) are cudaErrorNotSupported.
cudaError_t readAttributes(const cudaLaunchConfig_t &config, core::LaunchOptions &options) {
  if (config.numAttrs > 0 && !config.attrs) {
    CUPORT_ERROR("cudaLaunchKernelExC: %u attributes but attrs is null", config.numAttrs);
    return cudaErrorInvalidValue;
  }
  for (unsigned i = 0; i < config.numAttrs; ++i) {
    const cudaLaunchAttribute &attribute = config.attrs[i];
    const cudaLaunchAttributeValue &value = attribute.val;
    switch (attribute.id) {
    case cudaLaunchAttributeIgnore:
      break;
    case cudaLaunchAttributeCooperative:
      options.cooperative = value.cooperative != 0;
      break;
    case cudaLaunchAttributePriority:
      // Out-of-range priorities are clamped, as for cudaStreamCreateWithPriority.
      options.hasPriority = true;
      options.priority =
          std::clamp(value.priority, core::kGreatestStreamPriority, core::kLeastStreamPriority);
      break;
    case cudaLaunchAttributeClusterDimension:
    case cudaLaunchAttributePreferredClusterDimension: {
      bool required = attribute.id == cudaLaunchAttributeClusterDimension;
      unsigned x = required ? value.clusterDim.x : value.preferredClusterDim.x;
      unsigned y = required ? value.clusterDim.y : value.preferredClusterDim.y;
      unsigned z = required ? value.clusterDim.z : value.preferredClusterDim.z;
      if (x == 0 || y == 0 || z == 0) {
        CUPORT_ERROR("cudaLaunchKernelExC: cluster dimension (%u, %u, %u) has a zero", x, y, z);
        return cudaErrorInvalidValue;
      }
      if (uint64_t{x} * y * z != 1) {
        CUPORT_ERROR("cudaLaunchKernelExC: thread block clusters (%u, %u, %u) are not supported "
                     "on this device (cudaDevAttrClusterLaunch is 0)",
                     x, y, z);
        return cudaErrorNotSupported;
      }
      options.explicitCluster = options.explicitCluster || required;
      break;
    }
    case cudaLaunchAttributeClusterSchedulingPolicyPreference:
      if (value.clusterSchedulingPolicyPreference != cudaClusterSchedulingPolicyDefault &&
          value.clusterSchedulingPolicyPreference != cudaClusterSchedulingPolicySpread &&
          value.clusterSchedulingPolicyPreference != cudaClusterSchedulingPolicyLoadBalancing)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeAccessPolicyWindow:
      // An L2 persistence hint: the CPU device has no persisting L2 (persistingL2CacheMaxSize 0).
      if (value.accessPolicyWindow.hitRatio < 0.0f || value.accessPolicyWindow.hitRatio > 1.0f)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeSynchronizationPolicy:
      if (value.syncPolicy < cudaSyncPolicyAuto || value.syncPolicy > cudaSyncPolicyBlockingSync)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeMemSyncDomain:
      if (value.memSyncDomain != cudaLaunchMemSyncDomainDefault &&
          value.memSyncDomain != cudaLaunchMemSyncDomainRemote)
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeMemSyncDomainMap:
      break; // one memory-synchronization domain (cudaDevAttrMemSyncDomainCount is 1)
    case cudaLaunchAttributePreferredSharedMemoryCarveout:
      if (value.sharedMemCarveout > 100 &&
          value.sharedMemCarveout != static_cast<unsigned>(cudaSharedmemCarveoutDefault))
        return cudaErrorInvalidValue;
      break;
    case cudaLaunchAttributeProgrammaticStreamSerialization:
      // Programmatic dependent launch lets this grid start before the previous one ends, without
      // requiring it: the launch still waits for all earlier work in its stream, which satisfies
      // every griddepcontrol.wait of the kernel (docs/execution-model.md).
      break;
    default:
      CUPORT_ERROR("cudaLaunchKernelExC: launch attribute %d is not supported",
                   static_cast<int>(attribute.id));
      return cudaErrorNotSupported;
    }
  }
  return cudaSuccess;
}

cudaError_t launchExC(const char *entry, const cudaLaunchConfig_t *config, const void *func,
                      void **args, bool perThreadDefault) {
  cudaError_t result = config ? cudaSuccess : cudaErrorInvalidValue;
  core::LaunchOptions options;
  if (result == cudaSuccess)
    result = readAttributes(*config, options);
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
