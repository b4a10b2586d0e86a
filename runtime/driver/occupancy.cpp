// The occupancy calculator through the driver API (runtime/core/occupancy.h has the model):
// blocks per multiprocessor, the block size of best occupancy, and the dynamic shared memory a
// number of resident blocks leaves each.
#include "runtime/driver/context.h"
#include "runtime/driver/driver_module.h"

#include "runtime/core/kernel_attributes.h"
#include "runtime/core/occupancy.h"
#include "support/log.h"

using namespace cuport;
using namespace cuport::driver;

namespace {

CUresult maxActiveBlocks(int *numBlocks, CUfunction func, int blockSize, size_t dynamicSMemSize,
                         unsigned flags) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  if (!numBlocks)
    return CUDA_ERROR_INVALID_VALUE;
  if (flags != CU_OCCUPANCY_DEFAULT && flags != CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE) {
    CUPORT_ERROR("occupancy flags %#x are not CU_OCCUPANCY_DEFAULT or "
                 "CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE",
                 flags);
    return CUDA_ERROR_INVALID_VALUE;
  }
  core::Kernel *kernel = nullptr;
  if (CUresult result = functionOf(func, kernel); result != CUDA_SUCCESS)
    return result;
  return fromRuntime(core::maxActiveBlocksPerMultiprocessor(*device, *kernel, blockSize,
                                                            dynamicSMemSize, *numBlocks));
}

// cuda_runtime.h's cudaOccupancyMaxPotentialBlockSizeVariableSMemWithFlags, as the driver API
// documents it: every block size from the largest down in steps of a warp, the one with the most
// resident threads winning (the largest among equals).
CUresult maxPotentialBlockSize(int *minGridSize, int *blockSize, CUfunction func,
                               CUoccupancyB2DSize blockSizeToDynamicSMemSize,
                               size_t dynamicSMemSize, int blockSizeLimit, unsigned flags) {
  core::Device *device = nullptr;
  if (CUresult result = requireContext(device); result != CUDA_SUCCESS)
    return result;
  if (!minGridSize || !blockSize || blockSizeLimit < 0)
    return CUDA_ERROR_INVALID_VALUE;
  core::Kernel *kernel = nullptr;
  if (CUresult result = functionOf(func, kernel); result != CUDA_SUCCESS)
    return result;
  core::ResolvedKernel resolved;
  if (CUresult result = fromRuntime(kernel->resolve(*device, resolved)); result != CUDA_SUCCESS)
    return result;
  cudaFuncAttributes attributes;
  core::kernelAttributes(*device, *kernel, resolved, attributes);
  const cuport_device_info &info = device->info();
  int warpSize = static_cast<int>(info.warp_size);
  int deviceLimit = static_cast<int>(info.max_threads_per_block);
  int occupancyLimit =
      deviceLimit *
      static_cast<int>(std::max<uint32_t>(info.max_resident_blocks_per_multiprocessor, 1));
  int limit = blockSizeLimit == 0 ? deviceLimit : std::min(blockSizeLimit, deviceLimit);
  limit = std::min(limit, attributes.maxThreadsPerBlock);
  int bestBlockSize = 0, bestBlocks = 0, bestOccupancy = 0;
  int aligned = (limit + warpSize - 1) / warpSize * warpSize;
  for (int tryAligned = aligned; tryAligned > 0; tryAligned -= warpSize) {
    int tried = std::min(tryAligned, limit);
    size_t shared =
        blockSizeToDynamicSMemSize ? blockSizeToDynamicSMemSize(tried) : dynamicSMemSize;
    int blocks = 0;
    if (CUresult result = maxActiveBlocks(&blocks, func, tried, shared, flags);
        result != CUDA_SUCCESS)
      return result;
    if (tried * blocks > bestOccupancy) {
      bestBlockSize = tried;
      bestBlocks = blocks;
      bestOccupancy = tried * blocks;
    }
    if (bestOccupancy == occupancyLimit)
      break;
  }
  *minGridSize = bestBlocks * static_cast<int>(info.multiprocessor_count);
  *blockSize = bestBlockSize;
  return CUDA_SUCCESS;
}

} // namespace

