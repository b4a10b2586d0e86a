// The occupancy calculator (see runtime/core/occupancy.h for the model). cudaOccupancyMaxPotential
// BlockSize and its variants are templates in cuda_runtime.h built on these calls.
#include "runtime/cudart/api.h"

#include "runtime/core/occupancy.h"
#include "runtime/cudart/kernel_lookup.h"
#include "support/log.h"

using namespace cuport;

namespace {

cudaError_t maxActiveBlocks(int *numBlocks, const void *func, int blockSize, size_t dynamicSMemSize,
                            unsigned flags) {
  if (!numBlocks)
    return cudaErrorInvalidValue;
  if (flags != cudaOccupancyDefault && flags != cudaOccupancyDisableCachingOverride) {
    CUPORT_ERROR("occupancy flags %#x are not cudaOccupancyDefault or "
                 "cudaOccupancyDisableCachingOverride",
                 flags);
    return cudaErrorInvalidValue;
  }
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  if (cudaError_t error = cudart::registeredKernel(func, device, kernel); error != cudaSuccess)
    return error;
  return core::maxActiveBlocksPerMultiprocessor(*device, *kernel, blockSize, dynamicSMemSize,
                                                *numBlocks);
}

// The cluster size a launch configuration asks for (1 without a cluster attribute).
cudaError_t clusterBlocks(const cudaLaunchConfig_t &config, uint64_t &blocks) {
  blocks = 1;
  if (config.numAttrs > 0 && !config.attrs)
    return cudaErrorInvalidValue;
  for (unsigned i = 0; i < config.numAttrs; ++i)
    if (config.attrs[i].id == cudaLaunchAttributeClusterDimension) {
      const auto &dim = config.attrs[i].val.clusterDim;
      if (dim.x == 0 || dim.y == 0 || dim.z == 0)
        return cudaErrorInvalidValue;
      blocks = uint64_t{dim.x} * dim.y * dim.z;
    }
  return cudaSuccess;
}

} // namespace

extern "C" {

cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, const void *func,
                                                          int blockSize, size_t dynamicSMemSize) {
  cudaError_t result =
      maxActiveBlocks(numBlocks, func, blockSize, dynamicSMemSize, cudaOccupancyDefault);
  return core::finishCall("cudaOccupancyMaxActiveBlocksPerMultiprocessor", result,
                          "func=%p blockSize=%d dynamicSMem=%zu -> %d", func, blockSize,
                          dynamicSMemSize, result == cudaSuccess ? *numBlocks : 0);
}

cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *numBlocks, const void *func,
                                                                   int blockSize,
                                                                   size_t dynamicSMemSize,
                                                                   unsigned int flags) {
  cudaError_t result = maxActiveBlocks(numBlocks, func, blockSize, dynamicSMemSize, flags);
  return core::finishCall("cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags", result,
                          "func=%p blockSize=%d dynamicSMem=%zu flags=%#x -> %d", func, blockSize,
                          dynamicSMemSize, flags, result == cudaSuccess ? *numBlocks : 0);
}

cudaError_t cudaOccupancyAvailableDynamicSMemPerBlock(size_t *dynamicSmemSize, const void *func,
                                                      int numBlocks, int blockSize) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  cudaError_t result =
      dynamicSmemSize ? cudart::registeredKernel(func, device, kernel) : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    result = core::availableDynamicSharedPerBlock(*device, *kernel, numBlocks, blockSize,
                                                  *dynamicSmemSize);
  return core::finishCall("cudaOccupancyAvailableDynamicSMemPerBlock", result,
                          "func=%p numBlocks=%d blockSize=%d -> %zu", func, numBlocks, blockSize,
                          result == cudaSuccess ? *dynamicSmemSize : 0);
}

// The device has no thread block clusters (cudaDevAttrClusterLaunch is 0): the largest cluster is
// one block, and clusters of one block are as many as resident blocks.
cudaError_t cudaOccupancyMaxPotentialClusterSize(int *clusterSize, const void *func,
                                                 const cudaLaunchConfig_t *launchConfig) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  cudaError_t result = clusterSize && launchConfig ? cudart::registeredKernel(func, device, kernel)
                                                   : cudaErrorInvalidValue;
  if (result == cudaSuccess)
    *clusterSize = 1;
  return core::finishCall("cudaOccupancyMaxPotentialClusterSize", result, "func=%p -> %d", func,
                          result == cudaSuccess ? *clusterSize : 0);
}

cudaError_t cudaOccupancyMaxActiveClusters(int *numClusters, const void *func,
                                           const cudaLaunchConfig_t *launchConfig) {
  core::Device *device = nullptr;
  core::Kernel *kernel = nullptr;
  cudaError_t result = numClusters && launchConfig ? cudart::registeredKernel(func, device, kernel)
                                                   : cudaErrorInvalidValue;
  uint64_t blocks = 1;
  if (result == cudaSuccess)
    result = clusterBlocks(*launchConfig, blocks);
  if (result == cudaSuccess && blocks != 1) {
    CUPORT_ERROR("cudaOccupancyMaxActiveClusters: clusters of %llu blocks are not supported on "
                 "this device",
                 static_cast<unsigned long long>(blocks));
    result = cudaErrorNotSupported;
  }
  int perMultiprocessor = 0;
  if (result == cudaSuccess) {
    dim3 block = launchConfig->blockDim;
    uint64_t threads = uint64_t{block.x} * block.y * block.z;
    result = threads == 0 || threads > INT32_MAX
                 ? cudaErrorInvalidValue
                 : core::maxActiveBlocksPerMultiprocessor(
                       *device, *kernel, static_cast<int>(threads), launchConfig->dynamicSmemBytes,
                       perMultiprocessor);
  }
  if (result == cudaSuccess)
    *numClusters = perMultiprocessor * static_cast<int>(device->info().multiprocessor_count);
  return core::finishCall("cudaOccupancyMaxActiveClusters", result, "func=%p -> %d", func,
                          result == cudaSuccess ? *numClusters : 0);
}

} // extern "C"