extern "C" {

CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, CUfunction func, int blockSize,
                                                     size_t dynamicSMemSize) {
  CUresult result =
      maxActiveBlocks(numBlocks, func, blockSize, dynamicSMemSize, CU_OCCUPANCY_DEFAULT);
  return finishCall("cuOccupancyMaxActiveBlocksPerMultiprocessor", result,
                    "func=%p blockSize=%d dynamicSMem=%zu -> %d", static_cast<void *>(func),
                    blockSize, dynamicSMemSize, result == CUDA_SUCCESS ? *numBlocks : 0);
}

CUresult cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *numBlocks, CUfunction func,
                                                              int blockSize, size_t dynamicSMemSize,
                                                              unsigned int flags) {
  CUresult result = maxActiveBlocks(numBlocks, func, blockSize, dynamicSMemSize, flags);
  return finishCall("cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags", result,
                    "func=%p blockSize=%d dynamicSMem=%zu flags=%#x -> %d",
                    static_cast<void *>(func), blockSize, dynamicSMemSize, flags,
                    result == CUDA_SUCCESS ? *numBlocks : 0);
}

CUresult cuOccupancyMaxPotentialBlockSize(int *minGridSize, int *blockSize, CUfunction func,
                                          CUoccupancyB2DSize blockSizeToDynamicSMemSize,
                                          size_t dynamicSMemSize, int blockSizeLimit) {
  CUresult result = maxPotentialBlockSize(minGridSize, blockSize, func, blockSizeToDynamicSMemSize,
                                          dynamicSMemSize, blockSizeLimit, CU_OCCUPANCY_DEFAULT);
  return finishCall("cuOccupancyMaxPotentialBlockSize", result, "func=%p limit=%d -> %d, %d",
                    static_cast<void *>(func), blockSizeLimit,
                    result == CUDA_SUCCESS ? *minGridSize : 0,
                    result == CUDA_SUCCESS ? *blockSize : 0);
}

CUresult cuOccupancyMaxPotentialBlockSizeWithFlags(int *minGridSize, int *blockSize,
                                                   CUfunction func,
                                                   CUoccupancyB2DSize blockSizeToDynamicSMemSize,
                                                   size_t dynamicSMemSize, int blockSizeLimit,
                                                   unsigned int flags) {
  CUresult result = maxPotentialBlockSize(minGridSize, blockSize, func, blockSizeToDynamicSMemSize,
                                          dynamicSMemSize, blockSizeLimit, flags);
  return finishCall("cuOccupancyMaxPotentialBlockSizeWithFlags", result,
                    "func=%p limit=%d flags=%#x -> %d, %d", static_cast<void *>(func),
                    blockSizeLimit, flags, result == CUDA_SUCCESS ? *minGridSize : 0,
                    result == CUDA_SUCCESS ? *blockSize : 0);
}

CUresult cuOccupancyAvailableDynamicSMemPerBlock(size_t *dynamicSmemSize, CUfunction func,
                                                 int numBlocks, int blockSize) {
  core::Device *device = nullptr;
  CUresult result = requireContext(device);
  core::Kernel *kernel = nullptr;
  if (result == CUDA_SUCCESS && !dynamicSmemSize)
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = functionOf(func, kernel);
  if (result == CUDA_SUCCESS)
    result = fromRuntime(core::availableDynamicSharedPerBlock(*device, *kernel, numBlocks,
                                                              blockSize, *dynamicSmemSize));
  return finishCall("cuOccupancyAvailableDynamicSMemPerBlock", result,
                    "func=%p numBlocks=%d blockSize=%d -> %zu", static_cast<void *>(func),
                    numBlocks, blockSize, result == CUDA_SUCCESS ? *dynamicSmemSize : 0);
}

} // extern "C"
